"""What commissioners take away: downloads whose numbers are numbers, the payment statement (the
contract price, outcome payments, the total, provisional while the year runs) as a page, CSV, XLSX
and print, and the outcomes per child as CSV and XLSX."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.contracts.models import ContractYear
from tests.conftest import TODAY
from tests.contracts.builders import children_in_care
from tests.contracts.test_reports import contract_year  # noqa: F401  (the fixture)


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content)).active


def _csv(response):
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _by_header(sheet, row: int) -> dict:
    return {sheet.cell(row=1, column=c).value: sheet.cell(row=row, column=c) for c in range(1, sheet.max_column + 1)}


def test_the_report_xlsx_carries_numbers_as_numbers_and_percentages_as_percentages(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    url = reverse("contract_report", args=[contract.pk])
    # 1 of 2 children had their health assessment: withheld, and a clear text marker, never a number
    cells = _by_header(_sheet(client.get(url, {"year": year.pk, "format": "xlsx"})), 2)
    for column in ("Numerator", "Denominator", "Value", "95% interval low", "RAG"):
        assert (cells[column].value, cells[column].data_type) == ("[c]", "s"), column
    # 4 more children, all assessed: 5 of 6, 83.3 %, target 90 %, Wilson 43.6 % to 97.0 %
    children_in_care(world, year, [(4, 10, 4, 0)], family="More", prefix="M")
    # the year has ended: its figures are settled until the commissioner recalculates them
    from casework.contracts import services

    services.contract_year_recalculate(
        actor=world.commissioner_users[Role.COMMISSIONER_OFFICER], contract=contract, contract_year=year
    )
    cells = _by_header(_sheet(client.get(url, {"year": year.pk, "format": "xlsx"})), 2)
    for column, fraction in (("Value", 5 / 6), ("Target", 0.9), ("95% interval low", 0.4365)):
        cell = cells[column]
        assert cell.data_type == "n" and cell.number_format == "0.0%", column
        assert float(cell.value) == pytest.approx(fraction, abs=1e-3), column
    assert (cells["Numerator"].value, cells["Denominator"].value) == (5, 6)
    assert cells["Numerator"].data_type == "n" and cells["Numerator"].number_format == "0"
    assert cells["National benchmark"].data_type == "n" and cells["National benchmark"].number_format == "0.0%"
    assert cells["Benchmark year"].data_type == "n"
    assert cells["Payment earned (£)"].data_type == "n" and float(cells["Payment earned (£)"].value) == 2000
    # the CSV says the same in text
    rows = _csv(client.get(url, {"year": year.pk, "format": "csv"}))
    assert dict(zip(rows[0], rows[1], strict=True))["Value"] == "83.3"


def test_the_payment_statement_shows_the_contract_price_outcome_payments_and_total(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    ContractYear.objects.filter(pk=year.pk).update(price_model="block", price=Decimal("50000"))
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    url = reverse("contract_payments", args=[contract.pk])
    body = client.get(url, {"year": year.pk}).content.decode()
    # amounts in pounds with thousands separators, as a statement is read
    assert "Contract price" in body and "£50,000.00" in body.split('id="contract-price"')[1].split("</tr>")[0]
    assert "£400.00" in body.split('id="total-earned"')[1][:40]  # one child met the measure: 1 x 400
    assert "£50,400.00" in body.split('id="total"')[1][:40]
    assert "Provisional" not in body  # the year has ended


def test_the_payment_statement_for_the_year_in_progress_is_provisional(world, client):
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    contract = world.a.org.contracts_held.get(commissioner=world.commissioner)
    current = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    client.force_login(officer)
    url = reverse("contract_payments", args=[contract.pk])
    body = client.get(url, {"year": current.pk}).content.decode()
    assert f"Provisional: the year ends on {current.end_date:%-d %B %Y}" in body
    rows = _csv(client.get(url, {"year": current.pk, "format": "csv"}))
    assert rows[-1][0] == "Total" and rows[-1][4] == f"Provisional: the year ends on {current.end_date:%-d %B %Y}"


def test_the_payment_statement_downloads_as_csv_and_xlsx(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    # per child per week at 700 (100 a day): the fixture's two children had open cases all year
    ContractYear.objects.filter(pk=year.pk).update(price_model="per_child_week", price=Decimal("700"))
    other_days = _other_child_days(world, contract, year)
    price = Decimal(100 * ((year.end_date - year.start_date).days + 1) * 2 + 100 * other_days)
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    url = reverse("contract_payments", args=[contract.pk])
    rows = _csv(client.get(url, {"year": year.pk, "format": "csv"}))
    assert rows[0] == ["Item", "Terms", "At stake (£)", "Amount (£)", "Workings"]
    assert rows[1][:2] == ["Contract price", "Per child per week"] and Decimal(rows[1][3]) == price
    assert rows[2][0] == "Annual health assessment" and rows[2][3] == "400.00"
    assert rows[-1][0] == "Total" and Decimal(rows[-1][3]) == price + 400
    sheet = _sheet(client.get(url, {"year": year.pk, "format": "xlsx"}))
    total = sheet.cell(row=sheet.max_row, column=4)
    assert total.data_type == "n" and total.number_format == "#,##0.00" and Decimal(str(total.value)) == price + 400
    exports = AuditEvent.objects.filter(action="export", object_type="contracts.contract")
    assert [e.detail["format"] for e in exports.order_by("pk")] == ["csv", "xlsx"]


def _other_child_days(world, contract, year):
    """Days in the year of the children's cases the shared world opened under the contract (TODAY - 300 on)."""
    from casework.cases.models import Case
    from casework.contracts.reporting import CHILDRENS_CASES

    days = 0
    fixture = {"Reported1", "Reported2"}
    people = {}
    for case in Case.objects.filter(contract=contract, service_type__in=CHILDRENS_CASES).select_related("person"):
        if case.person.family_name in fixture:
            continue
        first = max(case.opened_on, year.start_date)
        last = min(case.closed_on or year.end_date + timedelta(days=1), year.end_date + timedelta(days=1))
        people.setdefault(case.person_id, set()).update(first + timedelta(days=n) for n in range((last - first).days))
    for covered in people.values():
        days += len(covered)
    return days


