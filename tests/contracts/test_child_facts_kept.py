"""The child's outcome statuses are kept under a digest of what they come from (contracts/child_facts.py):
a second look at an unchanged child works nothing out again, and a change to the child's records is
on the next look."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.cache import cache

from casework.accounts.models import Role
from casework.contracts import child_facts
from casework.looked_after import services
from casework.outcomes import compute
from casework.outcomes.data import OutcomeData
from tests.conftest import TODAY
from tests.looked_after.test_child_page import START, _measures, _outcome, _page, child  # noqa: F401


def test_every_frame_the_statuses_come_from_is_in_the_digest():
    frames = {f.name for f in dataclasses.fields(OutcomeData) if "DataFrame" in str(f.type)}
    assert frames and frames == set(child_facts.FRAMES)


@pytest.mark.django_db
def test_a_second_look_works_nothing_out_and_a_change_is_seen_at_once(world, client, child, monkeypatch):  # noqa: F811
    cache.clear()
    _measures(world, "missing_children")
    worked_out = []
    per_child = compute.per_child

    def counting(data, indicator_id):
        worked_out.append(indicator_id)
        return per_child(data, indicator_id)

    monkeypatch.setattr(compute, "per_child", counting)
    first = _outcome(_page(client, world, child), "Children who went missing")
    assert "Not missing this year" in first and worked_out == ["missing_children"]
    again = _outcome(_page(client, world, child), "Children who went missing")
    assert again == first and worked_out == ["missing_children"]  # kept: nothing worked out again

    day = max(TODAY - timedelta(days=20), START + timedelta(days=1))
    services.missing_record(
        actor=world.a.users[Role.PRACTITIONER],
        child=child,
        kind="M",
        start_date=day,
        end_date=day + timedelta(days=1),
        return_interview_offered=True,
        return_interview_accepted=True,
    )
    changed = _outcome(_page(client, world, child), "Children who went missing")
    assert "Went missing once" in changed and "govuk-tag--red" in changed
    assert worked_out == ["missing_children", "missing_children"]
