"""Who viewed a person's record: every page of the record logs a view (ids and the page only),
and the practice's managers and auditors read the log, page by page."""

import pytest

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.looked_after import services as looked_after_services
from casework.people import services as people_services


@pytest.fixture
def record(world):
    a = world.a
    person, case = a.people[0], a.cases[0]
    note = case_services.case_note_add(
        actor=a.users[Role.TEAM_MANAGER],
        person=person,
        case=case,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Visit",
        text="Seen at home",
    )
    child = looked_after_services.looked_after_child_create(
        actor=a.users[Role.TEAM_MANAGER], person=person, commissioner=world.commissioner, child_id="WV001"
    )
    return {"person": person, "case": case, "note": note, "child": child}


@pytest.mark.django_db
def test_each_page_of_a_record_logs_a_view_of_that_person(world, client, record):
    user, person = world.a.users[Role.PRACTITIONER], record["person"]
    client.force_login(user)
    pages = [
        f"/people/{person.pk}/",
        f"/cases/{record['case'].pk}/",
        f"/notes/{record['note'].pk}/edit/",
        f"/looked-after/{record['child'].pk}/",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    views = AuditEvent.objects.filter(action="view").order_by("pk")
    assert [(e.actor_id, e.person_id, e.object_type, e.object_id, e.detail) for e in views] == [
        (user.pk, person.pk, "people.person", str(person.pk), {"page": "person_detail"}),
        (user.pk, person.pk, "cases.case", str(record["case"].pk), {"page": "case_detail"}),
        (user.pk, person.pk, "cases.casenote", str(record["note"].pk), {"page": "case_note_edit"}),
        (user.pk, person.pk, "looked_after.lookedafterchild", str(record["child"].pk), {"page": "looked_after_child"}),
    ]


@pytest.mark.django_db
def test_a_page_that_is_not_served_logs_no_view(world, client, record):
    person = record["person"]
    client.force_login(world.a.users[Role.PRACTITIONER])
    assert client.get(f"/people/{person.pk}/register/").status_code == 403  # a manager's page
    client.force_login(world.b.users[Role.PRACTITIONER])
    assert client.get(f"/people/{person.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def _rows(body: str) -> list[list[str]]:
    import html
    import re

    table = body.split('id="who-viewed"')[1].split("</table>")[0]
    rows = table.split("<tbody")[1].split("</tr>")[:-1]
    cells = [[re.sub(r"<[^>]+>", "", "<td" + cell) for cell in row.split("<td")[1:]] for row in rows]
    return [[html.unescape(cell).strip() for cell in row] for row in cells]


@pytest.mark.django_db
def test_managers_and_auditors_see_who_viewed_newest_first(world, client, record):
    a, person = world.a, record["person"]
    practitioner = a.users[Role.PRACTITIONER]
    practitioner.first_name, practitioner.last_name = "Priya", "Shah"
    practitioner.save()
    client.force_login(practitioner)
    client.get(f"/people/{person.pk}/")
    client.get(f"/cases/{record['case'].pk}/")
    people_services.person_restrict(actor=a.users[Role.PRACTICE_MANAGER], person=person, reason="Staff relative")
    client.get(f"/people/{person.pk}/")  # refused now
    client.force_login(world.b.users[Role.PRACTITIONER])
    client.get(f"/people/{person.pk}/")  # another practice: 404, not in A's log

    for viewer in (a.users[Role.PRACTICE_MANAGER], a.users[Role.AUDITOR]):
        client.force_login(viewer)
        response = client.get(f"/people/{person.pk}/who-viewed/")
        assert response.status_code == 200
        rows = _rows(response.content.decode())
        assert [row[1:] for row in rows] == [
            ["Priya Shah", "Practitioner", "Person's page", "Refused: restricted"],
            ["Priya Shah", "Practitioner", f"Case (case {record['case'].pk})", "Viewed"],
            ["Priya Shah", "Practitioner", "Person's page", "Viewed"],
        ]
    client.force_login(practitioner)
    assert client.get(f"/people/{person.pk}/who-viewed/").status_code == 403
    client.force_login(world.b.users[Role.PRACTICE_MANAGER])
    assert client.get(f"/people/{person.pk}/who-viewed/").status_code == 404


@pytest.mark.django_db
def test_the_log_is_paginated(world, client, record):
    person = record["person"]
    client.force_login(world.a.users[Role.PRACTITIONER])
    for _ in range(27):
        client.get(f"/people/{person.pk}/")
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    first = client.get(f"/people/{person.pk}/who-viewed/").content.decode()
    second = client.get(f"/people/{person.pk}/who-viewed/", {"page": 2}).content.decode()
    assert len(_rows(first)) == 25 and len(_rows(second)) == 2
    assert "Page 1 of 2 (27 in all)" in first


@pytest.mark.django_db
def test_the_person_page_links_to_the_log_for_those_who_may_read_it(world, client, record):
    person = record["person"]
    link = f'href="/people/{person.pk}/who-viewed/"'
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    assert link in client.get(f"/people/{person.pk}/").content.decode()
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    assert link not in client.get(f"/people/{person.pk}/").content.decode()


@pytest.mark.django_db
def test_an_auditor_finds_a_record_by_its_casework_id(world, client, record):
    person = record["person"]
    client.force_login(world.a.users[Role.AUDITOR])
    response = client.get("/audit/who-viewed/", {"person_id": person.pk})
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/who-viewed/"
    other_practice = world.b.people[0]
    refused = client.get("/audit/who-viewed/", {"person_id": other_practice.pk})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "govuk-error-summary" in body and "no one with that Casework ID" in body
    client.force_login(world.a.users[Role.PRACTITIONER])
    assert client.get("/audit/who-viewed/").status_code == 403


@pytest.mark.django_db
def test_the_lookup_is_in_the_menu_for_auditors_and_managers_only(world, client):
    for role, shown in ((Role.AUDITOR, True), (Role.PRACTICE_MANAGER, True), (Role.PRACTITIONER, False)):
        client.force_login(world.a.users[role])
        assert ('href="/audit/who-viewed/"' in client.get("/", follow=True).content.decode()) is shown, role
