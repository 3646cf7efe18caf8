"""System checks for signing in: the demo's one-click sign-in (``CASEWORK_DEMO_SIGN_IN``, see
``casework/accounts/demo.py``) is refused at start-up outside a demo database and always by
``manage.py check --deploy``, so a production deployment cannot run with it."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from casework.accounts import demo


@register(Tags.security)
def demo_sign_in_only_in_a_demo_database(app_configs, **kwargs):
    if not settings.CASEWORK_DEMO_SIGN_IN or demo.is_demo_database() or not demo.has_accounts():
        return []  # (a database with no accounts yet has no one to sign in as: migrate and seed run)
    return [
        Error(
            "CASEWORK_DEMO_SIGN_IN is on, but this database has accounts and was not filled by manage.py seed.",
            hint="The one-click demo sign-in is for make demo's synthetic database only: unset "
            "CASEWORK_DEMO_SIGN_IN, or for the demo start again from an empty database (delete db.sqlite3, "
            "then make demo). See docs/security.md.",
            id="accounts.E001",
        )
    ]


@register(Tags.security, deploy=True)
def demo_sign_in_never_deployed(app_configs, **kwargs):
    if not settings.CASEWORK_DEMO_SIGN_IN:
        return []
    return [
        Error(
            "CASEWORK_DEMO_SIGN_IN is on: anyone could sign in as a demo user without a code.",
            hint="It is for make demo only: unset CASEWORK_DEMO_SIGN_IN in every deployment (docs/security.md).",
            id="accounts.E002",
        )
    ]
