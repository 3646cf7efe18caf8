"""make demo: demo_logins gives each demo user an authenticator key (demo only) and demo_code
prints the code it shows now, so a person can get past the MFA page without an app."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.models import Role
from casework.synthetic.generate import DEMO_PASSWORD
from tests.conftest import make_user


@pytest.mark.django_db
def test_demo_logins_prints_a_key_and_demo_code_gets_a_person_past_mfa(world, client):
    user = make_user(world.a.org, Role.PRACTITIONER, "p1.practitioner")
    user.set_password(DEMO_PASSWORD)
    user.save()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    assert "demo_code p1.practitioner" in printed and "demo database only" in printed
    assert "Sign in as a demo user" in printed  # the one-click switch make demo turns on
    key = re.search(r"key: ([A-Z2-7 ]+)", printed).group(1).strip()
    again = StringIO()
    call_command("demo_logins", stdout=again)
    assert key in again.getvalue()  # the same key every time the demo starts

    code = StringIO()
    call_command("demo_code", "p1.practitioner", stdout=code)
    response = client.post("/accounts/login/", {"username": "p1.practitioner", "password": DEMO_PASSWORD})
    assert response["Location"].startswith("/accounts/mfa/verify/")
    response = client.post(response["Location"], {"code": code.getvalue().strip()})
    assert response.status_code == 302 and client.get("/").status_code == 200


@pytest.mark.django_db
def test_no_demo_key_for_an_account_without_the_demo_password(world):
    make_user(world.a.org, Role.TEAM_MANAGER, "p1.teammanager")  # a real password, not the demo's
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "p1.teammanager" in out.getvalue() and "key:" not in out.getvalue()
    assert not TOTPDevice.objects.exists()
    with pytest.raises(CommandError):
        call_command("demo_code", "p1.teammanager", stdout=StringIO())
