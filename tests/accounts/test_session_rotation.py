"""The session key changes at every step up in privilege: at the password (Django's login), and
again when the second factor completes (an authenticator code, a recovery code, or confirming a
new app at first sign-in). A key learnt before the second factor (from a shared computer, a proxy
log, a fixed cookie) is then worth nothing: it no longer names any session."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import mfa
from casework.accounts.models import Role
from casework.accounts.testing import totp_code
from tests.accounts.test_mfa import FIXED, clock, device_for, sign_in_with_password


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def assert_old_key_is_dead(client, old_key: str):
    """The key from before the second factor names no session and opens no page."""
    assert not Session.objects.filter(session_key=old_key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def assert_rotated(client, before: str):
    after = session_key(client)
    assert after != before
    assert client.get("/people/").status_code == 200  # the new key is the signed-in, verified one
    assert_old_key_is_dead(client, before)


def password_given(client, user) -> tuple[TOTPDevice, str, str]:
    """Signed in with the password, the app set up: (its device, the code page, the key now)."""
    device = device_for(user)
    location = sign_in_with_password(client, user)
    return device, location, session_key(client)


@pytest.mark.django_db
def test_a_code_from_the_app_gives_a_new_session_key(world, client):
    device, location, before = password_given(client, world.a.users[Role.PRACTITIONER])
    with clock(FIXED):
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 302
    assert_rotated(client, before)


@pytest.mark.django_db
def test_a_recovery_code_gives_a_new_session_key(world, client):
    user = world.a.users[Role.TEAM_MANAGER]
    device_for(user)
    codes = mfa.issue_recovery_codes(user)
    sign_in_with_password(client, user)
    before = session_key(client)
    response = client.post("/accounts/mfa/recovery-code/?next=%2F", {"code": codes[0]})
    assert response.status_code == 302
    assert_rotated(client, before)


@pytest.mark.django_db
def test_confirming_a_new_app_at_first_sign_in_gives_a_new_session_key(world, client):
    user = world.a.users[Role.PRACTITIONER]
    location = sign_in_with_password(client, user)
    client.get(location)
    device = TOTPDevice.objects.get(user=user)
    before = session_key(client)
    with clock(FIXED):
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 302
    # The recovery codes, kept in the session between the two pages, came over to the new key.
    codes = re.findall(r'<li class="cw-secret">([a-z2-7]{8})</li>', client.get(response["Location"]).content.decode())
    assert len(codes) == 10
    assert_rotated(client, before)


@pytest.mark.django_db
def test_a_wrong_code_keeps_the_key(world, client):
    """Nothing changed in privilege, so nothing to rotate (and the throttle still applies)."""
    device, location, before = password_given(client, world.a.users[Role.PRACTITIONER])
    wrong = f"{(int(totp_code(device, at=FIXED)) + 1) % 1_000_000:06d}"
    with clock(FIXED):
        assert client.post(location, {"code": wrong}).status_code == 200
    assert session_key(client) == before
