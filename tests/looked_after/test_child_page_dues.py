"""The child's page reads the child's stored due dates (looked_after/dues.py) while they hold, and
works them out when they may not: on every day, what it shows is what the rules work out that day."""

from datetime import timedelta

import pytest
from django.db import transaction

from casework.accounts.models import Role
from casework.looked_after import selectors, services
from casework.looked_after.models import LookedAfterChild, StoredDues
from casework.synthetic.generate import seed
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care

pytestmark = pytest.mark.django_db


def _live(child, day):
    found = selectors.due_for(LookedAfterChild.objects.filter(pk=child.pk), today=day)
    return found[0].dues if found else []


def test_the_page_shows_what_the_rules_work_out_on_every_day_stored_or_not(db):
    with transaction.atomic():
        seed(practices=1, people=300, seed=7, as_of=TODAY)
        children = list(LookedAfterChild.objects.select_related("person", "dues").order_by("pk"))
        assert sum(1 for c in children if c.dues.in_care) >= 5
        # today, and the days on which time alone changes someone's dues, with no daily refresh run
        days = [TODAY, *sorted({c.dues.recompute_on for c in children if c.dues.recompute_on})[:8]]
        for day in days:
            for child in children:
                assert selectors.child_page_dues(child, day) == _live(child, day), (child.pk, day)
        transaction.set_rollback(True)


def test_a_recording_is_on_the_page_at_once_and_a_child_with_no_stored_row_is_worked_out(world, client):
    child = child_in_care(world, TODAY - timedelta(days=100))
    manager = world.a.users[Role.TEAM_MANAGER]
    url = f"/looked-after/{child.pk}/"
    client.force_login(world.a.users[Role.PRACTITIONER])
    before = client.get(url).content.decode().split('id="due"')[1].split("</div>")[0]
    services.review_record(actor=manager, child=child, review_date=TODAY - timedelta(days=3), participation="PN1")
    after = client.get(url).content.decode().split('id="due"')[1].split("</div>")[0]
    assert before != after
    fresh = LookedAfterChild.objects.select_related("person", "dues").get(pk=child.pk)
    assert selectors.child_page_dues(fresh, TODAY) == _live(child, TODAY) != []
    StoredDues.objects.filter(child=child).delete()
    fresh = selectors.child_page_get(actor=world.a.users[Role.PRACTITIONER], looked_after_child_id=child.pk)
    assert selectors.child_page_dues(fresh, TODAY) == _live(child, TODAY)


def test_a_day_that_changes_the_dues_with_nothing_recorded_is_on_the_page_before_the_daily_refresh(world):
    """A child whose 18th birthday comes into view in a week: on that day the page shows it, though the
    stored row (worked out today, not yet refreshed) does not have it."""
    from dateutil.relativedelta import relativedelta

    from tests.conftest import add_person

    born = TODAY + timedelta(days=190) - relativedelta(years=18)
    person, _ = add_person(world.a, world.commissioner, given="Nearly", family="Eighteen", dob=born)
    child = child_in_care(world, TODAY - timedelta(days=100), child_id="T0099", person=person)
    stored = StoredDues.objects.get(child=child)
    assert TODAY < stored.recompute_on <= TODAY + timedelta(days=8)
    day = stored.recompute_on
    page_child = selectors.child_page_get(actor=world.a.users[Role.PRACTITIONER], looked_after_child_id=child.pk)
    shown = selectors.child_page_dues(page_child, day)
    assert "care_ends" in {due.kind for due in shown} and shown == _live(child, day)
    assert "care_ends" not in {kind for kind, _label, _day in stored.shown}
    assert selectors.child_page_dues(page_child, TODAY) == _live(child, TODAY)
