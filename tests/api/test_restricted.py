"""Restricted records through the API, as on the pages: only the users named on the restriction
see anything of the person; for everyone else in the practice the lists leave the person's rows
out, and asking for one of them by id is refused (403 "restricted") and logged."""

import pytest

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.cases.models import CaseNote
from casework.people import services as people_services
from tests.api.conftest import assert_error, token_client
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted(world):
    """Amara (practice A) restricted by A's practice manager, naming A's practitioner only."""
    a = world.a
    amara, case = a.people[0], a.cases[0]
    note = case_services.case_note_add(
        actor=a.users[Role.TEAM_MANAGER],
        person=amara,
        case=case,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Home visit",
        text="Seen with her grandmother",
    )
    people_services.person_restrict(
        actor=a.users[Role.PRACTICE_MANAGER],
        person=amara,
        reason="Risk from a family member",
        named_users=[a.users[Role.PRACTITIONER]],
    )
    not_named = make_user(a.org, Role.PRACTITIONER, "a-practitioner-2", worker=a.workers[1])
    return {
        "person": amara,
        "urls": [
            f"/api/people/{amara.pk}/",
            f"/api/cases/{case.pk}/",
            f"/api/allocations/{case.allocations.get().pk}/",
            f"/api/case-notes/{note.pk}/",
            f"/api/registrations/{amara.registrations.get().pk}/",
        ],
        "named": token_client(a.users[Role.PRACTITIONER]),
        "not_named": token_client(not_named, can_write=True),
        "not_named_user": not_named,
    }


def _ids(client, url) -> set[int]:
    return {row["id"] for row in client.get(url).json()["results"]}


def test_lists_leave_out_the_restricted_persons_rows_for_those_not_named(world, restricted):
    jonathan = world.a.people[1]
    client, named = restricted["not_named"], restricted["named"]
    assert _ids(client, "/api/people/") == {jonathan.pk}
    assert _ids(named, "/api/people/") == {p.pk for p in world.a.people}
    assert _ids(client, "/api/cases/") == {world.a.cases[1].pk}
    assert _ids(client, "/api/case-notes/") == set()
    assert _ids(named, "/api/case-notes/") == set(CaseNote.objects.values_list("pk", flat=True))
    assert _ids(client, "/api/people/?name=Amara") == set()


def test_a_restricted_record_asked_for_by_id_is_refused_and_logged(world, restricted):
    person, client = restricted["person"], restricted["not_named"]
    for url in restricted["urls"]:
        error = assert_error(client.get(url), 403, "restricted")
        assert error["message"] == "This record is restricted"
    refused = AuditEvent.objects.filter(action="view_refused").order_by("pk")
    assert [(e.actor_id, e.person_id, e.object_type, e.detail["page"]) for e in refused] == [
        (restricted["not_named_user"].pk, person.pk, "people.person", "api_person_detail"),
        (restricted["not_named_user"].pk, person.pk, "cases.case", "api_case_detail"),
        (restricted["not_named_user"].pk, person.pk, "cases.allocation", "api_allocation_detail"),
        (restricted["not_named_user"].pk, person.pk, "cases.casenote", "api_case_note_detail"),
        (restricted["not_named_user"].pk, person.pk, "registration.registration", "api_registration_detail"),
    ]


def test_a_named_user_reads_the_record_and_the_read_is_logged(world, restricted):
    person, named = restricted["person"], restricted["named"]
    for url in restricted["urls"]:
        assert named.get(url).status_code == 200, url
    viewed = AuditEvent.objects.filter(action="view", person_id=person.pk).order_by("pk")
    assert [e.detail["page"] for e in viewed] == [
        "api_person_detail",
        "api_case_detail",
        "api_allocation_detail",
        "api_case_note_detail",
        "api_registration_detail",
    ]


def test_no_note_is_added_to_a_restricted_record_by_someone_not_named(world, restricted):
    note = {
        "person": restricted["person"].pk,
        "note_type": "visit",
        "occurred_on": str(world.a.cases[0].opened_on),
        "summary": "Visit",
        "text": "Seen",
    }
    before = CaseNote.objects.count()
    assert_error(restricted["not_named"].post("/api/case-notes/", note, format="json"), 403, "restricted")
    assert CaseNote.objects.count() == before
