"""Multi-factor authentication: set-up, sign-in with a code or a recovery code, and nothing but the
MFA pages for a person who has given only their password.

The codes are computed here from the device's key, as an authenticator app would, at a fixed time
(django-otp's TOTP clock is pinned by ``clock``)."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock
from urllib.parse import quote

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import mfa
from casework.accounts.models import Role
from casework.accounts.testing import force_login_password_only, totp_code
from casework.audit.models import AuditEvent
from casework.cases.models import CaseNote
from tests.conftest import PASSWORD

FIXED = 1_900_000_000  # 17 March 2030, 17:46:40 UTC


@contextmanager
def clock(at: float):
    """django-otp's TOTP check sees this time."""
    with mock.patch("django_otp.plugins.otp_totp.models.time") as fake_time:
        fake_time.time.return_value = at
        yield


def sign_in_with_password(client, user, next_url=""):
    url = "/accounts/login/" + (f"?next={quote(next_url)}" if next_url else "")
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def clear_throttle(device):
    """As if the wait after the last wrong code had passed."""
    type(device).objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


@pytest.mark.django_db
def test_first_sign_in_sets_up_an_authenticator_app_and_shows_recovery_codes_once(world, client):
    user = world.a.users[Role.PRACTITIONER]
    location = sign_in_with_password(client, user)
    assert location == "/accounts/mfa/setup/?next=%2F"
    # Until the app is set up, no other page answers.
    assert client.get("/").headers["Location"].startswith("/accounts/mfa/setup/")

    page = client.get(location)
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret == mfa.secret_text(device)
    assert "<svg" in html and 'class="cw-qr-code"' in html
    assert page.headers["Cache-Control"].startswith("max-age=0")  # never cached: it holds the secret
    # The same secret on a second visit (the person may come back to it).
    assert mfa.secret_text(device) in client.get(location).content.decode()

    with clock(FIXED):
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/mfa/recovery-codes/?next=%2F"
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="mfa_set_up", actor_id=user.pk, object_id=str(user.pk)).count() == 1

    codes_page = client.get(response["Location"]).content.decode()
    shown = re.findall(r'<li class="cw-secret">([a-z2-7]{8})</li>', codes_page)
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    # Shown once: a second look goes straight on.
    assert client.get(response["Location"]).status_code == 302
    assert client.get("/").status_code == 200
    # No code or secret in the audit log.
    for event in AuditEvent.objects.all():
        assert not any(code in str(event.detail) for code in shown)
        assert secret.replace(" ", "") not in str(event.detail)


