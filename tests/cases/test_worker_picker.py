"""Allocating a case: each worker offered with their team and weighted caseload against the
threshold, and a warning to confirm before allocating someone over it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.cases.models import Allocation
from casework.cases.rules import CaseloadFigures
from casework.organisations import services as org_services
from tests.conftest import TODAY, add_person, make_worker


def _figures(weighted, fte="1", threshold="20"):
    return CaseloadFigures(
        open_cases=0, weighted=Decimal(weighted), fte=Decimal(fte), threshold_per_fte=Decimal(threshold)
    )


def test_the_picker_label_and_the_threshold_worked_by_hand():
    assert _figures("18.50").picker_label("Sam Jones", "Leaving care") == (
        "Sam Jones (Leaving care) - weighted caseload 18.5 of 20"
    )
    half_time = _figures("7", fte="0.5")
    assert half_time.picker_label("Ann Lee", "no team") == "Ann Lee (no team) - weighted caseload 7 of 10"
    assert not _figures("18.50").over_with(Decimal("1.5"))  # exactly 20: at the threshold, not over
    assert _figures("18.50").over_with(Decimal("1.6"))
    assert _figures("7", fte="0.5").over_with(Decimal("3.5"))


def _allocate(client, case, worker, **extra):
    return client.post(
        reverse("case_allocate", args=[case.pk]),
        {
            "worker": worker.pk,
            "start_date_0": TODAY.day,
            "start_date_1": TODAY.month,
            "start_date_2": TODAY.year,
            "change_reason": "MANAGE",
            **extra,
        },
    )


@pytest.mark.django_db
def test_each_worker_is_offered_with_team_and_weighted_caseload_against_the_threshold(world, client):
    a = world.a
    client.force_login(a.users[Role.TEAM_MANAGER])
    page = client.get(reverse("case_allocate", args=[a.cases[0].pk])).content.decode()
    # a.workers[0] holds both of A's looked-after cases (weight 1 each); the threshold is 15 per FTE
    assert f"{a.workers[0]} (Looked-after children) - weighted caseload 2 of 15</option>" in page
    assert f"{a.workers[1]} (Looked-after children) - weighted caseload 0 of 15</option>" in page
    opening = client.get(reverse("case_open", args=[a.people[0].pk])).content.decode()
    assert f"{a.workers[0]} (Looked-after children) - weighted caseload 2 of 15</option>" in opening


@pytest.mark.django_db
def test_allocating_over_the_threshold_warns_and_asks_to_confirm(world, client):
    a = world.a
    # each looked-after case weighs 7.5 here, so a.workers[0]'s two cases make 15 of 15
    org_services.case_weight_set(actor=None, organisation=a.org, service_type="lac", weight=Decimal("7.5"))
    _, case = add_person(a, world.commissioner, given="Zara", family="Ahmed", worker=a.workers[1])
    client.force_login(a.users[Role.TEAM_MANAGER])

    warned = _allocate(client, case, a.workers[0])
    body = warned.content.decode()
    assert warned.status_code == 200
    assert (
        f"{a.workers[0]} would go over the caseload threshold: weighted caseload 15 of 15 now, 22.5 with this case"
    ) in body
    assert "govuk-warning-text" in body and 'name="confirm_over_threshold"' in body
    assert "govuk-error-summary" not in body  # a warning to confirm, not a refusal
    assert case.allocations.get(end_date=None).worker == a.workers[1]

    confirmed = _allocate(client, case, a.workers[0], confirm_over_threshold="on")
    assert confirmed.status_code == 302
    assert case.allocations.get(end_date=None).worker == a.workers[0]

    # under the threshold: no warning, allocated at once
    _, other = add_person(a, world.commissioner, given="Yusuf", family="Ali", worker=a.workers[0])
    assert _allocate(client, other, a.workers[1]).status_code == 302


@pytest.mark.django_db
def test_the_allocation_page_costs_the_same_with_3_and_15_workers(world, client):
    a = world.a
    client.force_login(a.users[Role.TEAM_MANAGER])
    url = reverse("case_allocate", args=[a.cases[0].pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = queries()
    for n in range(12):
        worker = make_worker(None, a.org, a.team)
        add_person(a, world.commissioner, given=f"Kid{n}", family="Picker", worker=worker)
    assert Allocation.objects.filter(case__organisation=a.org).count() >= 14
    assert queries() == small
