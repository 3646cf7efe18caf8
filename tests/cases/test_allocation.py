"""Exactly one allocated worker per case at a time, with DfE reasons for each change."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from casework.accounts.models import Role
from casework.cases import rules, services
from casework.cases.models import Allocation
from casework.core.codes import ServiceType
from tests.conftest import TODAY, add_person, make_worker


@pytest.fixture
def setting(world):
    return world.a.users[Role.TEAM_MANAGER], world.a.cases[0], world.a.workers


@pytest.mark.django_db
def test_a_change_ends_the_current_allocation_on_the_new_start_date(setting):
    manager, case, workers = setting
    first = case.allocations.get()
    assert first.change_reason == "FCONTA" and first.end_date is None
    handover = case.opened_on + timedelta(days=30)
    second = services.allocation_change(
        actor=manager, case=case, worker=workers[1], start_date=handover, change_reason="LEFTRL"
    )
    first.refresh_from_db()
    assert first.end_date == handover == second.start_date
    assert list(case.allocations.filter(end_date=None)) == [second]
    # returning to the earlier worker later is a change like any other
    third = services.allocation_change(
        actor=manager, case=case, worker=workers[0], start_date=handover + timedelta(days=5), change_reason="CHCHAN"
    )
    assert case.allocations.count() == 3 and list(case.allocations.filter(end_date=None)) == [third]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, message",
    [
        ({"worker_index": 1, "days": 0, "reason": "MANAGE"}, "start_date"),  # same day as the current start
        ({"worker_index": 0, "days": 10, "reason": "MANAGE"}, "worker"),  # already allocated
        ({"worker_index": 1, "days": 10, "reason": "FCONTA"}, "change_reason"),  # FCONTA only first
        ({"worker_index": 1, "days": -5, "reason": "MANAGE"}, "start_date"),  # before the case opened
        ({"worker_index": 1, "days": 400, "reason": "MANAGE"}, "start_date"),  # in the future
    ],
)
def test_refused_changes_leave_the_allocation_alone(setting, change, message):
    manager, case, workers = setting
    with pytest.raises(ValidationError) as refused:
        services.allocation_change(
            actor=manager,
            case=case,
            worker=workers[change["worker_index"]],
            start_date=case.opened_on + timedelta(days=change["days"]),
            change_reason=change["reason"],
        )
    assert message in refused.value.message_dict
    assert case.allocations.count() == 1 and case.allocations.get().end_date is None


@pytest.mark.django_db
def test_who_can_hold_a_case(world, setting):
    manager, case, _ = setting
    other_practice_worker = world.b.workers[1]
    leaver = make_worker(None, world.a.org, world.a.team, leave_date=TODAY - timedelta(days=100))
    support = make_worker(None, world.a.org, world.a.team, job_role="business_support")
    adviser = make_worker(None, world.a.org, world.a.team, job_role="personal_adviser")
    for worker in (other_practice_worker, leaver, support, adviser):
        with pytest.raises(ValidationError) as refused:
            services.allocation_change(
                actor=manager, case=case, worker=worker, start_date=TODAY - timedelta(days=1), change_reason="MANAGE"
            )
        assert "worker" in refused.value.message_dict
    # a personal adviser may hold a care leaver's case
    _, leaver_case = add_person(
        world.a,
        world.commissioner,
        given="Kofi",
        family="Mensah",
        dob=date(2006, 1, 1),
        service=ServiceType.CARE_LEAVER,
        worker=adviser,
    )
    assert leaver_case.allocations.get().worker == adviser


@pytest.mark.django_db
def test_closed_case_refuses_allocation_and_its_worker_is_released(setting):
    manager, case, workers = setting
    services.case_close(actor=manager, case=case, closed_on=TODAY, close_reason="outcomes_met")
    assert case.allocations.get().end_date == TODAY
    with pytest.raises(ValidationError):
        services.allocation_change(
            actor=manager, case=case, worker=workers[1], start_date=TODAY, change_reason="MANAGE"
        )


@pytest.mark.django_db
def test_database_refuses_a_second_current_allocation(setting):
    _, case, workers = setting
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(
            organisation_id=case.organisation_id,
            case=case,
            worker=workers[1],
            start_date=TODAY,
            change_reason="MANAGE",
        )


D = date(2024, 1, 1)


@pytest.mark.parametrize(
    "a, b, overlap",
    [
        ((D, D + timedelta(10)), (D + timedelta(10), None), False),  # touching: the handover day
        ((D, D + timedelta(10)), (D + timedelta(9), None), True),
        ((D, None), (D + timedelta(100), None), True),  # open periods always meet
        ((D + timedelta(5), D + timedelta(6)), (D, D + timedelta(5)), False),
        ((D, D + timedelta(30)), (D + timedelta(5), D + timedelta(6)), True),  # one inside the other
    ],
)
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap
    assert rules.periods_overlap(*b, *a) is overlap
