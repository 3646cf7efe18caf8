"""Which database a query goes to: the primary (``default``) unless a report or export asks for
the read replica (``replica``, configured from ``DATABASE_REPLICA_URL``).

A replica runs some way behind the primary. A page in a write flow (save, then show what was
saved) must never read from it, so nothing goes there by default: only the report and export
code that opts in, in one of two ways.

* ``with reading_for_reports():`` every read inside the block, by any model, goes to the replica
  (a report computed in one go, in a request or a job). Writes inside it still go to the primary,
  so do not read back in the block what the block wrote.
* ``for_reports(queryset)``: that queryset alone reads the replica, wherever it is evaluated later
  (a CSV streamed after the view has returned, when no block is open any more).

With no replica configured both read the primary, so the code is the same on one server. Writes
and migrations always go to the primary. docs/architecture.md, "Scaling past one server".
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"

_reading_for_reports: ContextVar[bool] = ContextVar("reading_for_reports", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def report_database() -> str:
    """The alias reports and exports read: the replica when there is one, else the primary."""
    return REPLICA if replica_configured() else DEFAULT_DB_ALIAS


@contextmanager
def reading_for_reports() -> Iterator[str]:
    """Inside the block every read goes to ``report_database()`` (yielded)."""
    token = _reading_for_reports.set(True)
    try:
        yield report_database()
    finally:
        _reading_for_reports.reset(token)


def for_reports(queryset):
    """``queryset`` read from ``report_database()`` whenever it is evaluated."""
    return queryset.using(report_database())


class ReportsToReplicaRouter:
    """``DATABASE_ROUTERS``' only entry: reads go to the replica inside ``reading_for_reports``
    (when there is one), everything else to the primary."""

    def db_for_read(self, model, **hints):
        if _reading_for_reports.get() and replica_configured():
            return REPLICA
        # said outright, not left to Django: a row read from the replica must not send the reads
        # that follow from it (its related objects) to the replica outside a report
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: an object read from it may be linked to one read
        # from the primary
        pool = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # the replica copies the primary's schema by replication
        return db == DEFAULT_DB_ALIAS
