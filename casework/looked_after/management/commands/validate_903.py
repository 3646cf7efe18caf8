"""Run the DfE SSDA903 validation rules on a folder of 903 CSV files.

    python manage.py validate_903 DIR --year 2026 --commissioner E08000035 [--previous PREV_DIR] [--as-of DATE]

Prints each error (child, table, row, rule, message) and exits 1 when there are any. For a collection
year still running on the as-of date (today unless given), the errors of rules that judge the whole year
(an SDQ due by 31 March: looked_after/year_end.py) are listed as "Due by 31 March" items, not errors.
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.looked_after import codes
from casework.looked_after.models import LookedAfterChild
from casework.looked_after.validation import (
    ValidatorUnavailable,
    confirm_against_history,
    set_apart_not_yet_due,
    validate_directory,
)


class Command(BaseCommand):
    help = "Validate 903 CSV files with the DfE rules (csc-validator-be-903); exit 1 on any error"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--year", required=True, type=int, help="End year of the collection, e.g. 2026")
        parser.add_argument("--commissioner", required=True, help="ONS code of the local authority")
        parser.add_argument("--previous", type=Path, help="Folder with the previous year's files, if any")
        parser.add_argument(
            "--as-of", type=date.fromisoformat, help="The day of the check, YYYY-MM-DD (today if not given)"
        )

    def handle(self, *args, directory, year, commissioner, previous, as_of=None, **options):
        if year not in codes.SUPPORTED_YEARS:
            raise CommandError(
                f"Year {year} is not supported: choose one of {', '.join(map(str, codes.SUPPORTED_YEARS))}"
            )
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder")
        try:
            result = validate_directory(directory, year=year, authority=commissioner, previous=previous)
        except ValidatorUnavailable as problem:
            raise CommandError(str(problem)) from None
        confirm_against_history(result, children=LookedAfterChild.objects.filter(commissioner__ons_code=commissioner))
        set_apart_not_yet_due(result, as_of=as_of or date.today())
        for error in result.errors:
            self.stdout.write(
                f"{error['child']}\t{error['table']} row {error['row'] + 2}\t{error['code']}\t{error['message']}"
            )
        self.stdout.write(
            f"{len(result.errors)} errors; rules {result.rules}, ran {result.ran}, skipped {len(result.skipped)}, "
            f"crashed {result.failed or 'none'}; {result.seconds} s"
        )
        for code, count in result.by_code().items():
            self.stdout.write(f"  {code}: {count}")
        if result.confirmed_by_history:
            self.stdout.write(
                f"{len(result.confirmed_by_history)} care leaver rows flagged 1001/1002 by a validator that sees only "
                "two years: each confirmed a former relevant child from their full history here"
            )
        if result.due_by_year_end:
            self.stdout.write(
                f"{len(result.due_by_year_end)} items {result.due_label.lower()}: the collection year has not "
                "ended, and these can still be done before it does"
            )
            for item in result.due_by_year_end:
                self.stdout.write(
                    f"{item['child']}\t{item['table']} row {item['row'] + 2}\t{item['code']}\t{result.due_label}: "
                    f"{item['message']}"
                )
        if result.errors:
            raise SystemExit(1)
