"""The demo's one-click sign-in (CASEWORK_DEMO_SIGN_IN, set only by make demo): switching role takes
one request in a demo database, and nothing is weakened anywhere else.

A database is a demo database when the seed has written its entry in the audit log; a demo user is
one of the seed's demo usernames whose password is the published demo password and who has the
demo authenticator that demo_logins made (docs/security.md, "The demo's one-click sign-in")."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.audit.services import audit_record
from casework.synthetic.generate import DEMO_PASSWORD
from tests.conftest import make_user

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO_SIGN_IN = "/accounts/demo-sign-in/"
demo_flag_on = override_settings(CASEWORK_DEMO_SIGN_IN=True)


def demo_user(org, role, username):
    user = make_user(org, role, username)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def mark_as_seeded():
    """What manage.py seed writes at the end of every seed."""
    with transaction.atomic():
        audit_record(actor=None, action="create", object_type="synthetic.seed")


@pytest.fixture
def demo(world):
    """Two demo users with their demo authenticators, as make demo leaves them."""
    users = {
        "p1.practitioner": demo_user(world.a.org, Role.PRACTITIONER, "p1.practitioner"),
        "p1.manager": demo_user(world.a.org, Role.PRACTICE_MANAGER, "p1.manager"),
    }
    call_command("demo_logins", stdout=StringIO())
    return users


def signed_in_as(client) -> str | None:
    """Who the session belongs to, if they have passed the second factor (the MFA-guarded
    Sign-in security page answers only then)."""
    response = client.get("/accounts/mfa/")
    if response.status_code != 200:
        return None
    return response.wsgi_request.user.username


@pytest.mark.django_db
def test_with_the_flag_off_a_demo_user_still_needs_the_code(demo, client):
    mark_as_seeded()
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in as a demo user" not in page and DEMO_SIGN_IN not in page
    assert client.post(DEMO_SIGN_IN, {"username": "p1.practitioner"}).status_code == 404
    assert signed_in_as(client) is None
    client.force_login(demo["p1.manager"])
    assert "Switch demo user" not in client.get("/").content.decode()
    client.logout()
    # The password alone leads to the code page, as for anyone.
    response = client.post("/accounts/login/", {"username": "p1.practitioner", "password": DEMO_PASSWORD})
    assert response["Location"].startswith("/accounts/mfa/verify/")
    assert client.get("/").headers["Location"].startswith("/accounts/mfa/verify/")
    assert signed_in_as(client) is None


@pytest.mark.django_db
@demo_flag_on
def test_with_the_flag_on_but_a_database_the_seed_did_not_fill_nothing_changes(demo, client):
    assert "Sign in as a demo user" not in client.get("/accounts/login/").content.decode()
    assert client.post(DEMO_SIGN_IN, {"username": "p1.practitioner"}).status_code == 404
    assert signed_in_as(client) is None


@pytest.mark.django_db
@demo_flag_on
def test_with_the_flag_on_switching_role_takes_one_request(demo, client, django_assert_max_num_queries):
    mark_as_seeded()
    with django_assert_max_num_queries(3):
        page = client.get("/accounts/login/").content.decode()
    assert "Sign in as a demo user" in page
    for username in demo:
        assert f'value="{username}"' in page

    response = client.post(DEMO_SIGN_IN, {"username": "p1.practitioner"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == "p1.practitioner"

    # Switching straight away: no wait for the authenticator's next 30 seconds.
    for username in ["p1.manager", "p1.practitioner", "p1.manager"]:
        response = client.post(DEMO_SIGN_IN, {"username": username})
        assert response.status_code == 302, username
        assert signed_in_as(client) == username

    manager = demo["p1.manager"]
    # Audited like any sign-in: the sign-out of the last user, the sign-in and the second factor.
    assert AuditEvent.objects.filter(action="sign_in", actor_id=manager.pk).count() == 2
    assert AuditEvent.objects.filter(action="sign_out", actor_id=demo["p1.practitioner"].pk).count() == 2
    verified = AuditEvent.objects.filter(action="mfa_verified", actor_id=manager.pk)
    assert [e.detail.get("method") for e in verified] == ["demo_sign_in", "demo_sign_in"]
    # and the audit log page says in words that the code was skipped
    from casework.audit.selectors import log_rows

    rows = log_rows(actor=manager, events=verified)
    assert [row.what for row in rows] == ["Passed the second factor (one-click demo sign-in, no code)"] * 2


@pytest.mark.django_db
@demo_flag_on
def test_the_success_banner_says_who_you_are_now(demo, client):
    mark_as_seeded()
    response = client.post(DEMO_SIGN_IN, {"username": "p1.manager"}, follow=True)
    html = response.content.decode()
    assert "You are signed in as p1.manager (Practice manager, Alpha Practice CIC)" in html
    assert 'href="/accounts/login/#demo-sign-in">Switch demo user</a>' in html


@pytest.mark.django_db
@demo_flag_on
def test_only_demo_users_with_the_demo_password_and_key_get_one_click(world, demo, client):
    mark_as_seeded()
    # A demo username whose password is not the demo password (a real account) gets no key and no button.
    make_user(world.a.org, Role.TEAM_MANAGER, "p1.teammanager")
    call_command("demo_logins", stdout=StringIO())
    assert 'value="p1.teammanager"' not in client.get("/accounts/login/").content.decode()
    # Any other user, or a name not given, is refused on the page, with the reason.
    for username in ["p1.teammanager", world.a.users[Role.PRACTICE_MANAGER].username, ""]:
        response = client.post(DEMO_SIGN_IN, {"username": username})
        assert response.status_code == 200, username
        assert "govuk-error-summary" in response.content.decode()
        assert signed_in_as(client) is None
    # A demo user whose password has been changed since no longer signs in with one click.
    changed = demo["p1.practitioner"]
    changed.set_password("a-new-password-for-the-demo")
    changed.save()
    response = client.post(DEMO_SIGN_IN, {"username": "p1.practitioner"})
    assert response.status_code == 200 and signed_in_as(client) is None
    assert AuditEvent.objects.filter(action="sign_in_failed", object_id=str(changed.pk)).exists()


@pytest.mark.django_db
@demo_flag_on
def test_the_demo_sign_in_needs_post_and_the_csrf_token(demo):
    from django.test import Client

    mark_as_seeded()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(DEMO_SIGN_IN, {"username": "p1.manager"}).status_code == 403
    assert strict.get(DEMO_SIGN_IN).status_code == 405


def _errors(**settings_overrides) -> set[str]:
    with override_settings(**settings_overrides):
        return {e.id for e in checks.run_checks(include_deployment_checks=True) if e.level >= checks.ERROR}


@pytest.mark.django_db
def test_the_system_check_refuses_the_flag_outside_a_demo_database_and_in_any_deployment(demo):
    assert not _errors(CASEWORK_DEMO_SIGN_IN=False) & {"accounts.E001", "accounts.E002"}
    on = _errors(CASEWORK_DEMO_SIGN_IN=True)
    assert "accounts.E001" in on  # accounts, and no seed: not a demo database
    assert "accounts.E002" in on  # check --deploy refuses it whatever the database
    mark_as_seeded()
    with override_settings(CASEWORK_DEMO_SIGN_IN=True):
        plain = {e.id for e in checks.run_checks() if e.level >= checks.ERROR}
    assert "accounts.E001" not in plain and "accounts.E002" not in plain


def test_check_deploy_fails_with_the_demo_flag(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CASEWORK_", "AXES_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 30 + "-a-long-random-looking-secret-key-for-the-test",
        DJANGO_ALLOWED_HOSTS="casework.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        CASEWORK_DEMO_SIGN_IN="true",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "accounts.E002" in result.stderr + result.stdout


@pytest.mark.django_db
@demo_flag_on
def test_in_a_database_make_demo_filled_every_role_is_one_click_away(client):
    from datetime import date

    from casework.synthetic.management.commands.demo_logins import DEMO_USERNAMES

    call_command("seed", practices=2, people=60, seed=3, as_of=date(2026, 6, 1), stdout=StringIO())
    call_command("demo_logins", stdout=StringIO())
    page = client.get("/accounts/login/").content.decode()
    for username in DEMO_USERNAMES:
        assert f'name="username" value="{username}"' in page, username
        response = client.post(DEMO_SIGN_IN, {"username": username}, follow=True)
        assert response.status_code == 200, username
        assert f"You are signed in as {username} (" in response.content.decode()
        assert signed_in_as(client) == username