@pytest.mark.django_db
def test_a_wrong_code_at_set_up_is_refused_with_the_error_summary(world, client):
    user = world.a.users[Role.PRACTITIONER]
    location = sign_in_with_password(client, user)
    client.get(location)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device, at=FIXED)) + 1) % 1_000_000:06d}"
    with clock(FIXED):
        response = client.post(location, {"code": wrong})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert AuditEvent.objects.filter(action="mfa_failed", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_later_sign_ins_need_a_code_from_the_app(world, client):
    user = world.a.users[Role.PRACTITIONER]
    device = device_for(user)
    location = sign_in_with_password(client, user, next_url="/people/")
    assert location == "/accounts/mfa/verify/?next=%2Fpeople%2F"
    assert client.get("/people/").headers["Location"].startswith("/accounts/mfa/verify/")

    # A wrong code: refused, on the page, in the audit log, and still no other page.
    wrong = f"{(int(totp_code(device, at=FIXED)) + 500_000) % 1_000_000:06d}"
    with clock(FIXED):
        response = client.post(location, {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The code is not right" in html
    failed = AuditEvent.objects.get(action="mfa_failed", actor_id=user.pk)
    assert wrong not in str(failed.detail)
    assert client.get("/people/").status_code == 302

    # Straight after wrong codes django-otp makes the person wait, even for the right code.
    with clock(FIXED):
        client.post(location, {"code": wrong})
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 200
    assert "too many wrong codes" in response.content.decode()

    clear_throttle(device)
    with clock(FIXED):
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 302 and response["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa_verified", actor_id=user.pk).count() == 1

    # The same code cannot be used again (in another sign-in), even in the same 30 seconds.
    client.post("/accounts/logout/")
    location = sign_in_with_password(client, user)
    with clock(FIXED + 5):
        response = client.post(location, {"code": totp_code(device, at=FIXED)})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once_only(world, client):
    user = world.a.users[Role.TEAM_MANAGER]
    device_for(user)
    codes = mfa.issue_recovery_codes(user)
    location = sign_in_with_password(client, user)
    recover = client.get(location).content.decode()
    recover_url = re.search(r'id="use-recovery-code" href="([^"]+)"', recover).group(1).replace("&amp;", "&")
    assert recover_url == "/accounts/mfa/recovery-code/?next=%2F"

    response = client.post(recover_url, {"code": codes[0].upper()[:4] + " " + codes[0].upper()[4:]})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "You signed in with a recovery code. You have 9 left" in home
    used = AuditEvent.objects.get(action="mfa_recovery_used", actor_id=user.pk)
    assert used.detail["codes_left"] == 9 and codes[0] not in str(used.detail)

    client.post("/accounts/logout/")
    sign_in_with_password(client, user)
    response = client.post(recover_url, {"code": codes[0]})
    assert response.status_code == 200
    assert "has been used already" in response.content.decode()
    assert client.get("/").status_code == 302
    clear_throttle(StaticDevice.objects.get(user=user))
    assert client.post(recover_url, {"code": codes[1]}).status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_person_with_only_a_password_gets_nothing_but_the_mfa_pages(world, client):
    user, person = world.a.users[Role.PRACTITIONER], world.a.people[0]
    device_for(user)
    force_login_password_only(client, user)
    case = world.a.cases[0]
    for url in [
        "/",
        "/people/",
        f"/people/{person.pk}/",
        f"/cases/{case.pk}/",
        "/caseloads/",
        "/admin/",
        "/accounts/mfa/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/mfa/verify/?next="), url
        assert person.family_name not in response.content.decode()
    # A POST does nothing either.
    note = {
        "note_type": "visit",
        "occurred_on_0": "1",
        "occurred_on_1": "2",
        "occurred_on_2": "2024",
        "summary": "Should not be saved",
        "text": "Should not be saved",
    }
    response = client.post(f"/people/{person.pk}/notes/new/", note)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/verify/")
    assert not CaseNote.objects.filter(summary="Should not be saved").exists()
    # The MFA page itself, without the service's navigation; the health check; signing out.
    page = client.get("/accounts/mfa/verify/").content.decode()
    assert "Enter your security code" in page and "My caseload" not in page and "Sign out" in page
    assert client.get("/healthz").status_code == 200
    # The API answers in its own error shape rather than redirecting to a page.
    response = client.get(f"/api/people/{person.pk}/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "mfa_required"
    assert person.family_name not in response.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").headers["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_set_up_page_cannot_add_a_second_app_with_only_the_password(world, client):
    user = world.a.users[Role.PRACTITIONER]
    device = device_for(user)
    force_login_password_only(client, user)
    response = client.get("/accounts/mfa/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/mfa/verify/")
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


@pytest.mark.django_db
def test_the_next_address_must_be_on_this_site(world, client):
    user = world.a.users[Role.PRACTITIONER]
    device = device_for(user)
    force_login_password_only(client, user)
    with clock(FIXED):
        response = client.post(
            "/accounts/mfa/verify/?next=https://example.org/steal", {"code": totp_code(device, at=FIXED)}
        )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(world, client):
    user = world.a.users[Role.PRACTITIONER]
    client.force_login(user)
    old = mfa.issue_recovery_codes(user)
    assert client.get("/accounts/mfa/").status_code == 200
    assert client.get("/accounts/mfa/recovery-codes/new/").status_code == 200
    response = client.post("/accounts/mfa/recovery-codes/new/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r'<li class="cw-secret">([a-z2-7]{8})</li>', page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert AuditEvent.objects.filter(action="mfa_codes_renewed", actor_id=user.pk).count() == 1


@pytest.mark.django_db
def test_the_switch_for_mfa_is_on_unless_turned_off(world, client, settings):
    from django.conf import settings as live

    assert live.CASEWORK_MFA_REQUIRED is True
    settings.CASEWORK_MFA_REQUIRED = False
    user = world.a.users[Role.PRACTITIONER]
    assert sign_in_with_password(client, user) == "/"
    assert client.get("/").status_code == 200
