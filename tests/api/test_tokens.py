"""Service-account tokens: issued by a command that prints the token once, stored only as a
hash, read-only unless issued to write, refused once revoked; signed-in staff use their session
(with CSRF on writes)."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from casework.accounts.models import Role
from casework.api.models import ApiToken
from casework.audit.models import AuditEvent
from casework.cases.models import CaseNote
from tests.api.conftest import assert_error, token_client

pytestmark = pytest.mark.django_db


def _issue(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token_create", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_command_prints_a_working_token_once_and_keeps_only_its_hash(world, a_service):
    raw, told = _issue("--user", "a-service", "--name", "Case management sync")
    assert raw.startswith("cw_") and len(raw) == 3 + 43  # 32 random bytes, base64url
    assert raw not in told  # the token itself goes to stdout only, for a script to capture
    (token,) = ApiToken.objects.filter(user=a_service)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:11] and token.prefix in told
    assert (token.name, token.can_write, token.last_used_at) == ("Case management sync", False, None)
    stored = [str(v) for v in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()]
    assert not any(raw in value for value in stored)

    response = _bearer(raw).get("/api/people/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {p.pk for p in world.a.people}
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.filter(action="create", object_type="api.apitoken", object_id=str(token.pk)).exists()


def test_a_revoked_token_is_refused_at_once(world, a_service):
    raw, _ = _issue("--user", "a-service")
    client = _bearer(raw)
    assert client.get("/api/people/").status_code == 200
    call_command("api_token_revoke", "--prefix", raw[:11], stdout=io.StringIO())
    error = assert_error(client.get("/api/people/"), 401, "authentication_failed")
    assert error["message"] == "The token is not valid"
    assert AuditEvent.objects.filter(action="end", object_type="api.apitoken").count() == 1
    with pytest.raises(CommandError):
        call_command("api_token_revoke", "--prefix", raw[:11], stdout=io.StringIO())


def test_revoking_by_user_ends_all_their_tokens(world, a_service):
    first, second = _issue("--user", "a-service")[0], _issue("--user", "a-service")[0]
    out = io.StringIO()
    call_command("api_token_revoke", "--user", "a-service", stdout=out)
    assert out.getvalue().strip() == "Revoked 2 tokens"
    for raw in (first, second):
        assert_error(_bearer(raw).get("/api/cases/"), 401, "authentication_failed")


def test_missing_unknown_or_malformed_credentials_are_401_in_the_error_shape(world, a_service):
    response = APIClient().get("/api/people/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Bearer"
    assert_error(_bearer("cw_not-a-real-token").get("/api/people/"), 401, "authentication_failed")
    spaced = APIClient()
    spaced.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert_error(spaced.get("/api/people/"), 401, "authentication_failed")
    assert_error(APIClient().get("/api/schema/"), 401, "not_authenticated")  # the schema too


def test_a_deactivated_users_token_stops_working(world, a_service):
    client = token_client(a_service)
    assert client.get("/api/people/").status_code == 200
    a_service.is_active = False
    a_service.save()
    assert_error(client.get("/api/people/"), 401, "authentication_failed")


def test_unknown_users_are_a_command_error(world):
    with pytest.raises(CommandError, match="No user named nobody"):
        _issue("--user", "nobody")


def test_a_read_only_token_cannot_write(world, a_service):
    client = token_client(a_service)  # issued without --can-write
    note = {
        "person": world.a.people[0].pk,
        "note_type": "visit",
        "occurred_on": str(world.a.cases[0].opened_on),
        "summary": "Seen",
        "text": "Seen at home",
    }
    assert_error(client.post("/api/case-notes/", note, format="json"), 403, "permission_denied")
    assert not CaseNote.objects.exists()
    writer = token_client(a_service, can_write=True)
    assert writer.post("/api/case-notes/", note, format="json").status_code == 201


def test_the_list_command_shows_prefixes_never_tokens(world, a_service):
    raw, _ = _issue("--user", "a-service", "--can-write")
    out = io.StringIO()
    call_command("api_token_list", stdout=out)
    assert raw[:11] in out.getvalue() and "read-write" in out.getvalue()
    assert raw not in out.getvalue()


def test_signed_in_staff_use_their_session_with_csrf_on_writes(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(manager)
    assert client.get("/api/cases/").status_code == 200
    note = {
        "person": world.a.people[0].pk,
        "note_type": "visit",
        "occurred_on": str(world.a.cases[0].opened_on),
        "summary": "Seen",
        "text": "Seen at home",
    }
    error = assert_error(client.post("/api/case-notes/", note, format="json"), 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert not CaseNote.objects.exists()
