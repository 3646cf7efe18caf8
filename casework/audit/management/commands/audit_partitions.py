"""Make the audit log's monthly partitions ahead of time (PostgreSQL; SQLite has none).

    python manage.py audit_partitions [--months-ahead N]

Makes the partition of this month (UTC) and of the N months after it (default 3) that are not
there yet, and the default partition if it has gone; prints what it made and what was there.
Safe to run any number of times: run it monthly from cron or the job runner. An entry whose
month has no partition still lands in the default partition, so a month missed only means that
month's entries stay there (the command then says so, and exits 1, for an operator to look at).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from casework.audit import partitions


class Command(BaseCommand):
    help = "Make the audit log's monthly partitions for this month and the months ahead (PostgreSQL)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--months-ahead",
            type=int,
            default=partitions.MONTHS_AHEAD,
            metavar="N",
            help=f"how many months after this one to make (default {partitions.MONTHS_AHEAD}, at most 24)",
        )

    def handle(self, *args, **options):
        ahead = options["months_ahead"]
        if not 0 <= ahead <= 24:
            raise CommandError("--months-ahead must be a whole number from 0 to 24")
        if connection.vendor != "postgresql":
            self.stdout.write("The audit log is one plain table on this database: there are no partitions to make")
            return
        first = partitions.month_start(timezone.now().date())
        last = first
        for _ in range(ahead):
            last = partitions.next_month(last)
        with transaction.atomic(), connection.cursor() as cursor:
            if not partitions.is_partitioned(cursor):
                raise CommandError("The audit log is not partitioned: run manage.py migrate first")
            outcome = partitions.ensure(cursor, first, last)
        for name in outcome.made:
            self.stdout.write(f"Made {name}")
        for name, why in outcome.refused:
            self.stdout.write(f"Not made {name}: {why}")
        self.stdout.write(
            f"Audit partitions from {first:%B %Y} to {last:%B %Y}: {len(outcome.made)} made, "
            f"{len(outcome.already)} already there"
        )
        if outcome.refused:
            raise CommandError(f"{len(outcome.refused)} month(s) could not be made", returncode=1)
