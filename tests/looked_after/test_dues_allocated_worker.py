"""The child's allocated worker on the stored dues row (looked_after/dues.py): kept by the allocation
services in the same transaction, so a team's tray and counts and a worker's own tray follow a
reallocation or a closed case at once; a worker moving team moves their children with them."""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.cases.models import Case
from casework.core.codes import SocialWorkerChangeReason
from casework.looked_after import selectors
from casework.looked_after.models import StoredDues
from casework.organisations import services as org_services
from tests.conftest import TODAY, add_person, make_worker
from tests.looked_after.builders import child_in_care

pytestmark = pytest.mark.django_db


def _team_tray(manager, team):
    return [row.child.pk for row in selectors.team_due_page(actor=manager, team_id=team.pk).rows]


def _counted(manager):
    return {
        team: counts["children"]
        for team, counts in selectors.overdue_counts_by_team(actor=manager, team_ids=None).items()
    }


def _live_workers(manager):
    """The allocated worker of each child, read live from the allocations (the rule the row keeps)."""
    return {
        row.child.pk: row.worker
        for row in selectors.due_for(selectors._children_allocated_to(manager, Q()), today=TODAY)
    }


def test_a_reallocation_moves_the_child_to_the_new_workers_team_and_tray(world):
    manager = world.a.users[Role.PRACTICE_MANAGER]
    child = child_in_care(world, TODAY - timedelta(days=200))
    first = world.a.workers[0]
    assert StoredDues.objects.get(child=child).worker_id == first.pk
    assert _team_tray(manager, world.a.team) == [child.pk]

    other_team = org_services.team_create(actor=None, organisation=world.a.org, name="Leaving care", function="lac")
    newcomer = make_worker(None, world.a.org, other_team, start=TODAY - timedelta(days=365))
    case = Case.objects.get(person=child.person, closed_on__isnull=True)
    case_services.allocation_change(
        actor=manager,
        case=case,
        worker=newcomer,
        start_date=TODAY - timedelta(days=1),
        change_reason=SocialWorkerChangeReason.MANAGE,
    )

    assert StoredDues.objects.get(child=child).worker_id == newcomer.pk
    assert _team_tray(manager, world.a.team) == []
    assert _team_tray(manager, other_team) == [child.pk]
    assert _counted(manager) == {other_team.pk: 1}
    tray = selectors.team_due_page(actor=manager, team_id=other_team.pk).rows
    assert tray[0].worker == f"{newcomer.given_name} {newcomer.family_name}"
    assert tray[0].team_id == other_team.pk
    assert {row.worker for row in tray} == set(_live_workers(manager).values())


def test_closing_the_case_takes_the_child_off_every_tray(world):
    manager = world.a.users[Role.PRACTICE_MANAGER]
    child = child_in_care(world, TODAY - timedelta(days=200))
    case = Case.objects.get(person=child.person, closed_on__isnull=True)
    # the case of a child no longer in care closes (care ended first, then the case on its own)
    case_services.case_close_ending_care(
        actor=manager, case=case, closed_on=TODAY, close_reason="outcomes_met", reason_ceased="E13"
    )
    assert StoredDues.objects.get(child=child).worker_id is None
    assert _counted(manager) == {}


def test_a_worker_moving_team_takes_their_children_with_them(world):
    manager = world.a.users[Role.PRACTICE_MANAGER]
    child = child_in_care(world, TODAY - timedelta(days=200))
    other_team = org_services.team_create(actor=None, organisation=world.a.org, name="Leaving care", function="lac")
    worker = world.a.workers[0]
    worker.team = other_team
    worker.save(update_fields=["team"])
    assert _team_tray(manager, world.a.team) == []
    assert _team_tray(manager, other_team) == [child.pk]
    assert _counted(manager) == {other_team.pk: 1}


def test_the_team_tray_pages_in_the_same_order_as_the_whole_tray_sorted(world):
    """Children due on the same days, whose identifiers run against the order they were recorded
    in: each page of the team's tray (read from the stored rows' index, then only the children due
    between the page's first and last dates) is that slice of the whole tray sorted by the database."""
    manager = world.a.users[Role.PRACTICE_MANAGER]
    for n in range(31):
        person, _ = add_person(world.a, world.commissioner, given="Tie", family=f"Same{n}", dob=date(2012, 1, 1))
        # five start dates, so each due date is shared by six or seven children
        child_in_care(world, TODAY - timedelta(days=200 + n % 5), child_id=f"T{99 - n:04d}", person=person)
    team = world.a.team
    children = selectors._children_with_stored_worker(manager, Q(dues__worker__team_id=team.pk)).filter(
        dues__in_care=True
    )
    whole = [child.pk for child in selectors._in_tray_order(children)]
    assert len(whole) == 31
    paged = []
    for number in (1, 2, 3, 4):
        paged += [
            row.child.pk
            for row in selectors.team_due_page(actor=manager, team_id=team.pk, page_number=number, per_page=8).rows
        ]
    assert paged == whole


def test_the_seed_stores_each_childs_allocated_worker(db):
    """The seed writes allocations and then the dues (dues.refresh): every child's row names the
    worker the allocations name now, or none."""
    from django.db import transaction

    from casework.cases.models import Allocation
    from casework.core.codes import ServiceType
    from casework.looked_after.models import LookedAfterChild
    from casework.synthetic.generate import seed

    with transaction.atomic():
        seed(practices=1, people=300, seed=7, as_of=TODAY)
        live = {
            (org, person): worker
            for org, person, worker in Allocation.objects.filter(
                end_date__isnull=True,
                case__service_type=ServiceType.LOOKED_AFTER_CHILD,
                case__closed_on__isnull=True,
            ).values_list("case__organisation_id", "case__person_id", "worker_id")
        }
        stored = dict(StoredDues.objects.values_list("child_id", "worker_id"))
        children = LookedAfterChild.objects.values_list("pk", "organisation_id", "person_id")
        assert {pk: live.get((org, person)) for pk, org, person in children} == stored
        assert sum(worker is not None for worker in stored.values()) >= 5
        transaction.set_rollback(True)
