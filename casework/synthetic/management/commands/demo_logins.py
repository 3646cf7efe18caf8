from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand

from casework.accounts.mfa import secret_text
from casework.accounts.models import User
from casework.synthetic.generate import DEMO_PASSWORD, DEMO_RESTRICTION_REASON

DEMO_USERNAMES = [
    "p1.practitioner",
    "p1.teammanager",
    "p1.manager",
    "p2.practitioner",
    "p2.teammanager",
    "p2.manager",
    "leeds.officer",
    "camden.officer",
    "evaluator",
    "auditor",
    "admin",
]
# Only this command makes devices with this name, and demo_code reads only these.
DEMO_DEVICE_NAME = "Demo authenticator (synthetic demo only)"


def demo_device(user):
    """The demo user's authenticator: made once, kept in the demo database, so its key stays the same."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)


def has_demo_password(user, known_hashes: set[str]) -> bool:
    """Only a user whose password is the published demo password (the seed's synthetic users) gets
    a demo key: never a real account that happens to have a demo username. The seed gives them all
    one hash, so the slow check runs about once."""
    if user.password in known_hashes:
        return True
    if check_password(DEMO_PASSWORD, user.password):
        known_hashes.add(user.password)
        return True
    return False


class Command(BaseCommand):
    help = (
        "Print the demo sign-ins (one per role) that the seed created, and give each demo user an "
        "authenticator key for the MFA step (demo only)."
    )

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("organisation")}
        self.stdout.write("")
        self.stdout.write("Casework demo: http://127.0.0.1:8000  (synthetic data only)")
        self.stdout.write(f"Every demo sign-in uses the password: {DEMO_PASSWORD}")
        self.stdout.write("To switch roles with one click, use 'Sign in as a demo user' on the sign-in page, or")
        self.stdout.write("'Switch demo user' at the top of every page (make demo turns this on; never in production).")
        self.stdout.write("To sign in as a real user would:")
        self.stdout.write("After the password Casework asks for a code from an authenticator app. For the demo, get")
        self.stdout.write("the current code in a second terminal with:")
        self.stdout.write("  .venv/bin/python manage.py demo_code p1.practitioner")
        self.stdout.write("or add the user's key below to any authenticator app.")
        self.stdout.write(
            "The keys are for this demo database only: a real user sets up their own app at first sign-in."
        )
        self.stdout.write("")
        demo_hashes: set[str] = set()
        for name in DEMO_USERNAMES:
            if name in users:
                u = users[name]
                self.stdout.write(f"  {name:<18} {u.get_role_display():<22} {u.organisation.name}")
                if has_demo_password(u, demo_hashes):
                    self.stdout.write(f"  {'':<18} key: {secret_text(demo_device(u))}")
        self.stdout.write("")
        self._restricted_record()

    def _restricted_record(self):
        from casework.people.models import PersonRestriction

        restriction = PersonRestriction.objects.filter(reason=DEMO_RESTRICTION_REASON, lifted_at=None).first()
        if restriction is None:
            return
        self.stdout.write(
            f"A restricted record to try: Casework ID {restriction.person_id} (/people/{restriction.person_id}/). "
            "p1.practitioner is named and sees it;"
        )
        self.stdout.write("p1.teammanager and p1.manager see only the name; p1.manager and auditor read who viewed it.")
        self.stdout.write("")
