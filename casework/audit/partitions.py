"""The audit log's monthly partitions on PostgreSQL (SQLite keeps one plain table).

The log grows with every page that opens a person's record, so on PostgreSQL ``audit_auditevent``
is a table partitioned by range of ``occurred_at``, one partition per calendar month in UTC
(``audit_auditevent_y2026m12`` holds December 2026), plus ``audit_auditevent_default`` for any
entry whose month has no partition yet, so an append never fails because nobody made the month.
Old months can then be detached and archived whole instead of deleted row by row (which the
append-only triggers refuse anyway): docs/security.md "Audit" says how.

Migration 0008 made the table; ``manage.py audit_partitions`` (run monthly by cron or the job
runner) makes the months ahead. Row triggers made on the partitioned table reach every partition
by themselves (PostgreSQL 13+); statement triggers do not, so each partition gets its own refusal
of TRUNCATE here.

The chain head (``audit_auditchainhead``) is a plain table of one row, not partitioned: the lock
that serialises appends never sits in a month that could be detached.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

TABLE = "audit_auditevent"
DEFAULT_PARTITION = f"{TABLE}_default"
# How many months after the current one migration 0008 and audit_partitions make.
MONTHS_AHEAD = 3


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def months(first: date, last: date) -> list[date]:
    """The first day of each month from ``first``'s month to ``last``'s, both included."""
    found, month = [], month_start(first)
    while month <= last:
        found.append(month)
        month = next_month(month)
    return found


def partition_name(month: date) -> str:
    return f"{TABLE}_y{month.year:04d}m{month.month:02d}"


def _bound(month: date) -> str:
    return datetime(month.year, month.month, 1, tzinfo=UTC).isoformat()


def truncate_trigger_sql(table: str) -> str:
    # table names here are made by this module from dates, never from input
    return (
        f"CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    )


def is_partitioned(cursor) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
    return cursor.fetchone() is not None


def existing(cursor) -> set[str]:
    """The names of the partitions attached to the audit table now."""
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s)",
        [TABLE],
    )
    return {name for (name,) in cursor.fetchall()}


@dataclass(frozen=True)
class Outcome:
    made: list[str]
    already: list[str]
    refused: list[tuple[str, str]]  # (partition, why in words)


def ensure(cursor, first: date, last: date) -> Outcome:
    """Make the partition of each month from ``first`` to ``last`` that is not there yet, and the
    default partition; idempotent. A month whose entries already went to the default partition
    cannot be made without moving them (PostgreSQL refuses): it is reported, not made, and its
    entries stay where they are, still in the chain and still read by every query."""
    there = existing(cursor)
    made, already, refused = [], [], []
    if DEFAULT_PARTITION not in there:
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {TABLE} DEFAULT")
        cursor.execute(truncate_trigger_sql(DEFAULT_PARTITION))
        made.append(DEFAULT_PARTITION)
    for month in months(first, last):
        name = partition_name(month)
        if name in there:
            already.append(name)
            continue
        cursor.execute(
            f"SELECT count(*) FROM {DEFAULT_PARTITION} WHERE occurred_at >= %s AND occurred_at < %s",  # noqa: S608
            [_bound(month), _bound(next_month(month))],
        )
        (waiting,) = cursor.fetchone()
        if waiting:
            refused.append(
                (
                    name,
                    f"{waiting} entr{'ies' if waiting != 1 else 'y'} of {month:%B %Y} are in the default partition "
                    "already; they stay there (see docs/security.md, 'Audit', to move them)",
                )
            )
            continue
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
            [_bound(month), _bound(next_month(month))],
        )
        cursor.execute(truncate_trigger_sql(name))
        made.append(name)
    return Outcome(made, already, refused)


def ahead_of(today: date) -> tuple[date, date]:
    """The months to have ready on ``today``: this month and MONTHS_AHEAD after it."""
    first = month_start(today)
    last = first
    for _ in range(MONTHS_AHEAD):
        last = next_month(last)
    return first, last


def make_ahead(today: date) -> Outcome | None:
    """The worker's daily task (``jobs/housekeeping.py``): this month's and the next months'
    partitions, as ``manage.py audit_partitions`` makes them; nothing on SQLite. A month that could
    not be made (its entries are in the default already) is an error for an operator to look at."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return None
    with transaction.atomic(), connection.cursor() as cursor:
        if not is_partitioned(cursor):
            return None
        outcome = ensure(cursor, *ahead_of(today))
    if outcome.refused:
        raise RuntimeError(f"{len(outcome.refused)} audit partition month(s) could not be made")
    return outcome
