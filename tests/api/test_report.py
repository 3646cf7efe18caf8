"""The contract monitoring report through the API: the page's figures, with counts under 5
withheld from the commissioner exactly where the CSV download shows '[c]'."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services as case_services
from casework.contracts import services
from casework.contracts.models import Contract
from casework.core.codes import ServiceType
from casework.looked_after.models import Episode, HealthCheck, LookedAfterChild
from tests.api.conftest import assert_error, token_client
from tests.conftest import TODAY, add_person

pytestmark = pytest.mark.django_db


def _contract_year(world, assessed: list[bool]):
    """The last complete contract year, with one child in care all of it (and a year before) for
    each entry of ``assessed``, which says whether they had a health assessment in the year."""
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    manager = world.a.users[Role.TEAM_MANAGER]
    for n, had_assessment in enumerate(assessed):
        person, _ = add_person(
            world.a,
            world.commissioner,
            given="Test",
            family=f"Reported{n}",
            dob=year.end_date.replace(year=year.end_date.year - 10),
            service=None,
            registered_on=year.start_date - timedelta(days=400),
        )
        case_services.case_open(
            actor=manager,
            person=person,
            service_type=ServiceType.LOOKED_AFTER_CHILD,
            commissioner=world.commissioner,
            opened_on=year.start_date - timedelta(days=380),
            open_reason="Looked after",
            worker=world.a.workers[0],
        )
        child = LookedAfterChild.objects.create(
            organisation=world.a.org, person=person, commissioner=world.commissioner, child_id=f"R{n}"
        )
        Episode.objects.create(
            organisation=world.a.org,
            child=child,
            start_date=year.start_date - timedelta(days=370),
            reason_new_episode="S",
            legal_status="C2",
            category_of_need="N1",
            placement_type="U6",
            placement_provider="PR4",
            placement_postcode="LS6 2AA",
            urn="SC123456",
            home_postcode="LS2 7UE",
        )
        if had_assessment:
            HealthCheck.objects.create(
                organisation=world.a.org,
                child=child,
                kind="health_assessment",
                check_date=year.end_date - timedelta(days=100),
            )
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


def test_the_practice_sees_the_counts_and_the_commissioner_sees_them_suppressed(world, api, commissioner_api):
    contract, year, measure = _contract_year(world, [True, False])
    url = f"/api/contracts/{contract.pk}/report/?year={year.pk}"

    practice = api.get(url).json()
    assert practice["year"] == {"id": year.pk, "start_date": str(year.start_date), "end_date": str(year.end_date)}
    assert (practice["period_end"], practice["quarter"]) == (str(year.end_date), None)
    assert (practice["children"], practice["children_suppressed"]) == (2, False)
    (row,) = practice["rows"]
    assert (row["measure"], row["indicator"], row["unit"], row["direction"]) == (
        measure.pk,
        "health_assessment",
        "percent",
        "higher",
    )
    assert (row["numerator"], row["numerator_suppressed"], row["denominator"], row["denominator_suppressed"]) == (
        1.0,
        False,
        2,
        False,
    )
    assert row["value"] == 50.0
    # Wilson score interval for 1 of 2 at 95%: 0.0945 to 0.9055
    assert row["interval_low"] == pytest.approx(9.45, abs=0.01)
    assert row["interval_high"] == pytest.approx(90.55, abs=0.01)
    assert (row["target"], row["rag"], row["earned"]) == ("90.00", "red", "400.00")  # one child met it: 1 x 400
    assert practice["total_earned"] == "400.00"

    authority = commissioner_api.get(url).json()
    (suppressed,) = authority["rows"]
    assert (authority["children"], authority["children_suppressed"]) == (None, True)
    assert (suppressed["numerator"], suppressed["numerator_suppressed"]) == (None, True)
    assert (suppressed["denominator"], suppressed["denominator_suppressed"]) == (None, True)
    assert suppressed["value"] == 50.0  # the percentage stays, as in the CSV
    assert suppressed["earned"] == "400.00"  # both parties see the same payment

    exports = AuditEvent.objects.filter(action="export", object_type="contracts.contract", object_id=str(contract.pk))
    assert [e.detail for e in exports.order_by("pk")] == [{"year": str(year.start_date), "format": "api"}] * 2


def test_counts_of_5_or_more_are_not_suppressed(world, commissioner_api):
    contract, year, _ = _contract_year(world, [True] * 5 + [False])
    body = commissioner_api.get(f"/api/contracts/{contract.pk}/report/?year={year.pk}").json()
    (row,) = body["rows"]
    assert (row["numerator"], row["denominator"], row["numerator_suppressed"]) == (5.0, 6, False)
    assert row["value"] == pytest.approx(100 * 5 / 6)
    assert (body["children"], body["children_suppressed"]) == (6, False)


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
