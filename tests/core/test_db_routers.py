"""Reads for reports and exports go to the read replica; pages, writes and migrations to the
primary (``core/db_routers.py``, docs/architecture.md "Scaling past one server").

The suite runs with no replica (``DATABASE_REPLICA_URL`` unset). This module adds a second alias,
``replica``, for itself: a test mirror of ``default``, a connection of its own to the same test
database. Django's TestCase opens a transaction on each alias, and one connection cannot see
another's uncommitted rows (on SQLite the second connection is even refused a lock), so the test
that reads through it runs on PostgreSQL with committed rows (``transaction=True``), as a
caught-up replica would hold them. The router's decisions are checked on both databases.
"""

import csv
import io

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.core import db_routers
from casework.core.db_routers import REPLICA, ReportsToReplicaRouter, for_reports, reading_for_reports

URL = "/audit/log/"
BOTH = ["default", REPLICA]


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """A ``replica`` alias for this module only: the test database, as a mirror of ``default``."""
    mirror = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
    mirror["TEST"] = {**mirror["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    settings.DATABASES[REPLICA] = mirror
    if connections.settings is not settings.DATABASES:
        connections.settings[REPLICA] = mirror
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")
    del connections[REPLICA]
    settings.DATABASES.pop(REPLICA, None)
    connections.settings.pop(REPLICA, None)


@pytest.fixture
def flush_past_the_audit_triggers():
    """The append-only audit table refuses the TRUNCATE that ends a transactional test: user
    triggers are off for that flush (and on again when the module ends)."""
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


# a streamed queryset reads through a server-side cursor on PostgreSQL: DECLARE ... FOR SELECT
READS = ("SELECT", "DECLARE")


def _selects_of_audit_log(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(READS) and '"audit_auditevent"' in q["sql"]]


@pytest.mark.django_db(databases=BOTH, transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a second connection that sees committed rows")
def test_the_audit_log_csv_reads_the_replica_and_the_page_and_the_exports_own_entry_use_default(
    world, client, flush_past_the_audit_triggers
):
    replica = connections[REPLICA]
    client.force_login(world.a.users[Role.AUDITOR])
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default, CaptureQueriesContext(replica) as on_rep:
        page = client.get(URL)
    assert page.status_code == 200
    assert _selects_of_audit_log(on_default.captured_queries)
    assert on_rep.captured_queries == []

    written_before = AuditEvent.objects.count()
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default, CaptureQueriesContext(replica) as on_rep:
        response = client.get(URL, {"format": "csv"})
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    # the file's entries and their count were read from the replica, and it saw the primary's rows
    from_replica = _selects_of_audit_log(on_rep.captured_queries)
    assert any("COUNT(" in sql for sql in from_replica)
    assert any("COUNT(" not in sql for sql in from_replica)
    assert len(rows) > 1 and rows[0] == ["When", "Who", "Role", "What", "Casework ID"]
    # nothing of the file read from the primary; the export's own entry written there
    assert not [sql for sql in _selects_of_audit_log(on_default.captured_queries) if "COUNT(" in sql]
    assert any(q["sql"].startswith("INSERT") and "audit_auditevent" in q["sql"] for q in on_default.captured_queries)
    assert on_rep.captured_queries and not [q for q in on_rep.captured_queries if not q["sql"].startswith(READS)]
    export = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == written_before + 1
    assert (export.action, export.detail["rows"]) == ("export", len(rows) - 1)


def test_reads_in_a_report_block_go_to_the_replica_and_writes_stay_on_default():
    router = ReportsToReplicaRouter()
    assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
    with reading_for_reports() as alias:
        assert alias == REPLICA
        assert router.db_for_read(AuditEvent) == REPLICA
        assert AuditEvent.objects.all().db == REPLICA
        assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS
        assert AuditEvent.objects.select_for_update().db == DEFAULT_DB_ALIAS
    # the block is over: back to the primary, and a queryset given the replica keeps it
    assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
    assert AuditEvent.objects.all().db == DEFAULT_DB_ALIAS
    assert for_reports(AuditEvent.objects.all()).db == REPLICA
    assert router.allow_migrate(REPLICA, "audit") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "audit") is True


@pytest.mark.django_db
def test_with_no_replica_configured_reports_read_default(world, monkeypatch):
    # as the suite runs, whatever this module added for the tests above
    monkeypatch.delitem(settings.DATABASES, REPLICA, raising=False)
    assert db_routers.report_database() == DEFAULT_DB_ALIAS
    with reading_for_reports() as alias, CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default:
        assert alias == DEFAULT_DB_ALIAS
        assert AuditEvent.objects.count() > 0
    assert len(on_default.captured_queries) == 1
    assert for_reports(AuditEvent.objects.all()).db == DEFAULT_DB_ALIAS
