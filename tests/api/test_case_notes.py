"""Adding a case note through the API goes through cases.services.case_note_add, as the person's
page does: the same rules, the same audit, and bad input a 400 that writes nothing."""

import json
from datetime import timedelta

import pytest

from casework.audit.models import AuditEvent
from casework.cases.models import CaseNote
from tests.api.conftest import assert_error, token_client
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _note(world, **changes) -> dict:
    note = {
        "person": world.a.people[0].pk,
        "case": world.a.cases[0].pk,
        "note_type": "visit",
        "occurred_on": str(TODAY - timedelta(days=3)),
        "summary": "Home visit",
        "text": "Seen at home with her carer; settled.",
    }
    return {k: v for k, v in (note | changes).items() if v is not ...}


def _post(client, note):
    # json.dumps escapes a lone surrogate as \\ud800, as a client's JSON library would send it
    return client.post("/api/case-notes/", data=json.dumps(note), content_type="application/json")


def test_a_note_is_added_and_shown_as_the_list_shows_it(world, api, a_service):
    response = _post(api, _note(world))
    assert response.status_code == 201, response.content
    body = response.json()
    note = CaseNote.objects.get()
    assert body["id"] == note.pk
    assert (note.person, note.case, note.author, note.organisation) == (
        world.a.people[0],
        world.a.cases[0],
        a_service,
        world.a.org,
    )
    assert (body["summary"], body["text"], body["occurred_on"], body["author"]) == (
        "Home visit",
        "Seen at home with her carer; settled.",
        str(TODAY - timedelta(days=3)),
        "a-service",
    )
    assert api.get(f"/api/case-notes/{note.pk}/").json() == body
    assert AuditEvent.objects.filter(action="create", object_type="cases.casenote", object_id=str(note.pk)).exists()


def test_a_note_without_a_case_is_about_the_person(world, api):
    response = _post(api, _note(world, case=None))
    assert response.status_code == 201
    assert CaseNote.objects.get().case is None


@pytest.mark.parametrize(
    "changes, fields",
    [
        ({"summary": ...}, {"summary": ["This field is required."]}),
        ({"summary": ""}, {"summary": ["This field may not be blank."]}),
        ({"note_type": "chat"}, {"note_type": ['"chat" is not a valid choice.']}),
        ({"occurred_on": "2024-02-30"}, ["occurred_on"]),
        ({"occurred_on": str(TODAY + timedelta(days=1))}, {"occurred_on": ["The date cannot be in the future"]}),
        ({"summary": "x" * 201}, {"summary": ["Ensure this field has no more than 200 characters."]}),
        ({"text": "nul \x00 here"}, ["text"]),
        ({"text": "half a character \ud800"}, {"text": ["The text holds a broken character (a lone surrogate)"]}),
        ({"person": "Amara"}, {"person": ["A valid integer is required."]}),
        ({"person": 2**63}, ["person"]),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_writes_nothing(world, api, changes, fields):
    error = assert_error(_post(api, _note(world, **changes)), 400, "invalid")
    assert (list(error["fields"]) if isinstance(fields, list) else error["fields"]) == fields
    assert not CaseNote.objects.exists()


def test_records_outside_the_scope_are_refused_as_unknown(world, api):
    """B's person and B's case are worded exactly as ids that do not exist: nothing is confirmed."""
    b_person, b_case = world.b.people[0], world.b.cases[0]
    for changes, field in (
        ({"person": b_person.pk, "case": None}, "person"),
        ({"person": 999999, "case": None}, "person"),
        ({"case": b_case.pk}, "case"),
        ({"case": 999999}, "case"),
    ):
        error = assert_error(_post(api, _note(world, **changes)), 400, "invalid")
        assert error["fields"] == {field: [f"No {field} with that id that you can see"]}
    # a case of A's other person is in scope but not this person's: the service says so
    other_case = world.a.cases[1].pk
    error = assert_error(_post(api, _note(world, case=other_case)), 400, "invalid")
    assert error["fields"] == {"case": ["Choose one of this person's cases with this practice"]}
    assert not CaseNote.objects.exists()


def test_a_person_transferred_to_another_practice_cannot_have_notes_added(world, api):
    from casework.accounts.models import Role
    from casework.registration import services as registration_services
    from casework.registration.models import Registration

    person = world.a.people[1]
    registration_services.registration_transfer(
        actor=world.a.users[Role.TEAM_MANAGER],
        registration=Registration.objects.get(person=person, practice=world.a.org),
        to_practice=world.b.org,
        transfer_date=TODAY,
    )
    response = _post(api, _note(world, person=person.pk, case=None))
    error = assert_error(response, 400, "invalid")
    assert error["message"] == "Notes can only be added for people currently registered with this practice"
    assert error["fields"] == {}


def test_roles_without_the_capability_get_403(world):
    from casework.accounts.models import Role
    from tests.conftest import make_user

    commissioner = token_client(make_user(world.commissioner, Role.COMMISSIONER_OFFICER, "c-writer"), can_write=True)
    auditor = token_client(world.a.users[Role.AUDITOR], can_write=True)
    for client in (commissioner, auditor):
        assert_error(_post(client, _note(world)), 403, "permission_denied")
    assert not CaseNote.objects.exists()
