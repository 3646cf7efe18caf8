"""The registration app's chronology entries: joining and leaving a practice's list."""

from casework.core import chronology
from casework.core.chronology import Entry, rows_about
from casework.registration.models import Registration


def registration_entries(*, actor, person, read) -> list[Entry]:
    entries = []
    registrations = rows_about(
        actor,
        person,
        Registration,
        read,
        lambda rows: rows.filter(person=person).select_related("practice", "named_worker"),
    )
    for r in registrations:
        worker = f" with {r.named_worker}" if r.named_worker else ""
        title = f"Registered with {r.practice}{worker}"
        entries.append(Entry(r.start_date, "registration", title, r.get_route_display(), (0, r.pk)))
        if r.end_date:
            entries.append(
                Entry(
                    r.end_date,
                    "registration",
                    f"Registration with {r.practice} ended",
                    r.get_end_reason_display(),
                    (9, r.pk),
                )
            )
    return entries


chronology.register("registrations", models=[Registration], source=registration_entries)
