from datetime import date

from django.core.management.base import BaseCommand, CommandError

from casework.organisations.models import Organisation
from casework.synthetic.generate import restrict_demo_record
from casework.synthetic.generate import seed as generate


class Command(BaseCommand):
    help = "Fill an empty database with deterministic synthetic practices, staff, people and cases."

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=2)
        parser.add_argument("--people", type=int, default=500)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help="The 'today' of the data (YYYY-MM-DD); default today. Same seed and date, same data.",
        )
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database already has data")
        parser.add_argument(
            "--looked-after",
            type=int,
            default=None,
            metavar="N",
            help="Add children looked after in the last collection year that ended before the as-of date "
            "(1 April to 31 March), with full histories, until about N are (split across the commissioners). "
            "Without it the usual mix only, unchanged.",
        )
        parser.add_argument(
            "--restricted-record",
            action="store_true",
            help="Restrict one person's record in the first practice, as its practice manager would, naming "
            "only p1.practitioner (the demo's example; see docs/security.md).",
        )

    def handle(self, *args, practices, people, seed: int, as_of, if_empty, looked_after, restricted_record, **options):
        if Organisation.objects.exists():
            if if_empty:
                self.stdout.write("The database already has data: not seeding again.")
                return
            raise CommandError("The database already has data. Seed an empty database (or pass --if-empty).")
        if practices < 1 or people < 1:
            raise CommandError("Give at least one practice and one person")
        if looked_after is not None and looked_after < 0:
            raise CommandError("Give a number of looked-after children of zero or more")
        summary = generate(
            practices=practices, people=people, seed=seed, as_of=as_of or date.today(), looked_after=looked_after
        )
        self.stdout.write(
            f"Seeded {summary.organisations} organisations, {summary.workers} workers ({summary.users} sign-ins), "
            f"{summary.people} people in {summary.households} families, {summary.registrations} registrations, "
            f"{summary.cases} cases, {summary.allocations} allocations, {summary.notes} case notes."
        )
        if looked_after is not None:
            self.stdout.write(
                f"{summary.looked_after_children} looked-after children with histories, {summary.episodes} episodes."
            )
        if restricted_record:
            person = restrict_demo_record()
            if person is None:
                self.stdout.write("No restricted record: the seed has no p1.practitioner with an open case.")
            else:
                self.stdout.write(
                    f"Restricted one record (Casework ID {person.pk}): only p1.practitioner is named on it."
                )
