"""The audit log partitioned by month on PostgreSQL (migration 0008, ``audit/partitions.py``,
``manage.py audit_partitions``): entries land in their month's partition or the default one, the
append-only triggers hold on every partition, and the hash chain is checked across them."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from casework.audit import partitions
from casework.audit import services as audit_services
from casework.audit.models import AuditEvent
from tests.audit.test_hash_chain import tamper, verify

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps the audit log in one plain table"),
]

THIS_MONTH = partitions.month_start(datetime.now(UTC).date())


def months_back(count: int) -> date:
    month = THIS_MONTH
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def append_at(*moments: datetime) -> list[AuditEvent]:
    """Append one entry per moment, through the service's own chaining, with that time."""
    events = [
        audit_services._event(None, moment, audit_services.Entry("view", "people.person", i, i, {}))
        for i, moment in enumerate(moments, start=1)
    ]
    with transaction.atomic():
        audit_services._append(events)
    return events


def partition_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM audit_auditevent WHERE id = %s", [event_id])
        return cursor.fetchone()[0]


def attached() -> set[str]:
    with connection.cursor() as cursor:
        return partitions.existing(cursor)


def mid(month: date) -> datetime:
    return datetime(month.year, month.month, 15, 12, tzinfo=UTC)


def three_months() -> list[date]:
    """The two months before this one and this one, their partitions made (the test database's
    migration made only this month's and those ahead)."""
    first = months_back(2)
    with connection.cursor() as cursor:
        partitions.ensure(cursor, first, THIS_MONTH)
    return partitions.months(first, THIS_MONTH)


def test_the_audit_table_is_partitioned_by_month_with_months_ahead_and_a_default():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'audit_auditevent'::regclass"
        )
        assert cursor.fetchall() == [("r", "occurred_at")]
        cursor.execute(
            "SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index i "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "WHERE i.indrelid = 'audit_auditevent'::regclass AND i.indisprimary"
        )
        assert cursor.fetchone()[0] == ["id", "occurred_at"]
    ahead = partitions.months(*partitions.ahead_of(THIS_MONTH))
    assert len(ahead) == 4
    assert {partitions.partition_name(m) for m in ahead} | {"audit_auditevent_default"} <= attached()


def test_each_entry_lands_in_its_months_partition_and_the_default_takes_a_month_without_one():
    months = three_months()
    events = append_at(*(mid(m) for m in months), datetime(2001, 1, 15, tzinfo=UTC))
    assert [partition_of(e.pk) for e in events] == [partitions.partition_name(m) for m in months] + [
        "audit_auditevent_default"
    ]
    # the Django side sees one table: ids in order, read back whole
    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == [e.pk for e in events]


def test_audit_partitions_makes_the_months_ahead_once_and_says_so():
    out = StringIO()
    call_command("audit_partitions", "--months-ahead", "5", stdout=out)
    made = [line.split()[1] for line in out.getvalue().splitlines() if line.startswith("Made ")]
    first, _ = partitions.ahead_of(THIS_MONTH)
    later = partitions.months(first, date(2100, 1, 1))[4:6]
    assert made == [partitions.partition_name(m) for m in later]
    assert set(made) <= attached()
    again = StringIO()
    call_command("audit_partitions", "--months-ahead", "5", stdout=again)
    assert "0 made, 6 already there" in again.getvalue()


def test_a_month_whose_entries_went_to_the_default_is_reported_not_made():
    append_at(datetime(2001, 1, 15, tzinfo=UTC))
    with connection.cursor() as cursor:
        outcome = partitions.ensure(cursor, date(2001, 1, 1), date(2001, 2, 1))
    assert outcome.made == ["audit_auditevent_y2001m02"]
    assert [name for name, _ in outcome.refused] == ["audit_auditevent_y2001m01"]
    assert "1 entry of January 2001 are in the default partition" in outcome.refused[0][1]


def test_audit_partitions_refuses_a_silly_number_of_months():
    with pytest.raises(CommandError, match="from 0 to 24"):
        call_command("audit_partitions", "--months-ahead", "-1", stdout=StringIO())


