"""Settled contract-year results and this year's cached figures (issue 14): an ended year's figures
are stored on first view and stand when records change later (the page says so); this year's are
worked out again when the data change; recalculating is the commissioner's explicit, audited action
that keeps the earlier figures; the report page costs the same whatever the number of earlier years."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.contracts import services
from casework.contracts.models import Contract, ContractYearResult, DelegatedFunction
from casework.contracts.reporting import contract_report
from casework.jobs.models import Job
from casework.looked_after.models import HealthCheck, LookedAfterChild
from tests.conftest import TODAY
from tests.contracts.builders import children_in_care
from tests.jobs.running import run_queued_jobs

pytestmark = pytest.mark.django_db


def _measure(year, indicator="health_assessment"):
    # an ended year's terms are the system's to load (a commissioner cannot change them on a page)
    return services.contract_measure_set(
        actor=None, contract_year=year, indicator=indicator, target=Decimal("90"), payment_rule=""
    )


def _ended_year(world, assessed: int = 5, of: int = 6):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.filter(end_date__lt=TODAY).order_by("-start_date").first()
    children_in_care(world, year, [(of, 10, assessed, 0)])
    _measure(year)
    return contract, year


def _figures(report):
    (row,) = report.rows
    return row.numerator, row.denominator


def test_an_ended_year_is_settled_on_first_view_and_stands_when_records_change(world, client):
    contract, year = _ended_year(world)
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    client.force_login(officer)
    url = reverse("contract_report", args=[contract.pk])
    # the first view works nothing out: a job does, its progress on the page, which refreshes itself
    page = client.get(url, {"year": year.pk}).content.decode()
    assert "Working out the figures: 0%" in page and 'http-equiv="refresh"' in page
    assert not ContractYearResult.objects.exists()
    client.get(url, {"year": year.pk})  # a second look while it waits starts no second job
    assert Job.objects.filter(kind="contract_report").count() == 1
    run_queued_jobs()
    assert Job.objects.get(kind="contract_report").status == "done"
    page = client.get(url, {"year": year.pk}).content.decode()
    assert "Figures from data as at" in page and "Settled: these are the figures" in page
    assert 'http-equiv="refresh"' not in page
    assert 'id="data-changed"' not in page
    settled = ContractYearResult.objects.get(contract_year=year, quarter=0, settled=True)
    assert settled.data_version and settled.computed_by == officer
    assert _figures(contract_report(contract=contract, year=year)) == (5, 6)

    # a health assessment recorded late for the sixth child: the settled figures stand
    child = LookedAfterChild.objects.get(child_id="R6")
    HealthCheck.objects.create(
        organisation=world.a.org, child=child, kind="health_assessment", check_date=year.end_date - timedelta(days=9)
    )
    report = contract_report(contract=contract, year=year)
    assert _figures(report) == (5, 6) and report.data_changed
    assert ContractYearResult.objects.filter(contract_year=year, quarter=0).count() == 1
    page = client.get(url, {"year": year.pk}).content.decode()
    assert 'id="data-changed"' in page and "Recalculate these figures" in page
    # the CSV reads the same stored figures
    csv = client.get(url, {"year": year.pk, "format": "csv"}).content.decode()
    assert ",5,6," in csv


def test_this_years_page_works_out_changed_figures_in_a_job_showing_the_last_ones_meanwhile(world, client):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    _measure(year)
    children_in_care(world, year, [(6, 10, 0, 0)])
    contract_report(contract=contract, year=year)  # every year worked out and stored
    for child in LookedAfterChild.objects.filter(child_id__in=["R1", "R2", "R3", "R4", "R5"]):
        HealthCheck.objects.create(organisation=world.a.org, child=child, kind="health_assessment", check_date=TODAY)
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    url = reverse("contract_report", args=[contract.pk])
    page = client.get(url).content.decode()
    assert "Working out this year's figures: 0%" in page and "the figures last worked out" in page
    assert "0 / 6" in page  # the last figures, shown while the job runs
    run_queued_jobs()
    page = client.get(url).content.decode()
    assert "5 / 6" in page and "Working out" not in page


def test_this_years_figures_are_cached_until_the_data_change(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    year = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    _measure(year)
    children_in_care(world, year, [(6, 10, 0, 0)])
    first = contract_report(contract=contract, year=year)
    assert not first.result.settled and first.rows[0].numerator == 0
    with CaptureQueriesContext(connection) as cached:
        again = contract_report(contract=contract, year=year)
    assert again.result.pk == first.result.pk  # read, not worked out again
    assert len(cached.captured_queries) <= 4

    child = LookedAfterChild.objects.get(child_id="R1")
    HealthCheck.objects.create(organisation=world.a.org, child=child, kind="health_assessment", check_date=TODAY)
    changed = contract_report(contract=contract, year=year)
    assert changed.rows[0].numerator == 1 and changed.result.data_version != first.result.data_version
    assert ContractYearResult.objects.filter(contract_year=year, settled=False).count() == 1


def test_recalculating_is_audited_and_keeps_the_earlier_figures(world, client):
    contract, year = _ended_year(world)
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    contract_report(contract=contract, year=year, actor=officer)
    child = LookedAfterChild.objects.get(child_id="R6")
    HealthCheck.objects.create(
        organisation=world.a.org, child=child, kind="health_assessment", check_date=year.end_date - timedelta(days=9)
    )
    client.force_login(officer)
    url = reverse("contract_year_recalculate", args=[contract.pk, year.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"quarter": "0"}, follow=True)
    page = response.content.decode()
    assert "Figures recalculated: figures changed for 1 measure" in page
    assert "Settled: recalculated on" in page and "Earlier figures for this period" in page
    first, second = ContractYearResult.objects.filter(contract_year=year, quarter=0).order_by("pk")
    assert second.recalculates == first and second.changed == ["Annual health assessment"]
    assert _figures(contract_report(contract=contract, year=year)) == (6, 6)
    assert first.rows[0]["figures"]["numerator"] == 5  # kept as it was
    event = AuditEvent.objects.get(object_type="contracts.contractyearresult", object_id=str(second.pk))
    assert (event.action, event.actor_id) == ("create", officer.pk)
    assert event.detail["measures_changed"] == 1 and event.detail["recalculates"] == first.pk

    # the practice's manager reads the report but may not recalculate; a year still running is refused
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    assert client.post(url, {"quarter": "0"}).status_code == 403
    running = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    client.force_login(officer)
    refused = client.post(reverse("contract_year_recalculate", args=[contract.pk, running.pk]), {"quarter": "0"})
    assert "The contract year is still running" in refused.content.decode()


def test_another_authoritys_officer_gets_404(world, client):
    contract, year = _ended_year(world, 1, 2)
    client.force_login(world.other_commissioner_users[Role.COMMISSIONER_OFFICER])
    for url in (
        reverse("contract_year_recalculate", args=[contract.pk, year.pk]),
        reverse("contract_report", args=[contract.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"quarter": "0"}).status_code == 404
    assert not ContractYearResult.objects.exists()


def _contract_with_years(world, reference: str, started: int) -> tuple[Contract, object]:
    contract = services.contract_let_for_years(
        commissioner=world.commissioner,
        practice=world.a.org,
        reference=reference,
        title="Looked-after children",
        functions=[DelegatedFunction.LOOKED_AFTER_CASE_HOLDING],
        cohort="Children the authority refers",
        start_date=TODAY - timedelta(days=365 * (started - 1) + 100),
        until=TODAY,
        price_model="block",
        price=Decimal("1000"),
        caseload_cap_per_fte=Decimal("18"),
    )
    years = list(contract.years.order_by("start_date"))
    for year in years:
        _measure(year)
        _measure(year, "dental_check")
    return contract, years[-2]


def test_the_report_page_costs_the_same_with_2_and_6_earlier_years(world, client):
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    counts = []
    for reference, started in (("FEW-1", 3), ("MANY-1", 7)):
        contract, year = _contract_with_years(world, reference, started)
        url = reverse("contract_report", args=[contract.pk])
        assert client.get(url, {"year": year.pk}).status_code == 200  # starts the job settling the years
        run_queued_jobs()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, {"year": year.pk})
        assert page.status_code == 200
        assert page.content.decode().count("<title>") == 1
        counts.append(len(queries.captured_queries))
        assert max(len(r.trend) for r in page.context["report"].rows) == started
    assert counts[0] == counts[1], counts


def test_a_year_that_has_not_started_shows_no_figures_and_works_nothing_out(world, client):
    from casework.contracts.models import ContractYear

    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    current = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    _measure(current)
    children_in_care(world, current, [(6, 10, 0, 0)])
    future = contract.years.filter(start_date__gt=TODAY).first() or ContractYear.objects.create(
        contract=contract,
        start_date=current.end_date + timedelta(days=1),
        end_date=current.end_date + timedelta(days=365),
        price_model=current.price_model,
        price=current.price,
        caseload_cap_per_fte=current.caseload_cap_per_fte,
    )
    _measure(future)
    client.force_login(world.a.users[Role.PRACTICE_MANAGER])
    page = client.get(reverse("contract_report", args=[contract.pk]), {"year": future.pk}).content.decode()
    assert 'id="not-started"' in page and "There are no figures until it starts" in page
    assert "still running" not in page and "Working out" not in page
    assert not Job.objects.exists()  # nothing queued for a year with nothing in it


def test_the_recalculation_page_offers_the_quarter_asked_for_and_the_whole_year_for_anything_else(world, client):
    contract, year = _ended_year(world)
    client.force_login(world.commissioner_users[Role.COMMISSIONER_OFFICER])
    url = reverse("contract_year_recalculate", args=[contract.pk, year.pk])

    def checked(query: str) -> list[str]:
        page = client.get(url + query).content.decode()
        return [tag for tag in re.findall(r"<input[^>]*>", page) if "checked" in tag and 'name="quarter"' in tag]

    assert len(checked("?quarter=3")) == 1 and 'value="3"' in checked("?quarter=3")[0]
    for odd in ("?quarter=12", "?quarter=", "?quarter=x", ""):  # "12" and "" were taken as quarters before
        chosen = checked(odd)
        assert len(chosen) == 1 and 'value="0"' in chosen[0], (odd, chosen)


def _recalculated(world, client, quarter: str, assessed: int = 5, of: int = 6):
    """An ended year settled (every year worked out), a health assessment recorded late for the sixth
    child, then the commissioner recalculates ``quarter``: the page the recalculation leads to."""
    contract, year = _ended_year(world, assessed, of)
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    contract_report(contract=contract, year=year, actor=officer)
    if quarter != "0":
        contract_report(contract=contract, year=year, quarter=int(quarter), actor=officer)
    child = LookedAfterChild.objects.get(child_id=f"R{of}")
    HealthCheck.objects.create(
        organisation=world.a.org, child=child, kind="health_assessment", check_date=year.start_date + timedelta(days=20)
    )
    client.force_login(officer)
    url = reverse("contract_year_recalculate", args=[contract.pk, year.pk])
    return contract, year, client.post(url, {"quarter": quarter}, follow=True)


def test_a_recalculation_shows_each_changed_figure_before_and_now(world, client):
    contract, year, response = _recalculated(world, client, "0")
    page = response.content.decode()
    table = re.search(r'<table class="govuk-table" id="what-changed">.*?</table>', page, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", table, re.S)]
    assert cells[-3:] == ["Annual health assessment", "83.3% (5 / 6)", "100.0% (6 / 6)"]
    first, second = ContractYearResult.objects.filter(contract_year=year, quarter=0).order_by("pk")
    assert second.recalculates == first and first.rows[0]["figures"]["numerator"] == 5  # the earlier one is kept
    # the report read for a download or a printout has the same changes
    report = contract_report(contract=contract, year=year)
    (change,) = report.changes
    assert (change.before, change.after) == ("83.3% (5 / 6)", "100.0% (6 / 6)")


def test_a_changed_figure_resting_on_a_small_count_is_withheld_before_and_now(world, client):
    contract, year, response = _recalculated(world, client, "0", assessed=2, of=4)
    (change,) = contract_report(contract=contract, year=year).changes
    assert (change.measure, change.before, change.after) == ("Annual health assessment", "[c]", "[c]")
    assert "50.0%" not in response.content.decode() and "75.0%" not in response.content.decode()


def test_a_settled_years_page_after_a_quarters_recalculation_works_nothing_out(world, client):
    contract, year, response = _recalculated(world, client, "1")
    assert response.redirect_chain[-1][0].endswith(f"?year={year.pk}&quarter=1")
    url = reverse("contract_report", args=[contract.pk])
    for page in (response, client.get(url, {"year": year.pk})):
        body = page.content.decode()
        assert "Settled:" in body and "Working out" not in body and 'http-equiv="refresh"' not in body
    assert not Job.objects.exists()
    # this year's own page still works its changed figures out again
    running = contract.years.get(start_date__lte=TODAY, end_date__gte=TODAY)
    assert "Working out this year's figures" in client.get(url, {"year": running.pk}).content.decode()
