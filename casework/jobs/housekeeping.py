"""Work the product does for itself on a calendar, run by the jobs worker so that no one has to
remember a cron line: each app registers what it needs (``register`` in its ``AppConfig.ready``)
and the worker runs what is due once a pass (``run_due``).

Registered today: the looked-after children's stored due dates that only the passing of time
changes (daily, ``looked_after/apps.py``) and the audit log's monthly partitions ahead of time
(daily, idempotent, ``audit/apps.py``). Each runs at most once a day across every worker: a row
per task is locked while it runs, and a task that fails is logged (its kind of error, never its
message) and tried again ten minutes later.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from casework.jobs.models import HousekeepingRun

logger = logging.getLogger("casework.jobs")


@dataclass(frozen=True)
class Task:
    name: str
    call: Callable[[date], object]
    every_days: int


_TASKS: dict[str, Task] = {}


def register(name: str, call: Callable[[date], object], *, every_days: int = 1) -> None:
    """``call(today)`` runs when ``every_days`` have passed since it last ran (first: at once)."""
    _TASKS[name] = Task(name, call, every_days)


def registered() -> list[str]:
    return sorted(_TASKS)


@dataclass
class Outcome:
    ran: list[str]
    failed: list[str]


def run_due(today: date | None = None) -> Outcome:
    """Run every registered task that is due: which ran, and which failed (to be tried again)."""
    today = today or timezone.localdate()
    ran, failed = [], []
    for task in _TASKS.values():
        HousekeepingRun.objects.get_or_create(name=task.name)
        try:
            with transaction.atomic():
                # locked, so a second worker waits here and then finds it done
                run = HousekeepingRun.objects.select_for_update().get(name=task.name)
                if run.last_run_on and run.last_run_on + timedelta(days=task.every_days) > today:
                    continue
                task.call(today)
                run.last_run_on = today
                run.save(update_fields=["last_run_on"])
        except Exception as error:  # one failing task must not stop the worker or the others
            logger.error("housekeeping %s failed: %s", task.name, type(error).__name__)
            failed.append(task.name)
            continue
        logger.info("housekeeping %s done for %s", task.name, today.isoformat())
        ran.append(task.name)
    return Outcome(ran, failed)
