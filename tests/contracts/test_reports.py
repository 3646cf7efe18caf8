"""Contract monitoring on hand-built children: the values, the status, the payment, the
downloads (counts under 5 withheld: tests/contracts/test_small_counts.py) and who may see them."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from casework.accounts.models import Role
from casework.contracts import services
from casework.contracts.models import Contract
from casework.contracts.reporting import contract_report
from tests.conftest import TODAY
from tests.contracts.builders import children_in_care


@pytest.fixture
def contract_year(world):
    """Last (complete) contract year, with two children in care all of it and for a year before;
    only the first had a health assessment in it."""
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    children_in_care(world, year, [(2, 10, 1, 0)])
    # an ended year's terms are the system's to load (a commissioner cannot change them on a page)
    services.contract_measure_set(
        actor=None,
        contract_year=year,
        indicator="health_assessment",
        target=Decimal("90"),
        payment_rule="threshold",
        payment_basis="per_child",
        amount_at_stake=Decimal("400"),
    )
    return contract, year


def test_the_report_shows_value_interval_status_and_payment_worked_by_hand(world, contract_year):
    contract, year = contract_year
    report = contract_report(contract=contract, year=year)
    (row,) = report.rows
    assert (row.numerator, row.denominator, row.value) == (1, 2, 50.0)
    assert row.interval[0] == pytest.approx(0.0945, abs=1e-3)  # Wilson 1 of 2: 0.0945 to 0.9055
    assert row.interval[1] == pytest.approx(0.9055, abs=1e-3)
    assert row.rag == "red"  # 50 is more than a tenth short of 90
    assert row.earned.amount == Decimal("400.00")  # per child: one child met it
    assert report.children == 2


def test_downloads_suppress_small_counts_and_are_audited(world, client, contract_year):
    contract, year = contract_year
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    url = reverse("contract_report", args=[contract.pk])
    response = client.get(url, {"year": year.pk, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Measure", "Indicator id", "Numerator", "Denominator"]
    # 1 of 2: the counts and everything worked from them withheld (tests/contracts/test_small_counts.py)
    assert rows[1][1:5] == ["health_assessment", "[c]", "[c]", "[c]"]
    xlsx = client.get(url, {"year": year.pk, "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == "health_assessment"
    from casework.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="export", object_type="contracts.contract").count() == 2
    page = client.get(url, {"year": year.pk}).content.decode()
    assert "Annual health assessment" in page and "[c]" in page
    assert client.get(url, {"year": year.pk, "print": "1"}).status_code == 200


def test_the_payment_statement_is_the_same_for_both_parties(world, client, contract_year):
    contract, year = contract_year
    url = reverse("contract_payments", args=[contract.pk])
    seen = []
    for user in (world.commissioner_users[Role.COMMISSIONER_OFFICER], world.a.users[Role.PRACTICE_MANAGER]):
        client.force_login(user)
        body = client.get(url, {"year": year.pk}).content.decode()
        seen.append(body.split('id="total-earned"')[1][:60])
    assert seen[0] == seen[1] and "400.00" in seen[0]
    client.force_login(world.other_commissioner_users[Role.COMMISSIONER_OFFICER])
    assert client.get(url, {"year": year.pk}).status_code == 404


def test_the_outcomes_report_command_writes_the_csv(world, contract_year, tmp_path):
    contract, year = contract_year
    out = tmp_path / "report.csv"
    call_command("outcomes_report", contract=contract.reference, year=year.start_date.year, out=str(out))
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[1][1] == "health_assessment" and rows[1][4] == "[c]"  # 1 of 2, as the download


def test_the_per_child_matrix_shows_each_childs_status(world, client, contract_year):
    contract, year = contract_year
    url = reverse("contract_children", args=[contract.pk])
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    body = client.get(url, {"year": year.pk}).content.decode()
    r1 = body.split("R1</th>")[1].split("</tr>")[0]
    r2 = body.split("R2</th>")[1].split("</tr>")[0]
    assert "Met" in r1 and "Not met" not in r1
    assert "Not met" in r2
    assert "Test Reported1" in body  # the practice sees names
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    body = client.get(url, {"year": year.pk}).content.decode()
    assert "R1</th>" in body and "Test Reported1" not in body  # the authority sees its own identifiers


def test_a_contract_year_can_select_37_measures_with_age_bands(world, contract_year):
    from casework.outcomes.indicators import INDICATORS

    contract, year = contract_year
    for indicator in INDICATORS:
        services.contract_measure_set(actor=None, contract_year=year, indicator=indicator, target=Decimal("50"))
    banded = ["health_assessment", "dental_check", "immunisations", "placement_stability_3plus", "sdq_returned"]
    bands = ["0-4", "5-10", "11-15"]
    pairs = [(i, b) for i in banded for b in bands][: 37 - len(INDICATORS)]
    for indicator, band in pairs:
        services.contract_measure_set(
            actor=None, contract_year=year, indicator=indicator, target=Decimal("80"), age_band=band
        )
    assert year.measures.count() >= 37
    report = contract_report(contract=contract, year=year)
    assert len(report.rows) == year.measures.count()
    by_key = {(r.measure.indicator, r.measure.age_band): r for r in report.rows}
    # both children are 10 at the year's end: in the 5-10 band, none under 5
    assert by_key[("health_assessment", "5-10")].value == 50.0
    assert by_key[("health_assessment", "0-4")].value is None
    assert by_key[("health_assessment", "0-4")].rag == "grey"
    assert "(5 to 10)" in by_key[("health_assessment", "5-10")].indicator.title
