"""The cases app's chronology entries: cases opened and closed, allocations, case notes. Each kind
uses the rows the person's page has already read (``read``) or reads them in one query."""

from casework.cases.models import Allocation, Case, CaseNote
from casework.core import chronology
from casework.core.chronology import Entry, rows_about


def case_entries(*, actor, person, read) -> list[Entry]:
    entries = []
    for c in rows_about(actor, person, Case, read, lambda rows: rows.filter(person=person)):
        service = c.get_service_type_display()
        entries.append(Entry(c.opened_on, "case", f"{service} case opened", c.open_reason, (1, c.pk)))
        if c.closed_on:
            closed = c.get_close_reason_display()
            entries.append(Entry(c.closed_on, "case", f"{service} case closed", closed, (8, c.pk)))
    return entries


def allocation_entries(*, actor, person, read) -> list[Entry]:
    allocations = rows_about(
        actor, person, Allocation, read, lambda rows: rows.filter(case__person=person).select_related("worker")
    )
    return [
        Entry(a.start_date, "allocation", f"Allocated to {a.worker}", a.get_change_reason_display(), (2, a.pk))
        for a in allocations
    ]


def note_entries(*, actor, person, read) -> list[Entry]:
    return [
        Entry(n.occurred_on, "note", f"{n.get_note_type_display()}: {n.summary}", n.text, (5, n.pk))
        for n in rows_about(actor, person, CaseNote, read, lambda rows: rows.filter(person=person))
    ]


chronology.register("cases", models=[Case], source=case_entries)
chronology.register("allocations", models=[Allocation], source=allocation_entries)
chronology.register("case_notes", models=[CaseNote], source=note_entries)
