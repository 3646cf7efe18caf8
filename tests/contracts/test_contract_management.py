"""A commissioner officer lets, changes and renews contracts and chooses each year's measures on
the pages; bad input is a message on the form and writes nothing; the practice reads, never changes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.contracts import services
from casework.contracts.models import Contract, ContractYear
from casework.contracts.reporting import contract_report
from tests.conftest import TODAY, add_person, make_worker


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _letting(world, **overrides) -> dict:
    start = date(TODAY.year, 4, 1)
    data = {
        "practice": str(world.a.org.pk),
        "reference": "TBC-LAC-2027",
        "title": "Case holding for children looked after in the north",
        "functions": ["lac", "care_leaver"],
        "cohort": "Children looked after by the council and living in the north of the borough",
        **_date("start_date", start),
        **_date("first_year_end", date(start.year + 1, 3, 31)),
        "price_model": "block",
        "price": "1250000.00",
        "caseload_cap_per_fte": "16",
    }
    data.update(overrides)
    return data


@pytest.fixture
def officer(world, client):
    user = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    client.force_login(user)
    return user


def test_a_commissioner_officer_lets_a_contract_with_its_first_year(world, client, officer):
    response = client.post(reverse("contract_let"), _letting(world))
    contract = Contract.objects.get(reference="TBC-LAC-2027")
    assert response.status_code == 302 and response["Location"] == reverse("contract_detail", args=[contract.pk])
    assert (contract.commissioner, contract.practice) == (world.commissioner, world.a.org)
    assert contract.functions == ["care_leaver", "lac"]
    year = contract.years.get()
    assert (year.start_date, year.end_date) == (date(TODAY.year, 4, 1), date(TODAY.year + 1, 3, 31))
    assert (year.price_model, year.price, year.caseload_cap_per_fte) == ("block", Decimal("1250000"), Decimal("16"))
    page = client.get(response["Location"]).content.decode()
    assert "Case holding for care leavers" in page and "Contract added" in page and "Contract year from" in page
    # the practice's manager sees it and its history, with no way to change it
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    page = client.get(response["Location"]).content.decode()
    assert "Contract added" in page and reverse("contract_change", args=[contract.pk]) not in page
    assert client.post(reverse("contract_change", args=[contract.pk]), {"title": "x"}).status_code == 403
    assert client.get(reverse("contract_let")).status_code == 403


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"functions": []}, "functions", "Choose the functions the contract delegates"),
        ({"reference": "A-E08000035-001"}, "reference", "Reference is already used"),
        (_date("first_year_end", date(2020, 1, 1)), "first_year_end", "ends after the contract starts"),
        ({"price": "-5"}, "price", "Price must be 0 or more"),
        ({"caseload_cap_per_fte": "0"}, "caseload_cap_per_fte", "must be 0.01 or more"),
        ({"start_date_1": "13"}, "start_date", ""),
        ({"practice": "999999"}, "practice", "Choose the practice from the list"),
    ],
)
def test_letting_refuses_bad_input_on_the_field_and_writes_nothing(world, client, officer, overrides, field, message):
    contracts, years = Contract.objects.count(), ContractYear.objects.count()
    response = client.post(reverse("contract_let"), _letting(world, **overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and f'href="#id_{field}' in page
    assert message in page.replace("&#x27;", "'")
    assert (Contract.objects.count(), ContractYear.objects.count()) == (contracts, years)


def test_a_practice_the_authority_does_not_commission_cannot_be_chosen(world, client, officer):
    response = client.post(reverse("contract_let"), _letting(world, practice=str(world.b.org.pk)))
    assert "Choose the practice from the list" in response.content.decode()
    assert not Contract.objects.filter(reference="TBC-LAC-2027").exists()


def test_changing_the_contract_is_kept_in_its_change_history_field_by_field(world, client, officer):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    old_title = contract.title
    data = {"title": "Social work for children", "functions": ["lac"], "cohort": contract.cohort}
    response = client.post(reverse("contract_change", args=[contract.pk]), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.functions) == ("Social work for children", ["lac"])
    page = client.get(reverse("contract_detail", args=[contract.pk])).content.decode()
    assert f"{old_title} to Social work for children" in page
    assert "Contract changed" in page and officer.username in page
    # ending it before the last contract year ends is refused on the field
    last = contract.years.order_by("-end_date").first()
    data.update(_date("end_date", last.end_date - timedelta(days=10)))
    page = client.post(reverse("contract_change", args=[contract.pk]), data).content.decode()
    assert "cannot end before it" in page
    contract.refresh_from_db()
    assert contract.end_date is None


def test_renewal_on_the_page_follows_on_with_its_own_terms_and_carries_the_measures(world, client, officer):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    last = contract.years.order_by("-start_date").first()
    services.contract_measure_set(
        actor=officer, contract_year=last, indicator="health_assessment", target=Decimal("90"),
        payment_rule="threshold", payment_basis="cohort", amount_at_stake=Decimal("5000"),
    )  # fmt: skip
    services.contract_measure_set(actor=officer, contract_year=last, indicator="reviews_on_time", target=Decimal("95"))
    new_end = last.end_date + timedelta(days=365)
    data = {**_date("end_date", new_end), "price_model": "per_case", "price": "9000", "caseload_cap_per_fte": "15"}
    data["carry_measures"] = "on"
    assert client.post(reverse("contract_renew", args=[contract.pk]), data).status_code == 302
    renewal = contract.years.order_by("-start_date").first()
    assert renewal.start_date == last.end_date + timedelta(days=1) and renewal.end_date == new_end
    assert (renewal.price_model, renewal.caseload_cap_per_fte) == ("per_case", Decimal("15"))
    carried = {m.indicator: m for m in renewal.measures.all()}
    assert set(carried) == {"health_assessment", "reviews_on_time"}
    assert carried["health_assessment"].amount_at_stake == Decimal("5000")
    # the earlier year keeps its terms
    last.refresh_from_db()
    assert last.price_model == "per_child_week"
    # a second renewal without carrying the measures starts empty; an end before its start is refused
    data.update(_date("end_date", new_end))
    page = client.post(reverse("contract_renew", args=[contract.pk]), data).content.decode()
    assert "end it after that" in page
    data.update(_date("end_date", new_end + timedelta(days=365)))
    del data["carry_measures"]
    assert client.post(reverse("contract_renew", args=[contract.pk]), data).status_code == 302
    assert not contract.years.order_by("-start_date").first().measures.exists()


def _current_year(world) -> ContractYear:
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    return contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)


def test_measures_are_added_changed_and_removed_on_the_pages(world, client, officer):
    year = _current_year(world)
    contract = year.contract
    add = reverse("contract_measure_add", args=[contract.pk, year.pk])
    data = {
        "indicator": "placement_stability_3plus",
        "age_band": "11-15",
        "target": "8",
        "payment_rule": "sliding",
        "payment_basis": "cohort",
        "amount_at_stake": "20000",
        "floor": "12",
    }
    assert client.post(add, data).status_code == 302
    measure = year.measures.get()
    assert (measure.age_band, measure.target, measure.floor) == ("11-15", Decimal("8"), Decimal("12"))
    listing = client.get(reverse("contract_measures", args=[contract.pk, year.pk])).content.decode()
    assert "3 or more placements" in listing.lower() or "three or more placements" in listing.lower()
    assert "11 to 15" in listing and "£20000.00" in listing
    # change: the indicator and age band stay what they are even if the form is tampered with
    change = reverse("contract_measure_change", args=[contract.pk, measure.pk])
    response = client.post(change, {**data, "indicator": "dental_check", "target": "7", "payment_rule": ""})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.indicator, measure.target, measure.payment_rule, measure.amount_at_stake) == (
        "placement_stability_3plus",
        Decimal("7"),
        "",
        None,
    )
    assert client.post(reverse("contract_measure_remove", args=[contract.pk, measure.pk])).status_code == 302
    assert not year.measures.exists()
    assert AuditEvent.objects.filter(action="delete", object_type="contracts.contractmeasure").count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"indicator": "health_assessment", "target": "120"}, "target", "between 0 and 100"),
        ({"indicator": "no_such_measure", "target": "10"}, "indicator", "Choose the outcome measure from the list"),
        (
            {"indicator": "health_assessment", "target": "90", "payment_rule": "sliding", "payment_basis": "cohort",
             "amount_at_stake": "100"},
            "floor",
            "needs a floor",
        ),
        (
            {"indicator": "health_assessment", "target": "90", "payment_rule": "threshold", "payment_basis": "cohort"},
            "amount_at_stake",
            "Enter the amount at stake",
        ),
        (
            {"indicator": "sdq_mean", "target": "13", "payment_rule": "threshold", "payment_basis": "per_child",
             "amount_at_stake": "100"},
            "payment_basis",
            "not decided child by child",
        ),
        (
            {"indicator": "health_assessment", "target": "90", "payment_rule": "sliding", "payment_basis": "cohort",
             "amount_at_stake": "100", "floor": "95"},
            "floor",
            "far side of the target",
        ),
    ],
)  # fmt: skip
def test_a_bad_measure_is_refused_on_its_field(world, client, officer, data, field, message):
    year = _current_year(world)
    response = client.post(reverse("contract_measure_add", args=[year.contract.pk, year.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and f'href="#id_{field}' in page
    assert message in page
    assert not year.measures.exists()


def test_the_measures_of_a_year_that_has_ended_are_settled(world, client, officer):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    ended = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    services.contract_measure_set(actor=None, contract_year=ended, indicator="dental_check", target=Decimal("80"))
    page = client.post(
        reverse("contract_measure_add", args=[contract.pk, ended.pk]), {"indicator": "immunisations", "target": "90"}
    ).content.decode()
    assert "its measures are settled" in page
    measure = ended.measures.get()
    page = client.post(reverse("contract_measure_remove", args=[contract.pk, measure.pk])).content.decode()
    assert "its measures are settled" in page
    assert list(ended.measures.values_list("indicator", flat=True)) == ["dental_check"]
    listing = client.get(reverse("contract_measures", args=[contract.pk, ended.pk])).content.decode()
    assert "Add an outcome measure" not in listing


def test_a_year_of_another_contract_is_not_found_through_this_one(world, client, officer):
    mine = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    theirs = Contract.objects.get(practice=world.b.org)
    other_year = theirs.years.first()
    assert client.get(reverse("contract_measures", args=[mine.pk, other_year.pk])).status_code == 404
    assert client.get(reverse("contract_measure_add", args=[mine.pk, other_year.pk])).status_code == 404


def test_caseload_per_fte_in_the_report_is_the_practices_cases_over_the_fte_holding_them(world):
    """A's practitioner (full time) holds the two looked-after cases of the world; a half-time
    worker is given two more: 4 cases over 1.5 FTE = 2.67 per FTE. Workers with no case, the
    team manager included, add no FTE."""
    part_timer = make_worker(None, world.a.org, world.a.team, fte="0.50")
    add_person(world.a, world.commissioner, given="Test", family="Partone", worker=part_timer)
    add_person(world.a, world.commissioner, given="Test", family="Parttwo", worker=part_timer)
    year = _current_year(world)
    services.contract_measure_set(actor=None, contract_year=year, indicator="caseload_per_fte", target=Decimal("18"))
    row = next(
        r for r in contract_report(contract=year.contract, year=year).rows if r.indicator.id == "caseload_per_fte"
    )
    assert (row.numerator, row.denominator) == (4, 1.5)
    assert round(row.value, 2) == 2.67
    assert row.rag == "green"  # lower is better: well under the cap
