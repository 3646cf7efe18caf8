"""The demo's one-click sign-in as each demo user (``make demo``; docs/security.md, "The demo's
one-click sign-in").

A demo user signs in like anyone: the password, then a code from their demo authenticator. A code
is accepted once per 30-second step, so switching roles meant waiting for the next one. With the
setting ``CASEWORK_DEMO_SIGN_IN`` on (environment variable, default off; only ``make demo`` sets
it), one click signs in as a demo user, but only when all of these hold:

* the database is a demo database: its append-only audit log has the entry ``manage.py seed``
  ends with (``SEED_OBJECT_TYPE``, written by nobody else);
* the user is one of the demo usernames and has the demo authenticator ``demo_logins`` made, which
  it makes only for a user whose password is the published demo password;
* that password signs the user in now, checked by the ordinary authentication backends (so
  django-axes' lockout applies and a refusal is audited as a failed sign-in).

The session is then marked verified by the demo authenticator, as entering its code would be;
the sign-out of whoever was signed in, the sign-in and the second factor (method
``demo_sign_in``) go to the audit log. ``casework/accounts/checks.py`` refuses the setting at
start-up on a database with accounts that the seed did not fill, and in every ``check --deploy``.
"""

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import DatabaseError
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import mfa
from casework.accounts.models import User
from casework.audit.models import AuditEvent
from casework.synthetic.generate import DEMO_PASSWORD, SEED_OBJECT_TYPE
from casework.synthetic.management.commands.demo_logins import DEMO_DEVICE_NAME, DEMO_USERNAMES


def _answers_yes(queryset) -> bool:
    """Whether any row matches; no when the tables are not there yet (before migrate)."""
    try:
        return queryset.exists()
    except DatabaseError:
        return False


def is_demo_database() -> bool:
    return _answers_yes(AuditEvent.objects.filter(actor_id=None, action="create", object_type=SEED_OBJECT_TYPE))


def has_accounts() -> bool:
    return _answers_yes(User.objects.all())


def demo_sign_in_on() -> bool:
    return settings.CASEWORK_DEMO_SIGN_IN and is_demo_database()


def demo_users() -> list[User]:
    """The demo users one click signs in as, in the order demo_logins prints them."""
    users = (
        User.objects.filter(
            username__in=DEMO_USERNAMES,
            is_active=True,
            totpdevice__name=DEMO_DEVICE_NAME,
            totpdevice__confirmed=True,
        )
        .select_related("organisation")
        .distinct()
    )
    return sorted(users, key=lambda user: DEMO_USERNAMES.index(user.username))


def sign_in_as_demo_user(request, username: str) -> User | None:
    """Signs whoever is signed in out and the demo user in, verified by their demo authenticator;
    None, with nothing changed, when ``username`` is not a demo user who may sign in so.
    The caller has checked ``demo_sign_in_on()``."""
    if username not in DEMO_USERNAMES:
        return None
    # A user without the demo authenticator (a real account) is refused before any password check.
    device = TOTPDevice.objects.filter(user__username=username, name=DEMO_DEVICE_NAME, confirmed=True).first()
    if device is None:
        return None
    user = authenticate(request, username=username, password=DEMO_PASSWORD)
    if user is None or user.pk != device.user_id:
        return None
    if request.user.is_authenticated:
        logout(request)
    login(request, user)
    mfa.verify_demo_device(request, device)
    return user
