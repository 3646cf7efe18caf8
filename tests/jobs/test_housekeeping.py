"""The worker's calendar tasks (jobs/housekeeping.py): each runs once a day however often the worker
looks, a failing one is logged without its message and tried again, and the product's own tasks
(stored due dates, audit partitions) are registered."""

import logging
from datetime import date, timedelta

import pytest

from casework.jobs import housekeeping
from casework.jobs.models import HousekeepingRun

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 7)


@pytest.fixture
def only(monkeypatch):
    """Register tasks for one test alone, leaving the product's own untouched."""
    monkeypatch.setattr(housekeeping, "_TASKS", {})
    return housekeeping.register


def test_a_daily_task_runs_once_a_day_however_often_the_worker_looks(only):
    calls = []
    only("count", calls.append)
    assert housekeeping.run_due(DAY).ran == ["count"]
    assert housekeeping.run_due(DAY).ran == []  # a second worker, or the next pass, the same day
    assert housekeeping.run_due(DAY + timedelta(days=1)).ran == ["count"]
    assert calls == [DAY, DAY + timedelta(days=1)]
    assert HousekeepingRun.objects.get(name="count").last_run_on == DAY + timedelta(days=1)


def test_a_weekly_task_waits_its_week(only):
    calls = []
    only("weekly", calls.append, every_days=7)
    for offset in range(8):
        housekeeping.run_due(DAY + timedelta(days=offset))
    assert calls == [DAY, DAY + timedelta(days=7)]


def test_a_failing_task_is_logged_without_its_message_and_tried_again(only, caplog):
    calls = []

    def fails(today):
        calls.append(today)
        raise ValueError("Maya Hughes 2014-03-02")  # the kind of message that must never reach a log

    only("fails", fails)
    only("fine", lambda today: None)
    with caplog.at_level(logging.INFO, logger="casework.jobs"):
        outcome = housekeeping.run_due(DAY)
    assert outcome.failed == ["fails"] and outcome.ran == ["fine"]
    assert "ValueError" in caplog.text and "Maya" not in caplog.text
    assert HousekeepingRun.objects.get(name="fails").last_run_on is None
    housekeeping.run_due(DAY)
    assert calls == [DAY, DAY]


def test_the_products_calendar_tasks_are_registered_and_run():
    assert {"looked_after_dues", "audit_partitions"} <= set(housekeeping.registered())
    outcome = housekeeping.run_due(DAY)
    assert not outcome.failed
    assert {"looked_after_dues", "audit_partitions"} <= set(outcome.ran)
