"""Reading a list through the API is in the audit log, as opening one record is: every list
endpoint found in the API's URLconf (so a new one is covered the day it is added) logs, for the
page it returned, which records of which people were read, by whom and through which endpoint,
and never what they hold. Each person returned sees the read in "Who viewed this record"."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern
from rest_framework.mixins import ListModelMixin
from rest_framework.test import APIClient

from casework.accounts.models import Role
from casework.api import urls as api_urls
from casework.audit.models import AuditEvent
from casework.core import access
from tests.api import test_scope
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

records = test_scope.records  # the fixture: a note and a child in care on each side

# Every list of person-level records the API has today; the walk must find each of them.
PERSON_LEVEL_LISTS = {
    "api_person_list",
    "api_registration_list",
    "api_case_list",
    "api_allocation_list",
    "api_case_note_list",
    "api_looked_after_child_list",
    "api_episode_list",
}


def _list_endpoints(records) -> list[tuple[str, str, type]]:
    """(URL name, URL, model) for every list view in the API's URLconf, its ids filled in."""
    ids = {"looked_after_child_id": records["a_child"].pk}
    found = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not issubclass(view, ListModelMixin):
            continue
        kwargs = {name: ids[name] for name in pattern.pattern.converters}
        route = str(pattern.pattern)
        for name, value in kwargs.items():
            route = route.replace(f"<int:{name}>", str(value))
        found.append((pattern.name, f"/api/{route}", view.model))
    return found


def _read_rows(records, client) -> dict[str, tuple[type, list[int]]]:
    """Read the first page of every list endpoint; the rows each returned, by URL name."""
    rows = {}
    for name, url, model in _list_endpoints(records):
        response = client.get(f"{url}?page_size=100")
        assert response.status_code == 200, (url, response.content)
        rows[name] = (model, [row["id"] for row in response.json()["results"]])
    return rows


def _logged(since: int) -> dict[tuple[str, str, int], set[int]]:
    """What the log says was read after entry ``since``: (page, model, person) -> record ids."""
    logged: dict[tuple[str, str, int], set[int]] = {}
    for event in AuditEvent.objects.filter(pk__gt=since, action="view"):
        ids = event.detail.get("ids") or [int(event.object_id)]
        logged.setdefault((event.detail["page"], event.object_type, event.person_id), set()).update(ids)
    return logged


def _last_entry() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)  # MFA passed (tests/conftest.py)
    return client


@pytest.mark.parametrize("how", ["token", "session"])
def test_every_list_read_names_each_person_and_record_returned(world, records, a_service, how):
    reader = a_service if how == "token" else world.a.users[Role.PRACTICE_MANAGER]
    client = token_client(reader) if how == "token" else _session_client(reader)
    client.get("/api/schema/")  # the token's first use is not part of what is measured
    since = _last_entry()

    rows = _read_rows(records, client)

    assert PERSON_LEVEL_LISTS <= set(rows), "the walk found every list of person-level records"
    logged = _logged(since)
    person_level = set()
    for name, (model, ids) in rows.items():
        people = {obj.pk: access.person_of(obj) for obj in model.objects.filter(pk__in=ids)}
        if not any(people.values()):
            continue  # rows about no one (contracts)
        person_level.add(name)
        assert ids, f"{name}: the fixture gives it rows to read"
        for row_id in ids:
            key = (name, model._meta.label_lower, people[row_id])
            assert row_id in logged.get(key, set()), f"{name} returned {model.__name__} {row_id}: not in the log"
    assert person_level == PERSON_LEVEL_LISTS
    # who read, and nothing of what was read: ids and the endpoint only
    entries = AuditEvent.objects.filter(pk__gt=since)
    assert {(e.actor_id, e.actor_organisation_id, e.action) for e in entries} == {(reader.pk, world.a.org.pk, "view")}
    for event in entries:
        assert set(event.detail) <= {"page", "ids"}, event.detail
        assert "Seen at home" not in json.dumps(event.detail)
        assert all(isinstance(i, int) for i in event.detail.get("ids", []))
    assert access.person_of(records["a_note"]) in {e.person_id for e in entries}
    call_command("audit_verify", stdout=StringIO())  # appended together, the chain still holds


def test_a_page_of_a_list_logs_that_page_only(world, records, api):
    since = _last_entry()

    response = api.get("/api/people/?page_size=1&page=2")

    assert response.status_code == 200
    returned = [row["id"] for row in response.json()["results"]]
    assert len(returned) == 1
    logged = AuditEvent.objects.filter(pk__gt=since)
    assert [(e.person_id, e.detail) for e in logged] == [(returned[0], {"page": "api_person_list", "ids": returned})]


def test_a_list_that_is_refused_or_empty_logs_nothing(world, records, api):
    commissioner = token_client(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    since = _last_entry()
    assert api.get("/api/people/?page=99").status_code == 404
    assert api.get(f"/api/case-notes/?person={world.a.people[1].pk}").json()["results"] == []
    assert commissioner.get("/api/case-notes/").status_code == 403
    assert not AuditEvent.objects.filter(pk__gt=since).exists()


def test_who_viewed_shows_a_list_read_to_the_practice_manager(world, records, a_service, client):
    note = records["a_note"]
    token_client(a_service).get(f"/api/case-notes/?person={note.person_id}")
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])

    page = client.get(f"/people/{note.person_id}/who-viewed/").content.decode()

    assert "a-service" in page
    assert f"API list of case notes (casenote {note.pk})" in page
    log = client.get("/audit/log/?kind=views").content.decode()
    assert f"Viewed: case note {note.pk} (page: API list of case notes)" in log
