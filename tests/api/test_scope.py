"""The API's scope is the pages' scope: each practice's service account sees its own practice's
rows only, anyone else gets 404 on a record (never a 403 that would confirm it exists), a role
without the capability gets 403 on a list, and commissioners see contracts and reports only."""

from datetime import timedelta

import pytest

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import Allocation, CaseNote
from casework.contracts.models import Contract
from casework.looked_after import services as looked_after_services
from casework.looked_after.models import Episode
from casework.registration import services as registration_services
from casework.registration.models import Registration
from tests.api.conftest import assert_error, token_client
from tests.conftest import TODAY, make_user

pytestmark = pytest.mark.django_db


def _note(practice, person, case):
    return case_services.case_note_add(
        actor=practice.users[Role.TEAM_MANAGER],
        person=person,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Visit",
        text="Seen at home",
        case=case,
    )


def _child_in_care(practice, person, commissioner, child_id):
    manager = practice.users[Role.TEAM_MANAGER]
    child = looked_after_services.looked_after_child_create(
        actor=manager, person=person, commissioner=commissioner, child_id=child_id
    )
    looked_after_services.care_start(
        actor=manager,
        child=child,
        start_date=TODAY - timedelta(days=200),
        legal_status="C1",
        category_of_need="N1",
        placement_type="U6",
        placement_provider="PR1",
        placement_postcode="LS6 2AA",
        urn="SC123456",
        home_postcode="LS2 7UE",
        is_mother=False,
    )
    return child


@pytest.fixture
def records(world):
    """A note and a looked-after child in care on each side."""
    a, b = world.a, world.b
    return {
        "a_note": _note(a, a.people[0], a.cases[0]),
        "b_note": _note(b, b.people[0], b.cases[0]),
        "a_child": _child_in_care(a, a.people[0], world.commissioner, "A0001"),
        "b_child": _child_in_care(b, b.people[0], world.other_commissioner, "B0001"),
    }


def _ids(client, url) -> set[int]:
    response = client.get(url + ("&" if "?" in url else "?") + "page_size=100")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _expected(world, records, side: str) -> dict[str, set[int]]:
    practice = getattr(world, side)
    return {
        "/api/people/": {p.pk for p in practice.people},
        "/api/registrations/": set(Registration.objects.filter(practice=practice.org).values_list("pk", flat=True)),
        "/api/cases/": {c.pk for c in practice.cases},
        "/api/allocations/": set(Allocation.objects.filter(case__in=practice.cases).values_list("pk", flat=True)),
        "/api/case-notes/": {records[f"{side}_note"].pk},
        "/api/looked-after-children/": {records[f"{side}_child"].pk},
        "/api/contracts/": set(Contract.objects.filter(practice=practice.org).values_list("pk", flat=True)),
    }


def test_each_practice_lists_its_own_rows_only(world, records, api, b_api):
    a_rows, b_rows = _expected(world, records, "a"), _expected(world, records, "b")
    for url in a_rows:
        assert a_rows[url] and not a_rows[url] & b_rows[url], url  # the fixture has rows on both sides
        assert _ids(api, url) == a_rows[url], url
        assert _ids(b_api, url) == b_rows[url], url


def test_episodes_are_the_childs_own(world, records, api, b_api):
    child = records["a_child"]
    url = f"/api/looked-after-children/{child.pk}/episodes/"
    assert _ids(api, url) == set(Episode.objects.filter(child=child).values_list("pk", flat=True))
    assert len(_ids(api, url)) == 1
    assert_error(b_api.get(url), 404, "not_found")


def _a_detail_urls(world, records) -> list[str]:
    a = world.a
    contract = Contract.objects.get(practice=a.org)
    return [
        f"/api/people/{a.people[0].pk}/",
        f"/api/registrations/{Registration.objects.filter(practice=a.org).first().pk}/",
        f"/api/cases/{a.cases[0].pk}/",
        f"/api/allocations/{a.cases[0].allocations.get().pk}/",
        f"/api/case-notes/{records['a_note'].pk}/",
        f"/api/looked-after-children/{records['a_child'].pk}/",
        f"/api/looked-after-children/{records['a_child'].pk}/episodes/",
        f"/api/contracts/{contract.pk}/",
        f"/api/contracts/{contract.pk}/report/",
    ]


def test_records_outside_the_scope_are_404_for_every_outsider_and_every_method(world, records, api, b_api):
    other_commissioner = token_client(make_user(world.other_commissioner, Role.COMMISSIONER_OFFICER, "d-service"))
    auditor = token_client(world.a.users[Role.AUDITOR])
    for url in _a_detail_urls(world, records):
        assert api.get(url).status_code == 200, url
        for outsider in (b_api, other_commissioner, auditor):
            assert_error(outsider.get(url), 404, "not_found")
            assert_error(outsider.delete(url), 404, "not_found")  # not 405: that would confirm it exists
        assert_error(api.delete(url), 405, "method_not_allowed")