@pytest.mark.parametrize(
    "sql",
    ["UPDATE {t} SET action = 'create'", "DELETE FROM {t}", "TRUNCATE {t}"],
    ids=["update", "delete", "truncate"],
)
def test_a_partition_itself_refuses_update_delete_and_truncate(sql):
    # a row in each: row triggers fire only on rows
    events = append_at(mid(THIS_MONTH), datetime(2001, 1, 15, tzinfo=UTC))
    table = partitions.partition_name(THIS_MONTH)
    for target in (table, "audit_auditevent_default"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.format(t=target))
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events], action="view").count() == 2


def test_audit_verify_walks_the_chain_across_three_months_and_finds_tampering_in_one():
    months = three_months()
    events = append_at(*(mid(m) for m in months for _ in range(2)))
    assert len({partition_of(e.pk) for e in events}) == 3
    code, problems, last = verify()
    assert (code, problems) == (0, [])
    assert "6 entries checked" in last

    edited, deleted = events[2], events[4]  # last month's first, this month's first
    tamper("UPDATE audit_auditevent SET object_id = '99' WHERE id = %s", [edited.pk])
    tamper(f"DELETE FROM {partitions.partition_name(months[2])} WHERE id = %s", [deleted.pk])
    code, problems, _ = verify()
    assert code == 1
    assert problems == [
        f"EDITED: entry {edited.pk} was changed after it was written",
        f"DELETED: the chain is broken between entry {events[3].pk} and entry {events[5].pk}: entries were deleted "
        f"there (or entry {events[3].pk} was rewritten together with its hash)",
    ]


def test_the_oldest_month_detached_and_dropped_and_the_chain_checked_from_where_it_ends():
    months = three_months()
    events = append_at(*(mid(m) for m in months for _ in range(2)))
    oldest = partitions.partition_name(months[0])
    with connection.cursor() as cursor:
        # docs/security.md "Audit": the last entry of the month, kept before it goes
        cursor.execute(f"SELECT id, entry_hash FROM {oldest} ORDER BY id DESC LIMIT 1")  # noqa: S608
        last_id, last_hash = cursor.fetchone()
        cursor.execute(f"ALTER TABLE audit_auditevent DETACH PARTITION {oldest}")
        cursor.execute(f"DROP TABLE {oldest}")
    assert last_id == events[1].pk
    code, problems, _ = verify()
    assert code == 1 and problems[0].startswith("DELETED: the chain is broken before entry")
    out = StringIO()
    call_command("audit_verify", "--from", f"{last_id}:{last_hash}", stdout=out)
    assert f"Audit log intact: {AuditEvent.objects.count()} entries checked" in out.getvalue()


def test_migration_0008_keeps_the_rows_ids_and_chain_both_ways():
    """The migration on a log with entries (the test database's ran on an empty one): back to one
    table and into partitions again, the rows, ids and hashes kept and the id sequence carrying on."""
    from importlib import import_module
    from types import SimpleNamespace

    migration = import_module("casework.audit.migrations.0008_partition_by_month")
    editor = SimpleNamespace(connection=connection)
    months = three_months()
    append_at(*(mid(m) for m in months))

    def rows():
        return list(AuditEvent.objects.order_by("pk").values_list("pk", "occurred_at", "entry_hash"))

    before = rows()
    migration.unpartition(None, editor)
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor)
    assert rows() == before
    (one_table,) = append_at(mid(THIS_MONTH))
    assert one_table.pk == before[-1][0] + 1

    migration.partition(None, editor)
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor)
    assert rows() == [*before, (one_table.pk, one_table.occurred_at, one_table.entry_hash)]
    assert [partition_of(pk) for pk, _, _ in before] == [partitions.partition_name(m) for m in months]
    (partitioned,) = append_at(mid(THIS_MONTH))
    assert partitioned.pk == one_table.pk + 1
    assert verify()[0] == 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
