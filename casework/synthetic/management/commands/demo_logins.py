from django.core.management.base import BaseCommand

from casework.accounts.models import User
from casework.synthetic.generate import DEMO_PASSWORD

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


class Command(BaseCommand):
    help = "Print the demo sign-ins (one per role) that the seed created."

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("organisation")}
        self.stdout.write("")
        self.stdout.write("Casework demo: http://127.0.0.1:8000  (synthetic data only)")
        self.stdout.write(f"Every demo sign-in uses the password: {DEMO_PASSWORD}")
        for name in DEMO_USERNAMES:
            if name in users:
                u = users[name]
                self.stdout.write(f"  {name:<18} {u.get_role_display():<22} {u.organisation.name}")
        self.stdout.write("")
