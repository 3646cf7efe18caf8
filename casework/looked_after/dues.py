"""Each looked-after child's next statutory due dates: worked out with the pure rules
(``looked_after/timescales.py``) and stored (``StoredDues``), one function for every writer.

``work_out`` is the one computation: ``selectors.due_for`` shows it live (the child's page) and
``refresh`` stores it. Every recording service (``services._recording``), the 903 import's writer
and the seed call ``refresh`` for the children they changed, in the same transaction. The rules read
``today`` in a few places (a planned placement starting, the 18th birthday coming within six months,
the collection year that retires a placement code): the earliest such date is kept as
``recompute_on`` and ``manage.py looked_after_dues --refresh`` (daily) redoes the rows it has reached.

The row also names the child's allocated worker (``allocated_workers``): ``refresh`` stores it with
the dues, and the allocation services, which change it without touching the dues, call
``allocation_changed`` in their own transaction.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.cases.models import Allocation
from casework.core.codes import ServiceType
from casework.looked_after import codes, rules, timescales
from casework.looked_after.models import (
    Episode,
    HealthCheck,
    LookedAfterChild,
    Review,
    StoredDues,
    StrengthsDifficulties,
    Visit,
)

EPISODE_FIELDS = (
    "child_id",
    "start_date",
    "end_date",
    "reason_new_episode",
    "reason_ceased",
    "legal_status",
    "placement_type",
    "intended_until_18",
)
# the 18th birthday is shown as due this long before it
CARE_ENDS_SHOWN = timedelta(days=183)
# the kinds with a column of their own (for counts and the order of the tray)
KINDS = ("review", "visit", "health_assessment", "dental_check", "sdq", "care_ends", "placement_code")


def placement_code_ending(episodes, today: date) -> timescales.Due | None:
    """A current placement whose code the DfE retires (H5, P2, Z1) must be recoded from the first
    day of the year it is no longer valid in: shown from the autumn before, overdue after."""
    current = next((e for e in episodes if e["end_date"] is None), None)
    if current is None:
        return None
    entry = codes.PLACEMENT_TYPE.codes.get(current["placement_type"])
    if entry is None or entry.last_year >= codes.collection_year_of(today) + 1:
        return None
    return timescales.Due(
        kind="placement_code",
        label=f"Placement code {entry.code} is not used after {codes.year_label(entry.last_year)}: record the new code",
        due_on=codes.collection_start(entry.last_year + 1),
    )


def _in_care(episodes, today: date) -> bool:
    return any(e["end_date"] is None and e["start_date"] <= today for e in episodes)


def _recompute_on(episodes, date_of_birth: date, today: date) -> date:
    """The first day after ``today`` on which the rules could give another answer with nothing recorded."""
    later = [codes.collection_start(codes.collection_year_of(today) + 1)]
    for e in episodes:
        later += [day for day in (e["start_date"], e["end_date"]) if day is not None and day > today]
    shown_from = rules.birthday(date_of_birth, 18) - CARE_ENDS_SHOWN
    if shown_from > today:
        later.append(shown_from)
    return min(later)


def work_out(children, today: date) -> dict[int, tuple[bool, list[timescales.Due], date]]:
    """For each child (model rows with ``person`` loaded): whether looked after today, the dues
    (soonest first), and when to work them out again. Six queries whatever the number of children."""
    by_id = {c.pk: c for c in children}
    if not by_id:
        return {}
    ids = list(by_id)
    episodes, dates = defaultdict(list), defaultdict(lambda: defaultdict(list))
    for row in Episode.objects.filter(child_id__in=ids).order_by("start_date").values(*EPISODE_FIELDS):
        episodes[row["child_id"]].append(row)
    for kind, model, date_field, extra in (
        ("reviews", Review, "review_date", Q()),
        ("visits", Visit, "visit_date", Q()),
        ("health_assessments", HealthCheck, "check_date", Q(kind=HealthCheck.Kind.HEALTH_ASSESSMENT)),
        ("dental_checks", HealthCheck, "check_date", Q(kind=HealthCheck.Kind.DENTAL_CHECK)),
        ("sdqs", StrengthsDifficulties, "assessed_on", Q()),
    ):
        for child_id, day in model.objects.filter(extra, child_id__in=ids).values_list("child_id", date_field):
            dates[child_id][kind].append(day)
    found = {}
    for child_id, child in by_id.items():
        born = child.person.date_of_birth
        recompute_on = _recompute_on(episodes[child_id], born, today)
        if not _in_care(episodes[child_id], today):
            found[child_id] = (False, [], recompute_on)
            continue
        dues = timescales.due_dates(
            date_of_birth=born,
            episodes=episodes[child_id],
            reviews=dates[child_id]["reviews"],
            visits=dates[child_id]["visits"],
            health_assessments=dates[child_id]["health_assessments"],
            dental_checks=dates[child_id]["dental_checks"],
            sdqs=dates[child_id]["sdqs"],
            today=today,
        )
        eighteenth = rules.birthday(born, 18)
        if eighteenth <= today + CARE_ENDS_SHOWN:
            dues = [*dues, timescales.Due(kind="care_ends", label="18th birthday: care ends", due_on=eighteenth)]
        recode = placement_code_ending(episodes[child_id], today)
        if recode is not None:
            dues = [*dues, recode]
        found[child_id] = (True, sorted(dues, key=lambda d: d.due_on), recompute_on)
    return found


def allocated_workers(children) -> dict[int, int | None]:
    """For each child (model rows): the worker allocated now to their open looked-after-child case
    with the child's practice, or None (one query). A case has one open allocation at most, and a
    person one open looked-after-child case a practice."""
    by_person: dict[tuple[int, int], list[int]] = defaultdict(list)
    for child in children:
        by_person[(child.organisation_id, child.person_id)].append(child.pk)
    found = dict.fromkeys((pk for pks in by_person.values() for pk in pks), None)
    if not by_person:
        return found
    open_allocations = Allocation.objects.filter(
        end_date__isnull=True,
        case__service_type=ServiceType.LOOKED_AFTER_CHILD,
        case__closed_on__isnull=True,
        case__person_id__in={person_id for _, person_id in by_person},
    ).values_list("case__organisation_id", "case__person_id", "worker_id")
    for organisation_id, person_id, worker_id in open_allocations:
        for pk in by_person.get((organisation_id, person_id), ()):
            found[pk] = worker_id
    return found


def allocation_changed(*, organisation_id: int, person_id: int) -> None:
    """A looked-after child's case was allocated, or closed: store their allocated worker again
    (the allocation services call this in their transaction; the dues themselves do not move)."""
    children = list(LookedAfterChild.objects.filter(organisation_id=organisation_id, person_id=person_id))
    for child_id, worker_id in allocated_workers(children).items():
        StoredDues.objects.filter(child_id=child_id).update(worker_id=worker_id)


def _stored(
    child_id: int, in_care: bool, dues: list[timescales.Due], recompute_on: date, today: date, worker_id=None
) -> StoredDues:
    row = StoredDues(
        child_id=child_id,
        worker_id=worker_id,
        in_care=in_care,
        next_due_on=dues[0].due_on if dues else None,
        shown=[[due.kind, due.label, due.due_on.isoformat()] for due in dues],
        computed_on=today,
        recompute_on=recompute_on,
    )
    for due in dues:
        setattr(row, f"{due.kind}_on", due.due_on)
    return row


def shown_dues(row: StoredDues) -> list[timescales.Due]:
    return [timescales.Due(kind=kind, label=label, due_on=date.fromisoformat(day)) for kind, label, day in row.shown]


def refresh(child_ids, *, today: date | None = None, batch_size: int = 2000) -> int:
    """Work out and store the dues of these children again (all writers call this). Returns how many."""
    today = today or timezone.localdate()
    ids = sorted(set(child_ids))
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        children = list(LookedAfterChild.objects.filter(pk__in=batch).select_related("person"))
        workers = allocated_workers(children)
        rows = [_stored(pk, *worked, today, workers[pk]) for pk, worked in work_out(children, today).items()]
        with transaction.atomic():
            StoredDues.objects.filter(child_id__in=batch).delete()
            StoredDues.objects.bulk_create(rows)
        done += len(rows)
    return done


def refresh_due(*, today: date | None = None) -> int:
    """The daily job: the rows whose ``recompute_on`` has come, and any child with no row yet."""
    today = today or timezone.localdate()
    reached = StoredDues.objects.filter(recompute_on__lte=today).values_list("child_id", flat=True)
    missing = LookedAfterChild.objects.filter(dues__isnull=True).values_list("pk", flat=True)
    return refresh([*reached, *missing], today=today)


def fill_missing(*, today: date | None = None) -> int:
    """Rows for the children that have none (a database migrated from before the table existed)."""
    return refresh(LookedAfterChild.objects.filter(dues__isnull=True).values_list("pk", flat=True), today=today)


def rebuild(*, today: date | None = None) -> int:
    return refresh(LookedAfterChild.objects.values_list("pk", flat=True), today=today)
