"""Case notes: dated, typed, editable by their author for a set time, then locked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services
from casework.cases.models import CaseNote
from casework.people import services as people_services
from tests.conftest import TODAY


@pytest.fixture
def note(world):
    return services.case_note_add(
        actor=world.a.users[Role.PRACTITIONER],
        person=world.a.people[0],
        case=world.a.cases[0],
        note_type="visit",
        occurred_on=TODAY,
        summary="Home visit",
        text="Seen alone.",
    )


@pytest.mark.django_db
def test_author_corrects_a_note_within_the_window_and_history_records_it(world, note):
    author = world.a.users[Role.PRACTITIONER]
    services.case_note_edit(actor=author, note=note, summary="Home visit (corrected)", text="Seen alone, in her room.")
    note.refresh_from_db()
    assert note.summary == "Home visit (corrected)"
    assert note.history.count() == 2
    assert note.history.first().history_user == author and note.history.last().summary == "Home visit"
    actions = list(
        AuditEvent.objects.filter(object_type="cases.casenote", object_id=str(note.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.django_db
def test_someone_else_cannot_edit(world, note):
    with pytest.raises(ValidationError, match="locked"):
        services.case_note_edit(actor=world.a.users[Role.TEAM_MANAGER], note=note, summary="x", text="y")


@pytest.mark.django_db
def test_note_locks_after_the_window(world, note, settings):
    settings.CASE_NOTE_EDIT_WINDOW_HOURS = 24
    CaseNote.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=25))
    note.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.case_note_edit(actor=world.a.users[Role.PRACTITIONER], note=note, summary="x", text="y")
    assert CaseNote.objects.get(pk=note.pk).summary == "Home visit"


@pytest.mark.django_db
def test_notes_need_a_person_on_the_list_and_a_past_date(world):
    practitioner = world.a.users[Role.PRACTITIONER]
    with pytest.raises(ValidationError, match="future"):
        services.case_note_add(
            actor=practitioner,
            person=world.a.people[0],
            note_type="visit",
            occurred_on=TODAY + timedelta(days=1),
            summary="s",
            text="t",
        )
    # recorded by B, registered nowhere: A cannot write about them
    stranger = people_services.person_create(
        actor=world.b.users[Role.TEAM_MANAGER], given_name="Ola", family_name="Nowak", sex="F", ethnicity="WOTH"
    )
    with pytest.raises(ValidationError, match="registered"):
        services.case_note_add(
            actor=practitioner, person=stranger, note_type="visit", occurred_on=TODAY, summary="s", text="t"
        )
    with pytest.raises(ValidationError):  # another person's case
        services.case_note_add(
            actor=practitioner,
            person=world.a.people[0],
            case=world.a.cases[1],
            note_type="visit",
            occurred_on=TODAY,
            summary="s",
            text="t",
        )
