"""Import an authority's SSDA903 CSV files into a practice, all or nothing.

    python manage.py import_903 DIR --commissioner E08000035 --year 2026 --practice "Riverside Social Work Practice CIC"
    python manage.py import_903 DIR_2026 --commissioner E08000035 --year 2026 --practice 3 --earlier 2025=DIR_2025

--year is the year the collection in DIR ends (2026 = 2025/26). Each --earlier folder is another
collection year, given as YEAR=DIR or as a folder whose name ends with the year (e.g. exports/2025);
every year is checked before anything is written, then all are written oldest first in one
transaction. Every *.csv file in a folder is read. Problems are printed as
``file:row: column: reason`` and the command exits 1, having written nothing; on success it
prints what was created and updated and exits 0.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.looked_after.imports import ReturnImportError, import_903_years
from casework.organisations.models import Organisation

_YEAR_AT_END = re.compile(r"(20\d\d)$")


def _read_folder(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        raise CommandError(f"{folder} is not a folder")
    files = {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.suffix.lower() == ".csv"}
    if not files:
        raise CommandError(f"{folder} holds no .csv files")
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

    def handle(self, *args, directory, commissioner, year, practice, earlier, **options):
        authority = Organisation.objects.filter(ons_code=commissioner, kind=Organisation.Kind.COMMISSIONER).first()
        if authority is None:
            raise CommandError(f"No local authority with ONS code {commissioner}")
        years = {year: _read_folder(directory)}
        for value in earlier:
            earlier_year, folder = _earlier(value)
            if earlier_year >= year or earlier_year in years:
                raise CommandError(f"--earlier {value}: each earlier year comes before {year}, once")
            years[earlier_year] = _read_folder(folder)
        try:
            results = import_903_years(
                actor=None, commissioner=authority, years=years, into_practice=_practice(practice)
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        except ReturnImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error), returncode=1) from None
        for result in results:
            self.stdout.write(f"{authority.name} {result.summary()}")
            for note in result.notes:
                self.stdout.write(f"  note: {note}")
