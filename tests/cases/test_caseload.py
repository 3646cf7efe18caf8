"""Weighted caseloads per worker and per team, and who may see which."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from casework.accounts.models import Role
from casework.cases import selectors, services
from casework.core.codes import ServiceType
from casework.organisations import services as org_services
from tests.conftest import TODAY, add_person, make_user, make_worker


@pytest.mark.django_db
def test_weighted_caseload_per_fte_worked_by_hand(world):
    a, manager = world.a, world.a.users[Role.PRACTICE_MANAGER]
    org_services.case_weight_set(
        actor=manager, organisation=a.org, service_type=ServiceType.CHILD_IN_NEED, weight="0.5"
    )
    half_time = make_worker(None, a.org, a.team, fte="0.50")
    cases = []
    for i, service in enumerate(
        [
            ServiceType.LOOKED_AFTER_CHILD,
            ServiceType.LOOKED_AFTER_CHILD,
            ServiceType.CHILD_IN_NEED,
            ServiceType.SAFEGUARDING_ENQUIRY,
        ]
    ):
        _, case = add_person(
            a,
            world.commissioner,
            given=f"Child{i}",
            family=f"Family{i}",
            dob=date(2014, 1, i + 1),
            service=service,
            worker=half_time,
        )
        cases.append(case)
    # 1.00 + 1.00 + 0.50 (practice's own CIN weight) + 1.50 (default safeguarding weight) = 4.00
    row = selectors.worker_caseload(actor=manager, worker=half_time)
    assert row.figures.open_cases == 4
    assert row.figures.weighted == Decimal("4.00")
    assert row.figures.per_fte == Decimal("8.0")  # 4.00 / 0.5
    assert row.registered == 4  # named worker for the four children too
    assert not row.figures.over_threshold  # threshold 15 per FTE: 7.5 weighted allowed at 0.5 FTE

    services.case_close(actor=manager, case=cases[3], closed_on=TODAY, close_reason="outcomes_met")
    row = selectors.worker_caseload(actor=manager, worker=half_time)
    assert (row.figures.open_cases, row.figures.weighted) == (3, Decimal("2.50"))

    a.org.caseload_threshold_per_fte = Decimal("4.00")
    a.org.save()
    manager.organisation.refresh_from_db()
    row = selectors.worker_caseload(actor=manager, worker=half_time)
    assert row.figures.over_threshold  # 2.50 > 4.00 * 0.5


@pytest.mark.django_db
def test_team_managers_see_their_team_and_practice_managers_every_team(world):
    a = world.a
    second_team = org_services.team_create(actor=None, organisation=a.org, name="Adults", function="complex")
    make_worker(None, a.org, second_team)
    team_manager = a.users[Role.TEAM_MANAGER]  # manages the looked-after children team
    seen = {t.team.name for t in selectors.team_caseloads(actor=team_manager)}
    assert seen == {a.team.name}
    seen = {t.team.name for t in selectors.team_caseloads(actor=a.users[Role.PRACTICE_MANAGER])}
    assert seen == {a.team.name, "Adults"}
    with pytest.raises(PermissionDenied):
        selectors.team_caseloads(actor=a.users[Role.PRACTITIONER])
    # a team manager asking for another team's page gets nothing (404 at the view)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.team_get(actor=team_manager, team_id=second_team.pk)
    other_manager_worker = make_worker(None, a.org, second_team, job_role="team_manager")
    other_manager = make_user(a.org, Role.TEAM_MANAGER, "a-adults-manager", other_manager_worker)
    assert {t.team.name for t in selectors.team_caseloads(actor=other_manager)} == {"Adults"}


@pytest.mark.django_db
def test_team_figures_add_up_their_workers(world):
    # the team's totals (counted from the indexes) and its workers' rows (one page: all three here)
    teams, page, _ = selectors.team_caseloads_page(actor=world.a.users[Role.PRACTICE_MANAGER], page_number=1)
    (team,) = teams
    assert team.worker_count == len(team.workers) == len(page.object_list)
    assert team.figures.open_cases == sum(w.figures.open_cases for w in team.workers) == 2
    assert team.figures.fte == sum(w.worker.fte for w in team.workers)