def test_a_commissioner_sees_its_contracts_and_reports_and_no_person_level_records(world, records, commissioner_api):
    for url in (
        "/api/people/",
        "/api/registrations/",
        "/api/cases/",
        "/api/allocations/",
        "/api/case-notes/",
        "/api/looked-after-children/",
    ):
        assert_error(commissioner_api.get(url), 403, "permission_denied")
    for url in _a_detail_urls(world, records):
        expected = 200 if url.startswith("/api/contracts/") else 404
        assert commissioner_api.get(url).status_code == expected, url
    # the contracts it let, not the other authority's contract with practice B
    assert _ids(commissioner_api, "/api/contracts/") == set(
        Contract.objects.filter(commissioner=world.commissioner).values_list("pk", flat=True)
    )


def test_a_practitioner_reads_people_but_not_contracts(world, records):
    practitioner = token_client(world.a.users[Role.PRACTITIONER])
    assert _ids(practitioner, "/api/people/") == {p.pk for p in world.a.people}
    assert_error(practitioner.get("/api/contracts/"), 403, "permission_denied")
    contract = Contract.objects.get(practice=world.a.org)
    assert_error(practitioner.get(f"/api/contracts/{contract.pk}/"), 404, "not_found")


def test_the_address_shows_only_while_the_person_is_on_the_practices_list(world, api):
    jonathan = world.a.people[1]
    before = api.get(f"/api/people/{jonathan.pk}/").json()
    assert before["on_our_list"] is True
    assert before["address"]["postcode"] == "LS1 4AP"
    registration_services.registration_end(
        actor=world.a.users[Role.TEAM_MANAGER],
        registration=Registration.objects.get(person=jonathan, practice=world.a.org),
        end_date=TODAY,
        end_reason=Registration.EndReason.MOVED_AWAY,
    )
    after = api.get(f"/api/people/{jonathan.pk}/").json()
    assert (after["on_our_list"], after["address"]) == (False, None)
    listed = {row["id"]: row for row in api.get("/api/people/").json()["results"]}
    assert listed[jonathan.pk]["address"] is None
    assert listed[world.a.people[0].pk]["address"]["postcode"] == "LS1 4AP"


def test_viewing_a_person_or_a_child_is_audited_as_the_pages_are(world, records, api):
    from casework.audit.models import AuditEvent

    person, child = world.a.people[0], records["a_child"]
    api.get(f"/api/people/{person.pk}/")
    api.get(f"/api/looked-after-children/{child.pk}/")
    views = AuditEvent.objects.filter(action="view").order_by("pk")
    assert [(e.object_type, e.object_id) for e in views] == [
        ("people.person", str(person.pk)),
        ("looked_after.lookedafterchild", str(child.pk)),
    ]


def test_filters_narrow_the_rows(world, records, api):
    a = world.a
    amara, jonathan = a.people
    assert _ids(api, f"/api/cases/?person={amara.pk}") == {a.cases[0].pk}
    assert _ids(api, "/api/cases/?status=closed") == set()
    assert _ids(api, "/api/cases/?status=open") == {c.pk for c in a.cases}
    assert _ids(api, f"/api/case-notes/?person={jonathan.pk}") == set()
    assert _ids(api, "/api/people/?name=Jonhatan") == {jonathan.pk}  # misspelt, as the search page allows
    assert _ids(api, "/api/people/?date_of_birth=2015-06-01") == {amara.pk}
    assert _ids(api, f"/api/registrations/?person={jonathan.pk}&current=true") == set(
        Registration.objects.filter(person=jonathan, practice=a.org).values_list("pk", flat=True)
    )
    assert _ids(api, f"/api/allocations/?case={a.cases[1].pk}") == {a.cases[1].allocations.get().pk}


def test_noted_records_of_another_practice_are_not_in_its_lists(world, records, api):
    """B's note about B's person never shows for A, filtered or not."""
    b_person = world.b.people[0]
    assert _ids(api, f"/api/case-notes/?person={b_person.pk}") == set()
    assert CaseNote.objects.filter(person=b_person).exists()


def test_options_is_no_way_round_the_scope(world, records, api, b_api):
    url = f"/api/people/{world.a.people[0].pk}/"
    assert_error(b_api.options(url), 404, "not_found")
    assert_error(api.options(url), 405, "method_not_allowed")
