"""python manage.py outcomes_report --contract REF --year YYYY --out FILE.csv

Writes a contract year's monitoring report for scripts (YYYY: the year the contract year starts).
Figures are withheld as in every download and page of the report (`[c]`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.audit.services import audit_record
from casework.contracts.models import Contract
from casework.contracts.reporting import EXPORT_COLUMNS, contract_report, export_rows
from casework.contracts.tables import csv_text


class Command(BaseCommand):
    help = "Write a contract year's outcome monitoring report as CSV"

    def add_arguments(self, parser):
        parser.add_argument("--contract", required=True, help="Contract reference")
        parser.add_argument("--year", type=int, required=True, help="Year the contract year starts in")
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="Year to the end of this quarter")
        parser.add_argument("--out", required=True)

    def handle(self, *args, contract, year, quarter, out, **options):
        found = Contract.objects.filter(reference=contract).first()
        if found is None:
            raise CommandError(f"No contract with reference {contract}")
        contract_year = found.years.filter(start_date__year=year).first()
        if contract_year is None:
            raise CommandError(f"Contract {contract} has no contract year starting in {year}")
        report = contract_report(contract=found, year=contract_year, quarter=quarter)
        with open(out, "w", newline="", encoding="utf-8") as handle:
            handle.write(csv_text(EXPORT_COLUMNS, export_rows(report)))
        with transaction.atomic():  # as the page's CSV and XLSX downloads are
            audit_record(
                actor=None,
                action="export",
                obj=found,
                year=str(contract_year.start_date),
                quarter=quarter or "",
                format="csv",
                via="outcomes_report",
            )
        self.stdout.write(f"{len(report.rows)} measures for {report.shown_children} children written to {out}")
