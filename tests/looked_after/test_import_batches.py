"""An import is previewed (nothing written), confirmed once, and can be reversed as one action
while nothing has been recorded on what it created; each step is audited."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.looked_after import models as la
from casework.looked_after.imports.batches import NO_CHILDREN, import_confirm, import_preview, import_reverse
from casework.looked_after.imports.models import ImportBatch
from casework.looked_after.imports.writing import year_in_words
from tests.looked_after.test_import import (
    _counts,
    _encoded,
    _import_texts,
    _snapshot,
    make_taking_on,
    small_return,
)


@pytest.fixture
def taking_on(db):
    return make_taking_on()


def _preview(taking_on, texts=None):
    return import_preview(
        actor=taking_on.actor, commissioner=taking_on.authority, years={2026: _encoded(texts or small_return())}
    )


def _changed_return():
    """The small return a year on in the authority's records: the girl's ethnicity corrected, a new boy."""
    texts = small_return()
    texts["header.csv"] = texts["header.csv"].replace("C001,F,01/06/2012,WBRI", "C001,F,01/06/2012,WIRI")
    texts["header.csv"] += "C003,M,09/09/2016,WBRI,UN5,,\n"
    texts["episodes.csv"] += "C003,01/03/2026,S,V2,N4,U3,PR1,,,,LS2 7UE,LS1 4AP,SC123457\n"
    return texts


def _batch_events(batch):
    return list(
        AuditEvent.objects.filter(object_type="looked_after.importbatch", object_id=str(batch.pk))
        .order_by("pk")
        .values_list("action", "detail__stage")
    )


def test_a_preview_says_who_is_created_matched_and_changed_and_writes_nothing(taking_on):
    _import_texts(taking_on)
    girl = la.LookedAfterChild.objects.get(child_id="C001")
    before = _snapshot()

    batch = _preview(taking_on, _changed_return())

    assert _snapshot() == before
    assert batch.state == ImportBatch.State.PREVIEWED
    assert batch.preview["children"] == [
        {
            "child": "C001",
            "how": "child_id",
            "casework_id": girl.person_id,
            "changed": ["ethnicity"],
            "why": "matched by the authority's child identifier",
        },
        {
            "child": "C002",
            "how": "child_id",
            "casework_id": la.LookedAfterChild.objects.get(child_id="C002").person_id,
            "changed": [],
            "why": "matched by the authority's child identifier",
        },
        {
            "child": "C003",
            "how": "new",
            "casework_id": None,
            "changed": [],
            "why": "not recorded yet: a new person, their names and address to complete",
        },
    ]
    assert [year_in_words(year, done=False) for year in batch.preview["years"]] == [
        "2025/26: 3 children, 14 rows read; will create 1 person, 1 child, 1 case, 1 episode of care; "
        "will update 1 person"
    ]
    assert _batch_events(batch) == [("import", "previewed")]


def test_confirming_writes_once_however_often_it_is_pressed(taking_on):
    batch = _preview(taking_on)
    before = _counts()

    first = import_confirm(actor=taking_on.actor, batch=batch)
    after_first = _snapshot()
    again = import_confirm(actor=taking_on.actor, batch=batch)

    assert first.state == again.state == ImportBatch.State.CONFIRMED  # the second press had the stale batch
    assert _snapshot() == after_first
    assert la.LookedAfterChild.objects.count() == before["LookedAfterChild"] + 2
    assert _batch_events(batch) == [("import", "previewed"), ("import", "confirmed")]
    assert AuditEvent.objects.filter(action="import", object_type="ssda903").count() == 1


def test_a_preview_overtaken_by_other_changes_is_refused_at_confirmation(taking_on):
    batch = _preview(taking_on)
    _import_texts(taking_on)  # the same children taken on meanwhile
    before = _snapshot()

    with pytest.raises(ValidationError, match="changed since the preview"):
        import_confirm(actor=taking_on.actor, batch=batch)

    assert _snapshot() == before
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.PREVIEWED


def test_reversing_puts_everything_back_as_it_was(taking_on):
    _import_texts(taking_on)
    before = _snapshot()
    batch = import_confirm(actor=taking_on.actor, batch=_preview(taking_on, _changed_return()))
    assert la.LookedAfterChild.objects.get(child_id="C001").person.ethnicity == "WIRI"

    reversed_batch = import_reverse(actor=taking_on.actor, batch=batch)

    assert reversed_batch.state == ImportBatch.State.REVERSED
    assert _snapshot() == before  # the new boy gone, the girl's ethnicity as it was
    assert _batch_events(batch) == [("import", "previewed"), ("import", "confirmed"), ("delete", "reversed")]
    with pytest.raises(ValidationError, match="reversed already"):
        import_reverse(actor=taking_on.actor, batch=batch)


def test_an_import_with_a_case_note_on_what_it_created_cannot_be_reversed(taking_on):
    batch = import_confirm(actor=taking_on.actor, batch=_preview(taking_on))
    case = Case.objects.get(person__looked_after_records__child_id="C002")
    case_services.case_note_add(
        actor=taking_on.actor,
        person=case.person,
        case=case,
        note_type="visit",
        occurred_on=date(2026, 3, 1),
        summary="Visit",
        text="Seen at the placement",
    )
    before = _snapshot()

    with pytest.raises(ValidationError) as refused:
        import_reverse(actor=taking_on.actor, batch=batch)

    assert refused.value.messages == [
        "This import can no longer be reversed: case notes have been recorded on what it created."
    ]
    assert _snapshot() == before


def test_an_import_whose_allocation_was_changed_since_cannot_be_reversed(taking_on):
    batch = import_confirm(actor=taking_on.actor, batch=_preview(taking_on))
    allocation = Case.objects.get(person__looked_after_records__child_id="C002").allocations.get()
    case_services.allocation_change(
        actor=taking_on.actor,
        case=allocation.case,
        worker=taking_on.practice.workers[0],
        start_date=date(2026, 3, 2),
        change_reason="MANAGE",
    )

    with pytest.raises(ValidationError, match="can no longer be reversed"):
        import_reverse(actor=taking_on.actor, batch=batch)

    assert la.LookedAfterChild.objects.filter(child_id="C002").exists()



def test_no_files_are_never_previewed_and_an_import_of_no_children_never_confirmed(taking_on):
    with pytest.raises(ValueError, match="No 903 files were given"):
        import_preview(actor=taking_on.actor, commissioner=taking_on.authority, years={})
    # a batch of no one, whoever made it, is refused by the service, not only by the page's button
    batch = _preview(taking_on)
    ImportBatch.objects.filter(pk=batch.pk).update(preview={"years": [], "notes": [], "children": []})
    before = _counts()

    with pytest.raises(ValidationError) as refused:
        import_confirm(actor=taking_on.actor, batch=batch)

    assert refused.value.messages == [NO_CHILDREN]
    assert ImportBatch.objects.get(pk=batch.pk).state == ImportBatch.State.PREVIEWED and _counts() == before
