"""Sign-in lockout (django-axes): five wrong passwords for one username from one address lock that
pair out for 30 minutes; every attempt and the lockout are in the audit log, without the password."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from tests.conftest import PASSWORD

WRONG = "not-the-password-42"


def attempt(client, username, password, address="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_from_that_address(world, client):
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    user = world.a.users[Role.PRACTITIONER]
    for n in range(4):
        response = attempt(client, user.username, WRONG)
        assert response.status_code == 200, n
        assert "govuk-error-summary" in response.content.decode()
    response = attempt(client, user.username, WRONG)
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.content.decode()

    # The sixth, with the right password, is refused too.
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked for 30 minutes" in page and "govuk-heading-l" in page
    assert not signed_in(client)
    assert not AuditEvent.objects.filter(action="sign_in", actor_id=user.pk).exists()

    # Every attempt is in the audit log against the account, and the lockout; never the password.
    failed = AuditEvent.objects.filter(action="sign_in_failed")
    assert failed.count() == 6
    assert set(failed.values_list("object_id", flat=True)) == {str(user.pk)}
    assert set(failed.values_list("actor_id", flat=True)) == {None}
    assert AuditEvent.objects.filter(action="sign_in_locked_out", object_id=str(user.pk)).exists()
    for event in AuditEvent.objects.all():
        text = f"{event.object_type} {event.object_id} {event.detail}"
        assert WRONG not in text and PASSWORD not in text and "127.0.0.1" not in text


@pytest.mark.django_db
def test_the_lockout_is_for_that_username_from_that_address_and_ends_after_30_minutes(world, client):
    user = world.a.users[Role.PRACTITIONER]
    for _ in range(5):
        attempt(client, user.username, WRONG)
    assert attempt(client, user.username, PASSWORD).status_code == 429

    # From another address the same username still signs in (to the MFA step).
    assert attempt(type(client)(), user.username, PASSWORD, address="192.0.2.10").status_code == 302

    # Another username from the locked address is not affected.
    colleague = world.a.users[Role.TEAM_MANAGER]
    assert attempt(type(client)(), colleague.username, PASSWORD).status_code == 302

    # 30 minutes after the last counted failure the lock has gone.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/")


@pytest.mark.django_db
def test_a_right_password_clears_the_count(world, client):
    user = world.a.users[Role.PRACTITIONER]
    for _ in range(4):
        attempt(client, user.username, WRONG)
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert attempt(client, user.username, WRONG).status_code == 200
