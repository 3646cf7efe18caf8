"""Team caseloads at any practice size (issue 14): the workers come a page (25) at a time, the
page's counts read only its workers, and the teams' totals are counted from a partial index of
the open allocations alone (their service type copied onto them), never by loading every worker
or joining every open allocation to its case."""

import re

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.cases import selectors
from casework.cases.models import Allocation
from tests.conftest import add_person, make_worker


def _page(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), ctx.captured_queries


def _worker_rows(html: str) -> int:
    row = r'<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="/workers/'
    return len(re.findall(row, html))


@pytest.mark.django_db
def test_the_team_page_shows_25_workers_a_page_and_costs_the_same_with_3_and_30(world, client):
    a = world.a
    client.force_login(a.users[Role.PRACTICE_MANAGER])
    url = reverse("team_caseload", args=[a.team.pk])
    small_html, small = _page(client, url)
    for n in range(27):
        worker = make_worker(None, a.org, a.team)
        add_person(a, world.commissioner, given=f"Kid{n}", family="Paged", worker=worker)
    html, large = _page(client, url)
    assert len(large) == len(small)
    assert _worker_rows(small_html) == 3
    assert _worker_rows(html) == 25  # was every worker of the team (30) on one page
    assert "Page 1 of 2 (30 in all)" in html
    # the team's totals still count all 30 workers' open cases
    open_cases = Allocation.objects.filter(worker__team=a.team, end_date=None).count()
    assert f"<strong>{open_cases}</strong> open cases" in html
    second, _ = _page(client, url + "?page=2")
    assert _worker_rows(second) == 5


@pytest.mark.django_db
def test_team_totals_equal_the_sum_of_every_workers_figures(world):
    a = world.a
    for n in range(4):
        add_person(a, world.commissioner, given=f"Kid{n}", family="Totals", worker=make_worker(None, a.org, a.team))
    manager = a.users[Role.PRACTICE_MANAGER]
    (team,) = selectors.team_caseloads(actor=manager)
    every = selectors._caseload_workers(manager, None)  # each worker counted one by one
    assert team.figures.open_cases == sum(w.figures.open_cases for w in every) == 6
    assert team.figures.weighted == sum(w.figures.weighted for w in every)
    assert team.worker_count == len(every)


@pytest.mark.django_db
def test_every_allocation_carries_its_cases_service_type(world):
    """The copy the index counts from is right for every allocation the services made."""
    assert Allocation.objects.exists()
    for allocation in Allocation.objects.select_related("case"):
        assert allocation.service_type == allocation.case.service_type


@pytest.mark.django_db
def test_the_open_counts_search_the_partial_index_and_read_no_case(world):
    """On SQLite the plan is checked: the open allocations' counts are one search of the partial
    index and read no case (the join to every open case was most of the page's cost)."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read on SQLite")
    manager = world.a.users[Role.PRACTICE_MANAGER]
    with CaptureQueriesContext(connection) as ctx:
        selectors._open_counts(manager)
    (query,) = ctx.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "INDEX allocation_open_caseload" in plan and "cases_case" not in plan, plan


@pytest.mark.django_db
def test_the_seed_copies_the_cases_service_type(db):
    """The seed writes allocations in bulk, past the services."""
    from django.core.management import call_command

    call_command("seed", "--practices", "1", "--people", "60", "--seed", "3", stdout=open("/dev/null", "w"))
    mismatched = Allocation.objects.exclude(service_type=models.F("case__service_type"))
    assert Allocation.objects.count() > 10 and not mismatched.exists()
