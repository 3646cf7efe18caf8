"""The cases app's chronology entries: cases opened and closed, allocations, case notes."""

from casework.cases.models import Allocation, Case, CaseNote
from casework.core import chronology
from casework.core.chronology import Entry, scoped_about


def case_entries(*, actor, person) -> list[Entry]:
    entries = []
    for c in scoped_about(actor, person, Case).filter(person=person):
        service = c.get_service_type_display()
        entries.append(Entry(c.opened_on, "case", f"{service} case opened", c.open_reason, (1, c.pk)))
        if c.closed_on:
            closed = c.get_close_reason_display()
            entries.append(Entry(c.closed_on, "case", f"{service} case closed", closed, (8, c.pk)))
    return entries


def allocation_entries(*, actor, person) -> list[Entry]:
    return [
        Entry(a.start_date, "allocation", f"Allocated to {a.worker}", a.get_change_reason_display(), (2, a.pk))
        for a in scoped_about(actor, person, Allocation).filter(case__person=person).select_related("worker")
    ]


def note_entries(*, actor, person) -> list[Entry]:
    return [
        Entry(n.occurred_on, "note", f"{n.get_note_type_display()}: {n.summary}", n.text, (5, n.pk))
        for n in scoped_about(actor, person, CaseNote).filter(person=person)
    ]


chronology.register("cases", models=[Case], source=case_entries)
chronology.register("allocations", models=[Allocation], source=allocation_entries)
chronology.register("case_notes", models=[CaseNote], source=note_entries)