def test_the_payment_statement_prints_without_menus_or_links(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    body = client.get(reverse("contract_payments", args=[contract.pk]), {"year": year.pk}).content.decode()
    assert 'class="govuk-body cw-no-print"' in body and "casework.css" in body
    scss = (Path(settings.BASE_DIR) / "frontend" / "casework.scss").read_text(encoding="utf-8")
    printed = scss.split("@media print {", 1)[1].split("}", 1)[0]
    for hidden in (".govuk-header", ".govuk-footer", ".govuk-back-link", ".cw-no-print"):
        assert hidden in printed


def test_outcomes_per_child_download_as_the_page_shows_them(world, client, contract_year):  # noqa: F811
    contract, year = contract_year
    url = reverse("contract_children", args=[contract.pk])
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    rows = _csv(client.get(url, {"year": year.pk, "format": "csv"}))
    assert rows[0] == ["Child identifier", "Name", "Annual health assessment"]
    by_child = {row[0]: row for row in rows[1:]}
    assert by_child["R1"][1:] == ["Test Reported1", "Met"]
    assert by_child["R2"][1:] == ["Test Reported2", "Not met"]
    # the authority: its own identifiers, no names
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    sheet = _sheet(client.get(url, {"year": year.pk, "format": "xlsx"}))
    header = [c.value for c in sheet[1]]
    assert header == ["Child identifier", "Annual health assessment"]
    values = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)}
    assert values["R1"] == "Met" and values["R2"] == "Not met"
    assert "Test Reported1" not in str([[c.value for c in row] for row in sheet.iter_rows()])
    # another authority's officer cannot take it
    client.force_login(world.other_commissioner_users[Role.COMMISSIONER_OFFICER])
    assert client.get(url, {"year": year.pk, "format": "csv"}).status_code == 404


def test_the_statement_and_outcomes_per_child_cost_the_same_with_2_and_12_children(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework.contracts import services
    from casework.looked_after.models import LookedAfterChild
    from tests.conftest import add_person

    contract = world.a.org.contracts_held.get(commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    services.contract_measure_set(
        actor=None,
        contract_year=year,
        indicator="health_assessment",
        target=Decimal("90"),
        payment_rule="threshold",
        payment_basis="per_child",
        amount_at_stake=Decimal("100"),
    )

    def grow(to: int):
        while LookedAfterChild.objects.count() < to:
            n = LookedAfterChild.objects.count()
            person, _ = add_person(world.a, world.commissioner, given="Count", family=f"Child{n}")
            LookedAfterChild.objects.create(
                organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=f"Q{n}"
            )

    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    urls = [
        (reverse("contract_payments", args=[contract.pk]), {"year": year.pk}),
        (reverse("contract_payments", args=[contract.pk]), {"year": year.pk, "format": "xlsx"}),
        (reverse("contract_children", args=[contract.pk]), {"year": year.pk}),
        (reverse("contract_children", args=[contract.pk]), {"year": year.pk, "format": "csv"}),
    ]
    counts = {}
    # the earlier years' results are settled by the first view: the pin is of the views after it
    for url, params in urls:
        client.get(url, params)
    for size in (2, 12):
        grow(size)
        for url, params in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, params).status_code == 200
            counts.setdefault((url, params.get("format")), []).append(len(queries.captured_queries))
    for key, (small, large) in counts.items():
        assert small == large, (key, small, large)
    # the children really are in both: twelve rows of outcomes per child
    rows = _csv(client.get(reverse("contract_children", args=[contract.pk]), {"year": year.pk, "format": "csv"}))
    assert len([row for row in rows[1:] if row[0].startswith("Q")]) == 12


def test_a_price_per_child_per_week_pays_for_childrens_cases_only(world):
    from casework.contracts.reporting import payment_statement
    from casework.core.codes import ServiceType
    from tests.conftest import add_person

    contract = world.a.org.contracts_held.get(commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)  # per child per week, 1,150

    def price():
        return payment_statement(contract=contract, year=year, today=TODAY).price.amount

    before = price()
    adult_born = TODAY.replace(year=TODAY.year - 40)
    add_person(
        world.a, world.commissioner, given="Grown", family="Adult", dob=adult_born, service=ServiceType.ADULT_ACCESS
    )
    assert price() == before  # an adult's case is not a child's week
    add_person(world.a, world.commissioner, given="Young", family="Child", service=ServiceType.CHILD_IN_NEED)
    # the child's case opened 300 days ago (or at the year's start, if later): 1,150 a week for those days
    days = (TODAY - max(TODAY - timedelta(days=300), year.start_date)).days + 1
    assert abs(price() - before - Decimal("1150") * days / 7) <= Decimal("0.01")  # each total to the penny
