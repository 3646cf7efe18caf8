"""The stored statutory due dates (looked_after/dues.py): equal to what the rules work out now
after every kind of recording, after the seed, and after the daily refresh as time passes; the team
caseload reads them a page at a time."""

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.accounts.models import Role
from casework.looked_after import dues, selectors, services
from casework.looked_after.models import LookedAfterChild, StoredDues
from casework.people import services as people_services
from casework.synthetic.generate import seed
from tests.conftest import TODAY, add_person
from tests.looked_after.builders import child_in_care

pytestmark = pytest.mark.django_db


def _assert_stored_as_worked_out(children, today: date | None = None):
    """Each child's stored row says what ``due_for`` works out from the records on ``today``."""
    today = today or TODAY
    live = {row.child.pk: row.dues for row in selectors.due_for(children, today=today)}
    stored = {row.child_id: row for row in StoredDues.objects.filter(child__in=children)}
    assert set(stored) == set(children.values_list("pk", flat=True))
    for pk, row in stored.items():
        assert row.in_care == (pk in live), pk
        assert dues.shown_dues(row) == live.get(pk, []), pk
        assert row.next_due_on == (live[pk][0].due_on if live.get(pk) else None)


def test_every_kind_of_recording_leaves_the_stored_dues_as_the_rules_work_them_out(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    start = TODAY - timedelta(days=400)
    child = child_in_care(world, start)
    one = LookedAfterChild.objects.filter(pk=child.pk)
    _assert_stored_as_worked_out(one)
    first_due = StoredDues.objects.get(child=child).review_on
    recordings = [
        lambda: services.review_record(
            actor=manager, child=child, review_date=start + timedelta(days=15), participation="PN1"
        ),
        lambda: services.visit_record(
            actor=manager, child=child, visit_date=start + timedelta(days=5), child_seen=True, seen_alone=True
        ),
        lambda: services.health_check_record(
            actor=manager, child=child, kind="health_assessment", check_date=start + timedelta(days=10)
        ),
        lambda: services.health_check_record(
            actor=manager, child=child, kind="dental_check", check_date=start + timedelta(days=20)
        ),
        lambda: services.sdq_record(actor=manager, child=child, assessed_on=TODAY - timedelta(days=30), score=12),
        lambda: services.episode_change(
            actor=manager,
            child=child,
            change_date=TODAY - timedelta(days=20),
            legal_status="C1",
            placement_type="U4",
            placement_provider="PR1",
            placement_postcode="LS6 2AA",
            urn="SC654321",
            reason_place_change="CHILD",
        ),
        lambda: services.care_end(actor=manager, child=child, end_date=TODAY - timedelta(days=2), reason_ceased="E13"),
    ]
    seen = set()
    for record in recordings:
        before = StoredDues.objects.get(child=child).shown
        record()
        _assert_stored_as_worked_out(one)
        after = StoredDues.objects.get(child=child).shown
        assert after != before  # each recording moved something, so a service that forgot is caught
        seen.add(str(after))
    assert StoredDues.objects.get(child=child).review_on != first_due
    assert not StoredDues.objects.get(child=child).in_care  # care ended: no dues


def test_the_seed_stores_every_childs_dues_and_the_daily_refresh_follows_time(db):
    with transaction.atomic():
        seed(practices=1, people=300, seed=7, as_of=TODAY)
        children = LookedAfterChild.objects.all()
        assert children.filter(dues__in_care=True).count() >= 5
        _assert_stored_as_worked_out(children)
        # the days on which time alone changes some child's dues (a placement code retired, an 18th
        # birthday coming into view): after the daily refresh on each, the rows are right again
        later = sorted(
            set(StoredDues.objects.filter(recompute_on__isnull=False).values_list("recompute_on", flat=True))
        )
        for day in later[:3]:
            dues.refresh_due(today=day)
            _assert_stored_as_worked_out(children, day)
        transaction.set_rollback(True)


def test_the_rebuild_command_fills_children_with_no_row(world):
    child = child_in_care(world, TODAY - timedelta(days=100))
    StoredDues.objects.all().delete()
    call_command("looked_after_dues", "--rebuild", stdout=open("/dev/null", "w"))
    _assert_stored_as_worked_out(LookedAfterChild.objects.filter(pk=child.pk))


def _children_in_care(world, count: int, first: int):
    manager = world.a.users[Role.TEAM_MANAGER]
    for n in range(first, first + count):
        person, _ = add_person(world.a, world.commissioner, given="Test", family=f"Due{n}", dob=date(2012, 1, 1))
        record = services.looked_after_child_create(
            actor=manager, person=person, commissioner=world.commissioner, child_id=f"D{n:04d}"
        )
        # older starts first: their first review is the most overdue
        child_in_care_from = TODAY - timedelta(days=300 - n)
        services.care_start(
            actor=manager,
            child=record,
            start_date=child_in_care_from,
            legal_status="C1",
            category_of_need="N1",
            placement_type="U6",
            placement_provider="PR1",
            placement_postcode="LS6 2AA",
            urn="SC123456",
            home_postcode="LS2 7UE",
            is_mother=False,
        )


def test_the_team_caseload_shows_a_page_of_children_most_overdue_first_in_the_same_queries(world, client):
    url = reverse("team_caseload", args=[world.a.team.pk])
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    counts = []
    for added, first in ((3, 0), (30, 3)):
        _children_in_care(world, added, first)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).content.decode()
        counts.append(len(queries.captured_queries))
    tray = body[body.index('id="team-due"') :]
    shown = re.findall(r"DUE(\d+), Test", tray)
    assert len(shown) == 25  # one page of 33
    assert shown[:3] == ["0", "1", "2"]  # the longest in care: the most overdue first review
    assert "page 1 of 2 (33 in all)" in body, re.findall(r"page \d+ of.*?</span>", body)
    assert re.search(r"Reviews</th><td[^>]*>33<", body)  # the whole team's count, not the page's
    assert counts[0] == counts[1], counts
    second = client.get(url, {"due_page": 2}).content.decode()
    assert len(re.findall(r"DUE(\d+), Test", second[second.index('id="team-due"') :])) == 8


def test_the_managers_counts_per_team_equal_what_the_rules_work_out(world):
    _children_in_care(world, 4, 0)
    manager = world.a.users[Role.PRACTICE_MANAGER]
    counted = selectors.overdue_counts_by_team(actor=manager, team_ids=None)
    live = selectors.due_for(selectors._children_allocated_to(manager, Q()), today=TODAY)
    expected = {}
    for row in live:
        team = expected.setdefault(row.team_id, {"children": 0, "with_overdue": 0} | {k: 0 for k in dues.KINDS})
        late = row.overdue_kinds(TODAY)
        team["children"] += 1
        team["with_overdue"] += bool(late)
        for kind in late:
            team[kind] += 1
    assert counted == expected
    assert sum(team["review"] for team in counted.values()) >= 4  # first reviews long overdue


def test_a_corrected_date_of_birth_moves_the_dues_that_follow_age(world):
    # an SDQ is due from 4, a health assessment twice a year under 5: a child recorded as 10 who is 3
    manager = world.a.users[Role.PRACTICE_MANAGER]
    child = child_in_care(world, TODAY - timedelta(days=400))
    one = LookedAfterChild.objects.filter(pk=child.pk)
    before = StoredDues.objects.get(child=child).shown
    person = child.person
    people_services.person_update(
        actor=manager, person=person, version=person.version, date_of_birth=TODAY - timedelta(days=3 * 365)
    )
    _assert_stored_as_worked_out(one)
    assert StoredDues.objects.get(child=child).shown != before
