"""Keep the stored statutory due dates (``looked_after/dues.py``) up to date.

    python manage.py looked_after_dues --refresh   # daily: the rows whose recompute_on has come
    python manage.py looked_after_dues --rebuild   # every looked-after child again (after a rule changes)

Prints only counts: no one's details.
"""

from django.core.management.base import BaseCommand

from casework.looked_after import dues


class Command(BaseCommand):
    help = "Work out the stored due dates again: --refresh (daily, what time has changed) or --rebuild (all)"

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--refresh", action="store_true", help="The rows whose recompute_on date has come")
        which.add_argument("--rebuild", action="store_true", help="Every looked-after child")

    def handle(self, *args, refresh=False, rebuild=False, **options):
        done = dues.rebuild() if rebuild else dues.refresh_due()
        self.stdout.write(f"Due dates worked out again for {done} looked-after children")
