"""The contract monitoring report through the API: the page's figures, with counts under 5 (and
what would give one back) withheld for everyone exactly where the page and the CSV show '[c]'."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.contracts import services
from casework.contracts.models import Contract
from tests.api.conftest import assert_error, token_client
from tests.conftest import TODAY
from tests.contracts.builders import children_in_care

pytestmark = pytest.mark.django_db


def _contract_year(world, assessed: list[bool]):
    """The last complete contract year, with one child in care all of it (and a year before) for
    each entry of ``assessed``; as many as say True had a health assessment in the year."""
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    children_in_care(world, year, [(len(assessed), 10, sum(assessed), 0)])
    measure = services.contract_measure_set(
        actor=None,
        contract_year=year,
        indicator="health_assessment",
        target=Decimal("90"),
        payment_rule="threshold",
        payment_basis="per_child",
        amount_at_stake=Decimal("400"),
    )
    return contract, year, measure


def test_the_practice_and_the_commissioner_see_the_same_figures_withheld(world, api, commissioner_api):
    contract, year, measure = _contract_year(world, [True, False])
    url = f"/api/contracts/{contract.pk}/report/?year={year.pk}"

    practice = api.get(url).json()
    assert practice["year"] == {"id": year.pk, "start_date": str(year.start_date), "end_date": str(year.end_date)}
    assert (practice["period_end"], practice["quarter"]) == (str(year.end_date), None)
    # 1 of 2 children: every figure that would give a count under 5 is withheld, for both parties
    # (the page and the CSV show '[c]' in the same places: tests/contracts/test_small_counts.py)
    assert (practice["children"], practice["children_suppressed"]) == (None, True)
    (row,) = practice["rows"]
    assert (row["measure"], row["indicator"], row["unit"], row["direction"]) == (
        measure.pk,
        "health_assessment",
        "percent",
        "higher",
    )
    assert (row["numerator"], row["numerator_suppressed"], row["denominator"], row["denominator_suppressed"]) == (
        None,
        True,
        None,
        True,
    )
    assert (row["suppressed"], row["value"], row["interval_low"], row["interval_high"], row["rag"]) == (
        True,
        None,
        None,
        None,
        None,
    )
    # the money shows (the contract's bill), but not what turns it back into a count
    assert (row["target"], row["earned"]) == ("90.00", "400.00")
    assert "for each of" not in row["workings"] and row["workings"].startswith("[c]")
    assert (practice["total_earned"], practice["total_at_stake"], practice["total_at_stake_suppressed"]) == (
        "400.00",
        None,
        True,
    )
    assert all(p["value"] is None for p in row["trend"])
    (itself,) = [p for p in row["trend"] if p["year"] == f"{year.start_date:%Y}/{year.end_date:%y}"]
    assert itself["suppressed"] is True

    assert commissioner_api.get(url).json() == practice

    exports = AuditEvent.objects.filter(action="export", object_type="contracts.contract", object_id=str(contract.pk))
    assert [e.detail for e in exports.order_by("pk")] == [{"year": str(year.start_date), "format": "api"}] * 2


def test_counts_of_5_or_more_are_not_suppressed(world, commissioner_api):
    contract, year, _ = _contract_year(world, [True] * 5 + [False])
    body = commissioner_api.get(f"/api/contracts/{contract.pk}/report/?year={year.pk}").json()
    (row,) = body["rows"]
    assert (row["numerator"], row["denominator"], row["numerator_suppressed"], row["suppressed"]) == (
        5.0,
        6,
        False,
        False,
    )
    assert row["value"] == pytest.approx(100 * 5 / 6)
    # Wilson score interval for 5 of 6 at 95%: 0.4365 to 0.9700
    assert (row["interval_low"], row["interval_high"]) == (
        pytest.approx(43.65, abs=0.01),
        pytest.approx(97.00, abs=0.01),
    )
    assert (row["rag"], row["earned"], row["workings"]) == (
        "amber",
        "2000.00",
        "£400.00 for each of 5 children who met the measure = £2,000.00",
    )
    assert (body["children"], body["children_suppressed"]) == (6, False)
    assert (body["total_at_stake"], body["total_at_stake_suppressed"]) == ("400.00", False)


def test_a_quarter_reports_the_year_to_its_end(world, api):
    contract, year, _ = _contract_year(world, [True, False])
    body = api.get(f"/api/contracts/{contract.pk}/report/?year={year.pk}&quarter=2").json()
    assert body["quarter"] == 2
    assert body["period_end"] == str(year.start_date + relativedelta(months=6) - timedelta(days=1))


def test_without_a_year_the_report_is_for_the_year_running_today(world, api):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    running = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    assert api.get(f"/api/contracts/{contract.pk}/report/").json()["year"]["id"] == running.pk


def test_bad_years_and_quarters_are_refused(world, api, b_api):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    b_year = Contract.objects.get(practice=world.b.org).years.first()
    url = f"/api/contracts/{contract.pk}/report/"
    assert_error(api.get(f"{url}?year={b_year.pk}"), 404, "not_found")  # another contract's year
    error = assert_error(api.get(f"{url}?quarter=5"), 400, "invalid")
    assert error["fields"] == {"quarter": ["Give one of: 1, 2, 3, 4"]}
    assert_error(b_api.get(url), 404, "not_found")
    practitioner = token_client(world.a.users[Role.PRACTITIONER])
    assert_error(practitioner.get(url), 404, "not_found")  # contracts are outside a practitioner's scope


def test_a_value_json_cannot_carry_is_null():
    from casework.api.reports import _finite

    assert _finite(float("nan")) is None and _finite(float("inf")) is None and _finite(None) is None
    assert _finite(Decimal("12.5")) == 12.5
