"""Import an authority's SSDA903 CSV files into a practice, all or nothing.

    python manage.py import_903 DIR --commissioner E08000035 --year 2026 --practice "Riverside Social Work Practice CIC"
    python manage.py import_903 DIR_2026 --commissioner E08000035 --year 2026 --practice 3 --earlier 2025=DIR_2025

--year is the year the collection in DIR ends (2026 = 2025/26). Each --earlier folder is another
collection year, given as YEAR=DIR or as a folder whose name ends with the year (e.g. exports/2025);
every year is checked before anything is written, then all are written oldest first in one
transaction. Every *.csv and *.zip file in a folder is read (a zip as the CSV files in it).
Children are matched to the people the practice records, and files that look like another
authority's, or would record a child twice, are refused (``imports/matching.py``). Problems are
printed as ``file:row: column: reason`` and the command exits 1, having written nothing.

It imports at once (the page previews first); ``--dry-run`` prints what the import would do (who
is created, who matched and by what, what changes) and writes nothing. An import by the command
is kept like one confirmed on the page, so a practice manager can reverse it there.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.looked_after.imports import ReturnImportError
from casework.looked_after.imports.batches import import_confirm, import_dry_run, import_preview
from casework.looked_after.imports.writing import year_in_words
from casework.organisations.models import Organisation

_YEAR_AT_END = re.compile(r"(20\d\d)$")


def _read_folder(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder")
    files = {
        path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.suffix.lower() in (".csv", ".zip")
    }
    if not files:
        raise CommandError(f"{folder} holds no .csv or .zip files")
    return files


def _earlier(value: str) -> tuple[int, Path]:
    """YEAR=DIR, or a DIR whose name ends with the year."""
    year_text, sep, folder = value.partition("=")
    if sep and year_text.isdigit():
        return int(year_text), Path(folder)
    match = _YEAR_AT_END.search(Path(value).name)
    if match is None:
        raise CommandError(f"Say which year {value} is: --earlier YEAR=DIR, e.g. --earlier 2025={value}")
    return int(match[1]), Path(value)


def _practice(value: str) -> Organisation:
    found = Organisation.objects.filter(kind=Organisation.Kind.PRACTICE)
    practice = found.filter(pk=int(value)).first() if value.isdigit() else found.filter(name=value).first()
    if practice is None:
        raise CommandError(f"No practice with id or name {value!r}")
    return practice


class Command(BaseCommand):
    help = "Import an authority's SSDA903 CSV files (one or more years) into a practice; exit 1 on any problem"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="Folder with the year's CSV files")
        parser.add_argument("--commissioner", required=True, help="ONS code of the local authority, e.g. E08000035")
        parser.add_argument("--year", required=True, type=int, help="End year of the collection, e.g. 2026")
        parser.add_argument("--practice", required=True, help="Id or exact name of the practice taking the children")
        parser.add_argument(
            "--earlier", action="append", default=[], metavar="YEAR=DIR", help="An earlier year's folder (repeatable)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what the import would do; write nothing")

    def handle(self, *args, directory, commissioner, year, practice, earlier, dry_run=False, **options):
        authority = Organisation.objects.filter(ons_code=commissioner, kind=Organisation.Kind.COMMISSIONER).first()
        if authority is None:
            raise CommandError(f"No local authority with ONS code {commissioner}")
        years = {year: _read_folder(directory)}
        for value in earlier:
            earlier_year, folder = _earlier(value)
            if earlier_year >= year or earlier_year in years:
                raise CommandError(f"--earlier {value}: each earlier year comes before {year}, once")
            years[earlier_year] = _read_folder(folder)
        into = _practice(practice)
        try:
            if dry_run:
                plan = import_dry_run(actor=None, commissioner=authority, years=years, into_practice=into)
            else:
                batch = import_preview(actor=None, commissioner=authority, years=years, into_practice=into)
                plan = import_confirm(actor=None, batch=batch).preview
        except ValueError as error:
            raise CommandError(str(error)) from None
        except ReturnImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error), returncode=1) from None
        if dry_run:
            self.stdout.write("Dry run: nothing was written. The import would do this:")
        for year in plan["years"]:
            self.stdout.write(f"{authority.name} {year_in_words(year, done=not dry_run)}")
        for note in plan["notes"]:
            self.stdout.write(f"  note: {note}")
        for child in plan["children"]:
            changes = f"; the files give another {', '.join(child['changed'])}" if child["changed"] else ""
            self.stdout.write(f"  child {child['child']}: {child['why']}{changes}")
