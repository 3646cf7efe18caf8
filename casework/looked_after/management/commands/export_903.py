"""Write the SSDA903 CSV files for one local authority and one collection year.

    python manage.py export_903 --commissioner E08000035 --year 2026 --out DIR

--year is the year the collection ends (2026 = 2025/26), as the DfE validator names it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.audit.services import audit_record
from casework.looked_after import codes
from casework.looked_after.export import build_return
from casework.looked_after.models import LookedAfterChild
from casework.organisations.models import Organisation


class Command(BaseCommand):
    help = "Export the SSDA903 return (CSV files) for a local authority and collection year"

    def add_arguments(self, parser):
        parser.add_argument("--commissioner", required=True, help="ONS code of the local authority, e.g. E08000035")
        parser.add_argument("--year", required=True, type=int, help="End year of the collection, e.g. 2026")
        parser.add_argument("--out", required=True, type=Path, help="Folder to write the CSV files into")

    def handle(self, *args, commissioner, year, out, **options):
        if year not in codes.SUPPORTED_YEARS:
            raise CommandError(
                f"Year {year} is not supported: choose one of {', '.join(map(str, codes.SUPPORTED_YEARS))}"
            )
        authority = Organisation.objects.filter(ons_code=commissioner, kind=Organisation.Kind.COMMISSIONER).first()
        if authority is None:
            raise CommandError(f"No local authority with ONS code {commissioner}")
        # A system command run by the operator: the authority's whole return, as its officers get it.
        children = LookedAfterChild.objects.filter(commissioner=authority)
        result = build_return(children=children, year=year)
        result.write(out)
        with transaction.atomic():  # every copy of the children's data that leaves is in the audit log
            audit_record(
                actor=None,
                action="export",
                object_type="ssda903",
                object_id=f"{authority.ons_code}/{year}",
                via="export_903",
                **result.counts(),
            )
        counts = ", ".join(f"{table} {n}" for table, n in result.counts().items())
        self.stdout.write(f"{codes.year_label(year)} return for {authority.name} written to {out}: {counts}")
