"""``/readyz``: may this instance be sent traffic? (``/healthz`` only says the process answers.)

Ready when all three hold; otherwise 503 naming each check that failed, so a load balancer stops
sending requests and whoever looks sees why:

* database: the default database answers a query;
* migrations: no migration on disk is unapplied (a deploy that forgot ``migrate`` is not ready);
* worker: the background job worker has written a heartbeat within
  ``CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS`` (``casework.jobs.selectors.last_worker_heartbeat``),
  so jobs started from the pages will run. A worker beats from a thread of its own, during a long
  step too (``casework.jobs.services.Beating``), so a stale heartbeat means it is gone, whatever it
  was running: the same rule as the job pages' warning (``jobs.selectors.background_processing_running``).

Open without signing in, like ``/healthz``; it says nothing about anyone. It lives here, above the
apps, because it asks the job runner (``core`` imports from no app above it).

Checking migrations loads every migration file (tens of milliseconds): once a process has seen
none unapplied it does not look again (migrations are applied before a deploy's new processes
start, and a process never sees its own code change). The other two checks run every time.
"""

import json
from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from casework.jobs import selectors as jobs_selectors

OK = "ok"
_migrations_seen_applied = False


def last_worker_heartbeat() -> datetime | None:
    """When the job worker last said it was alive; None if it never has."""
    return jobs_selectors.last_worker_heartbeat()


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "not answering"
    return OK


def _migrations() -> str:
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return OK
    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return f"{len(unapplied)} not applied (run manage.py migrate)"
    _migrations_seen_applied = True
    return OK


def _worker() -> str:
    limit = settings.CASEWORK_WORKER_HEARTBEAT_MAX_AGE_SECONDS
    heartbeat = last_worker_heartbeat()
    if heartbeat is None:
        return "no heartbeat from the job worker yet (is it running?)"
    now = timezone.now()
    age = (now - heartbeat).total_seconds()
    if age <= limit:
        return OK
    return f"last heartbeat {age:.0f} s ago (more than {limit} s)"


def checks() -> dict[str, str]:
    database = _database()
    if database != OK:
        # nothing else can be asked of a database that does not answer
        return {"database": database, "migrations": "not checked", "worker": "not checked"}
    try:
        return {"database": OK, "migrations": _migrations(), "worker": _worker()}
    except DatabaseError:
        return {"database": "failed while checking", "migrations": "not checked", "worker": "not checked"}


@login_not_required
@require_safe
def readyz(request):
    found = checks()
    ready = all(value == OK for value in found.values())
    body = {"ready": ready, "checks": found}
    return HttpResponse(json.dumps(body), status=200 if ready else 503, content_type="application/json")
