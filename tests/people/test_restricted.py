"""Restricted records: a practice manager restricts a person; only the users named see anything
beyond the name, everywhere in the application; every attempt to open the record is logged;
lifting the restriction gives the record back; other practices still get 404."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import get_resolver, reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.looked_after import services as looked_after_services
from casework.looked_after.models import LookedAfterChild
from casework.people import services
from casework.people.models import PersonRestriction, RestrictionAccess
from casework.registration.models import Registration
from tests.conftest import TODAY, make_user
from tests.contracts.test_reports import contract_year  # noqa: F401, F811  (the fixture)
from tests.jobs.running import start_and_run
from tests.test_access_walk import _fill, _walk

# Pages about the restricted person that are not the record itself: the practice manager's own
# restriction pages and the who-viewed log refuse a practitioner by capability (403), not as a
# restricted record.
NOT_THE_RECORD = {
    "person_restriction",
    "person_restrict",
    "person_restriction_named_users",
    "person_restriction_lift",
    "person_who_viewed",
}
# The household's own page opens, showing the restricted member by name only (test_restricted_household.py).
SHOWN_BY_NAME_ONLY = {"household_detail"}


@pytest.fixture
def restricted(world):
    """Amara Okafor (practice A) restricted by A's practice manager, naming A's practitioner;
    with a case note, a looked-after record in care, a household shared with Jonathan Smith and a
    relationship to him. A second practitioner in A is not named."""
    a = world.a
    manager = a.users[Role.TEAM_MANAGER]
    amara, jonathan = a.people[0], a.people[1]
    case = a.cases[0]
    note = case_services.case_note_add(
        actor=manager,
        person=amara,
        case=case,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Home visit",
        text="Seen with her grandmother",
    )
    child = looked_after_services.looked_after_child_create(
        actor=manager, person=amara, commissioner=world.commissioner, child_id="RST01"
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
    household = services.household_create(
        actor=manager, name="The Okafor family", members=[amara, jonathan], joined_on=case.opened_on
    )
    services.relationship_create(actor=manager, person=jonathan, related_person=amara, relationship_type="sibling")
    other = make_user(a.org, Role.PRACTITIONER, "a-practitioner-2", worker=a.workers[1])
    restriction = services.person_restrict(
        actor=a.users[Role.PRACTICE_MANAGER],
        person=amara,
        reason="A relative of a member of staff",
        named_users=[a.users[Role.PRACTITIONER]],
    )
    ids = {
        "person_id": amara.pk,
        "case_id": case.pk,
        "note_id": note.pk,
        "looked_after_child_id": child.pk,
        "registration_id": Registration.objects.get(person=amara, practice=a.org).pk,
        "household_id": household.pk,
    }
    return {
        "person": amara,
        "other_person": jonathan,
        "restriction": restriction,
        "named": a.users[Role.PRACTITIONER],
        "not_named": other,
        "manager": a.users[Role.PRACTICE_MANAGER],
        "child": child,
        "ids": ids,
    }


def _record_urls(ids) -> list[tuple[str, str]]:
    """Every URL in the URLconf about the restricted person's record: those whose ids are all
    ids of that record (the person, their case, note, registration, household, looked-after
    record)."""
    urls = []
    for name, route, params in _walk(get_resolver().url_patterns):
        if params and all(p in ids for p in params) and not name.startswith("api"):
            urls.append((name, _fill(route, ids)))
    return urls


# Things on the record that no one but a named user may see (the name is allowed).
def _details(person) -> list[str]:
    return [person.nhs_number, "LS1 4AP", "1 June 2015", "Seen with her grandmother", "RST01"]


@pytest.mark.django_db
def test_a_named_user_sees_the_whole_record(world, client, restricted):
    client.force_login(restricted["named"])
    person, ids = restricted["person"], restricted["ids"]
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    for detail in (person.nhs_number, "LS1 4AP", "Seen with her grandmother"):
        assert detail in body
    assert 'id="restricted-banner"' in body  # they know they are looking at a restricted record
    for url in (
        f"/cases/{ids['case_id']}/",
        f"/notes/{ids['note_id']}/edit/",
        f"/looked-after/{ids['looked_after_child_id']}/",
        f"/households/{ids['household_id']}/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_anyone_else_in_the_practice_sees_only_the_name_on_every_page_of_the_record(world, client, restricted):
    person, ids = restricted["person"], restricted["ids"]
    urls = _record_urls(ids)
    names = {name for name, _ in urls}
    # the walk found the record's pages: person, case, note, registration, household, child...
    assert {"person_detail", "case_detail", "case_note_edit", "looked_after_child", "household_detail"} <= names
    assert {"registration_end", "case_allocate", "looked_after_review", "person_edit"} <= names
    for user in (restricted["not_named"], world.a.users[Role.TEAM_MANAGER], restricted["manager"]):
        client.force_login(user)
        for name, url in urls:
            if name in NOT_THE_RECORD | SHOWN_BY_NAME_ONLY:
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code == 403, f"{user.username} {method} {name}"
                body = response.content.decode()
                assert "This record is restricted" in body, f"{user.username} {name}"
                assert person.full_name in body
                for detail in _details(person):
                    assert detail not in body, f"{user.username} saw {detail!r} at {name}"


@pytest.mark.django_db
def test_nothing_can_be_written_to_a_restricted_record_by_someone_not_named(world, client, restricted):
    person, ids = restricted["person"], restricted["ids"]
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    day = TODAY - timedelta(days=1)
    response = client.post(
        f"/people/{person.pk}/notes/new/",
        {
            "case": ids["case_id"],
            "note_type": "visit",
            "occurred_on_0": day.day,
            "occurred_on_1": day.month,
            "occurred_on_2": day.year,
            "summary": "Should not be written",
            "text": "x",
        },
    )
    assert response.status_code == 403
    from casework.cases.models import CaseNote

    assert not CaseNote.objects.filter(summary="Should not be written").exists()


@pytest.mark.django_db
def test_every_attempt_is_logged_allowed_or_refused_with_ids_only(world, client, restricted):
    person = restricted["person"]
    not_named, named = restricted["not_named"], restricted["named"]
    client.force_login(not_named)
    client.get(f"/people/{person.pk}/")
    client.get(f"/cases/{restricted['ids']['case_id']}/")
    refused = list(AuditEvent.objects.filter(action="view_refused").order_by("pk"))
    assert [(e.actor_id, e.person_id, e.object_type, e.detail["page"]) for e in refused] == [
        (not_named.pk, person.pk, "people.person", "person_detail"),
        (not_named.pk, person.pk, "cases.case", "case_detail"),
    ]
    client.force_login(named)
    client.get(f"/people/{person.pk}/")
    allowed = AuditEvent.objects.filter(action="view", actor_id=named.pk).get()
    assert (allowed.person_id, allowed.detail) == (person.pk, {"page": "person_detail"})
    for event in [*refused, allowed]:
        for personal in (person.given_name, person.family_name, person.nhs_number, "LS1 4AP"):
            assert personal not in str(event.detail)


@pytest.mark.django_db
def test_the_manager_who_restricted_it_sees_only_the_name_unless_they_name_themself(world, client, restricted):
    person, manager = restricted["person"], restricted["manager"]
    client.force_login(manager)
    refused = client.get(f"/people/{person.pk}/")
    assert refused.status_code == 403
    assert f'href="/people/{person.pk}/restriction/"' in refused.content.decode()
    page = client.get(f"/people/{person.pk}/restriction/").content.decode()
    assert "A relative of a member of staff" in page and "Practitioner" in page
    response = client.post(
        f"/people/{person.pk}/restriction/named-users/",
        {"named_users": [restricted["named"].pk, manager.pk]},
    )
    assert response.status_code == 302
    assert client.get(f"/people/{person.pk}/").status_code == 200


@pytest.mark.django_db
def test_lifting_the_restriction_gives_the_record_back(world, client, restricted):
    person, manager = restricted["person"], restricted["manager"]
    client.force_login(restricted["not_named"])
    assert client.get(f"/people/{person.pk}/").status_code == 403
    client.force_login(manager)
    response = client.post(f"/people/{person.pk}/restriction/lift/", {"reason": "The member of staff has left"})
    assert response.status_code == 302
    restriction = PersonRestriction.objects.get(pk=restricted["restriction"].pk)
    assert (restriction.lifted_by, restriction.lift_reason) == (manager, "The member of staff has left")
    assert AuditEvent.objects.filter(action="end", object_type="people.personrestriction").count() == 1
    client.force_login(restricted["not_named"])
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == 200 and person.nhs_number in page.content.decode()


@pytest.mark.django_db
def test_other_practices_and_roles_outside_the_scope_still_get_404(world, client, restricted):
    urls = _record_urls(restricted["ids"])
    outsiders = [*world.b.users.values(), *world.commissioner_users.values(), world.a.users[Role.SYSTEM_ADMINISTRATOR]]
    for user in outsiders:
        client.force_login(user)
        for name, url in urls:
            assert client.get(url).status_code == 404, f"{user.username} {name}"
    # a refusal is for the practice's own staff: nothing is logged for a 404
    assert not AuditEvent.objects.filter(action="view_refused").exists()


@pytest.mark.django_db
def test_search_finds_a_restricted_person_by_name_only(world, client, restricted):
    person = restricted["person"]
    client.force_login(restricted["not_named"])
    body = client.get("/people/", {"name": "Amara Okafor"}).content.decode()
    assert "OKAFOR, Amara" in body and "Restricted record" in body
    assert f'href="/people/{person.pk}/"' not in body
    for detail in (person.nhs_number, "LS1 4AP", "1 Jun 2015"):
        assert detail not in body
    # a number or a date of birth would be a detail of the record: no match on those
    assert "0 matches" in client.get("/people/", {"nhs_number": person.nhs_number}).content.decode()
    assert (
        "0 matches"
        in client.get(
            "/people/", {"name": "Amara", "date_of_birth_0": "1", "date_of_birth_1": "6", "date_of_birth_2": "2015"}
        ).content.decode()
    )
    client.force_login(restricted["named"])
    named = client.get("/people/", {"nhs_number": person.nhs_number}).content.decode()
    assert f'href="/people/{person.pk}/"' in named and "Restricted record" not in named


def _row(body: str, marker: str) -> str:
    """The table row (or list item) holding ``marker``."""
    before, _, after = body.partition(marker)
    start = max(before.rfind("<tr"), before.rfind("<li"), before.rfind("<h3"))
    return before[start:] + marker + after.split("</tr>")[0].split("</li>")[0].split("</ul>")[0]


@pytest.mark.django_db
def test_caseloads_lists_and_trays_show_the_name_marked_restricted(world, client, restricted):
    person = restricted["person"]
    # The case is allocated to the named practitioner's worker; name the team manager instead,
    # so the allocated worker is the one who sees only the name.
    services.restriction_named_users_set(
        actor=restricted["manager"], restriction=restricted["restriction"], users=[world.a.users[Role.TEAM_MANAGER]]
    )
    practitioner = world.a.users[Role.PRACTITIONER]
    client.force_login(practitioner)
    caseload = client.get("/").content.decode()
    row = _row(caseload, "OKAFOR, Amara")
    assert "Restricted record" in row and "1 Jun 2015" not in row and "/cases/" not in row
    # the looked-after tray names the child and says nothing due
    tray = caseload.split('id="my-due"')[1].split("</table>")[0]
    assert "OKAFOR, Amara" in tray and "Restricted record" in tray and "RST01" not in tray
    # the counts are the worker's real load: Jonathan's case and the restricted one
    assert caseload.split('id="open-cases">')[1].startswith("2<")

    client.force_login(restricted["manager"])
    listing = client.get("/practice/list/").content.decode()
    row = _row(listing, "OKAFOR, Amara")
    assert "Restricted record" in row and "1 Jun 2015" not in row
    assert "2</strong> people registered" in listing  # the list's size counts everyone
    worker = client.get(f"/workers/{world.a.workers[0].pk}/").content.decode()
    assert "Amara Okafor <strong" in worker and f'href="/people/{person.pk}/"' not in worker
    team = client.get(f"/teams/{world.a.team.pk}/caseload/").content.decode()
    assert "Restricted record" in _row(team, "OKAFOR, Amara")

    # the relative's page lists the relationship by name only
    relative = client.get(f"/people/{restricted['other_person'].pk}/")
    assert relative.status_code == 200
    item = _row(relative.content.decode(), "Amara Okafor")
    assert "Restricted record" in item and "Sibling" not in item


@pytest.mark.django_db
def test_the_903_return_check_names_a_restricted_child_without_their_errors(world, client, restricted, monkeypatch):
    from casework.looked_after import views as looked_after_views
    from casework.looked_after.validation import ValidationResult

    # the validator's real result type (a stand-in class once drifted from it), holding one error
    message = "The placement code is not valid"
    error = {"code": "103", "table": "Episodes", "row": 0, "message": message, "child": "RST01"}
    result = ValidationResult(year=2026, authority="E08000035", errors=[error], rules=1, ran=1, rows={"Episodes": 1})
    monkeypatch.setattr(looked_after_views, "validate_return", lambda *args, **kwargs: result)
    form = {"commissioner": world.commissioner.pk, "year": 2026}
    client.force_login(restricted["manager"])
    job, page = start_and_run(client, "/returns/903/check/", form)
    body = page.content.decode()
    assert "Amara Okafor" in body and "Restricted record" in body
    assert "The placement code is not valid" not in body and "RST01" not in body
    client.force_login(restricted["named"])
    services.restriction_access_grant(
        actor=restricted["manager"], restriction=restricted["restriction"], user=world.a.users[Role.TEAM_MANAGER]
    )
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    _, page = start_and_run(client, "/returns/903/check/", form)
    body = page.content.decode()
    assert "The placement code is not valid" in body and "Restricted record" not in body
    # a stored result is shown through the viewer's scope now: named later, the manager sees the errors
    services.restriction_access_grant(
        actor=restricted["manager"], restriction=restricted["restriction"], user=restricted["manager"]
    )
    client.force_login(restricted["manager"])
    body = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The placement code is not valid" in body and "Restricted record" not in body


@pytest.mark.django_db
def test_a_restricted_child_still_goes_into_the_authoritys_903_return(world, client, restricted):
    import io
    import zipfile

    from casework.looked_after import codes

    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    job, _ = start_and_run(client, "/returns/903/", {"year": codes.collection_year_of(TODAY)})
    response = client.get(f"/jobs/{job.pk}/file/")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        header = next(n for n in archive.namelist() if "header" in n.lower())
        assert "RST01" in archive.read(header).decode()


@pytest.mark.django_db
def test_restricting_refuses_bad_input_and_other_roles(world, client, restricted):
    manager, jonathan = restricted["manager"], restricted["other_person"]
    client.force_login(manager)
    response = client.post(f"/people/{jonathan.pk}/restriction/new/", {"reason": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Enter why the record is restricted" in body
    assert not PersonRestriction.objects.filter(person=jonathan).exists()
    with pytest.raises(ValidationError) as refused:
        services.person_restrict(
            actor=manager, person=jonathan, reason="x", named_users=[world.b.users[Role.PRACTITIONER]]
        )
    assert "named_users" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.person_restrict(actor=manager, person=restricted["person"], reason="again")
    with pytest.raises(PermissionDenied):
        services.person_restrict(actor=world.a.users[Role.TEAM_MANAGER], person=jonathan, reason="x")
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    assert client.get(f"/people/{jonathan.pk}/restriction/").status_code == 403
    assert PersonRestriction.objects.filter(lifted_at=None).count() == 1
    assert RestrictionAccess.objects.count() == 1


@pytest.mark.django_db
def test_restricting_naming_and_lifting_are_audited(world, restricted):
    manager, restriction = restricted["manager"], restricted["restriction"]
    team_manager = world.a.users[Role.TEAM_MANAGER]
    services.restriction_named_users_set(actor=manager, restriction=restriction, users=[team_manager])
    services.person_restriction_lift(actor=manager, restriction=restriction, reason="No longer needed")
    events = AuditEvent.objects.filter(person_id=restricted["person"].pk).exclude(action="view").order_by("pk")
    kinds = ("people.personrestriction", "people.restrictionaccess")
    trail = [(e.action, e.object_type, e.detail) for e in events if e.object_type in kinds]
    assert trail == [
        ("create", "people.personrestriction", {"named": 1}),
        ("create", "people.restrictionaccess", {"user": restricted["named"].pk}),
        ("delete", "people.restrictionaccess", {"user": restricted["named"].pk}),
        ("create", "people.restrictionaccess", {"user": team_manager.pk}),
        ("end", "people.personrestriction", {}),
    ]
    assert all("member of staff" not in str(e.detail) for e in events)


@pytest.mark.django_db
def test_the_contract_matrix_names_a_restricted_child_without_their_outcomes(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    child = LookedAfterChild.objects.get(child_id="R1")
    manager = world.a.users[Role.PRACTICE_MANAGER]
    services.person_restrict(actor=manager, person=child.person, reason="High-profile case")
    url = reverse("contract_children", args=[contract.pk])
    client.force_login(manager)
    body = client.get(url, {"year": year.pk}).content.decode()
    row = _row(body, "Test Reported1")
    assert "Restricted record" in row and "Met" not in row and "R1" not in row
    assert "R2</th>" in body  # the other child as before
    # the authority's own view of its children is not the practice's to restrict
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    body = client.get(url, {"year": year.pk}).content.decode()
    assert "Met" in body.split("R1</th>")[1].split("</tr>")[0]


@pytest.mark.django_db
def test_a_refusal_is_logged_even_when_the_view_answers_it_itself(world, rf, restricted):
    """The API, say, answers a refusal in its own words: the log does not depend on how."""
    from django.http import HttpResponse

    from casework.audit.middleware import RecordViewMiddleware
    from casework.core import access
    from casework.people import selectors

    def view(request):
        try:
            selectors.person_get(actor=request.user, person_id=restricted["person"].pk)
        except access.RecordRestricted:
            return HttpResponse("Refused", status=403)
        return HttpResponse("The record")

    request = rf.get("/somewhere/")
    request.user = restricted["not_named"]
    assert RecordViewMiddleware(view)(request).content == b"Refused"
    refused = AuditEvent.objects.get(action="view_refused")
    assert (refused.actor_id, refused.person_id) == (restricted["not_named"].pk, restricted["person"].pk)
