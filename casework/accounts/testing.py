"""Signing a Django test client in as a person who has passed MFA, for tests and benchmarks.

``force_login_verified`` does what ``Client.force_login`` does and then marks the session as
verified by the user's own confirmed authenticator app (a real django-otp ``TOTPDevice``, made on
first use), exactly as the MFA page would. tests/conftest.py makes it what ``client.force_login``
does in every test; tests/accounts drive the MFA pages themselves.
"""

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.mfa import totp_code  # noqa: F401  (tests compute codes with it)
from casework.accounts.middleware import SESSION_SAVED_AT

# Django's own force_login, taken before tests/conftest.py replaces it.
_force_login = Client.force_login
TEST_DEVICE_NAME = "Test authenticator"


def force_login_password_only(client, user, backend=None) -> None:
    """Signed in with a password but no second factor yet: only the MFA pages answer."""
    _force_login(client, user, backend)


def force_login_verified(client, user, backend=None) -> None:
    _force_login(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    # as signing in leaves it: just written, so the next minute's pages write no session
    session[SESSION_SAVED_AT] = int(time.time())
    session.save()
