"""The audit log is tamper-evident: each entry's hash covers its fields and the hash before it, and
``audit_verify`` says what was done when someone with database access edits, deletes or forges
an entry with raw SQL (getting round the append-only triggers, as such a person could)."""

import hashlib
import io
import threading
from datetime import UTC

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import Role
from casework.audit import chain
from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import audit_record

SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
]


def tamper(sql: str, params=()):
    """Run raw SQL on the audit table the way someone with database access could: round the
    append-only triggers (they are back before this returns; the test's rollback undoes the rest)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # user triggers off
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(trigger)


def verify() -> tuple[int, list[str], str]:
    """Run audit_verify: its exit code, the problem lines it printed and its last line."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=StringIO())
        code, last = 0, out.getvalue().strip().splitlines()[-1]
    except CommandError as error:
        code, last = error.returncode, str(error)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("Audit log intact")]
    return code, lines, last


def _ids():
    return list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_an_entry_hash_is_sha256_of_the_documented_canonical_form(world):
    user = world.a.users[Role.PRACTICE_MANAGER]
    before = AuditEvent.objects.order_by("-pk").first()
    event = audit_record(
        actor=user, action="export", object_type="ssda903", object_id="E08000035/2026", rows=3, tables=["Header"]
    )
    event.refresh_from_db()
    # Written out by hand from the model's docstring, not by the code under test.
    when = event.occurred_at.astimezone(UTC)
    document = (
        f'{{"action":"export","actor_id":{user.pk},"actor_organisation_id":{world.a.org.pk},'
        '"detail":{"rows":3,"tables":["Header"]},"object_id":"E08000035/2026","object_type":"ssda903",'
        f'"occurred_at":"{when:%Y-%m-%dT%H:%M:%S.%f}Z","person_id":null,"previous_hash":"{before.entry_hash}"}}'
    )
    assert event.previous_hash == before.entry_hash
    assert event.entry_hash == hashlib.sha256(document.encode()).hexdigest()
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.entry_hash) == (event.pk, event.entry_hash)


@pytest.mark.django_db
def test_the_first_entry_chains_onto_64_zeros_and_floats_are_kept_as_text(db):
    assert not AuditEvent.objects.exists()
    event = audit_record(actor=None, action="create", object_type="synthetic.seed", share=0.25)
    event.refresh_from_db()
    assert event.previous_hash == "0" * 64
    assert event.detail == {"share": "0.25"}


@pytest.mark.django_db
def test_one_audit_write_costs_three_queries(world):
    user = world.a.users[Role.PRACTITIONER]
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=user, action="view", obj=world.a.people[0])
    # lock the chain head, insert the entry, move the head: nothing grows with the log
    assert len(queries.captured_queries) == 3


@pytest.mark.django_db
def test_an_untouched_log_verifies(world):
    code, problems, last = verify()
    assert (code, problems) == (0, [])
    assert last.startswith(f"Audit log intact: {AuditEvent.objects.count()} entries checked")


@pytest.mark.django_db
def test_an_edited_entry_is_reported_as_edited(world):
    ids = _ids()
    middle = ids[len(ids) // 2]
    tamper("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"reason": "forged"}', middle])
    code, problems, last = verify()
    assert code == 1
    assert problems == [f"EDITED: entry {middle} was changed after it was written"]
    assert last == f"1 problem in {len(ids)} audit entries"


@pytest.mark.django_db
def test_an_edited_actor_on_the_last_entry_is_reported(world):
    last_id = _ids()[-1]
    tamper("UPDATE audit_auditevent SET actor_id = 999 WHERE id = %s", [last_id])
    code, problems, _ = verify()
    assert (code, problems) == (1, [f"EDITED: entry {last_id} was changed after it was written"])


@pytest.mark.django_db
def test_a_deleted_entry_is_reported_as_a_break_in_the_chain(world):
    ids = _ids()
    k = len(ids) // 2
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [ids[k]])
    code, problems, _ = verify()
    assert code == 1
    assert len(problems) == 1
    assert problems[0].startswith(
        f"DELETED: the chain is broken between entry {ids[k - 1]} and entry {ids[k + 1]}: entries were deleted there"
    )


@pytest.mark.django_db
def test_entries_deleted_from_the_end_are_reported(world):
    ids = _ids()
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", [ids[-2]])
    code, problems, _ = verify()
    assert (code, problems) == (
        1,
        [f"DELETED: entries after {ids[-3]} up to entry {ids[-1]} (the last one written) are missing"],
    )


def _forge(pk: int, previous_hash: str, entry_hash: str, when):
    tamper(
        "INSERT INTO audit_auditevent (id, occurred_at, actor_id, actor_organisation_id, action, object_type, "
        "object_id, person_id, detail, previous_hash, entry_hash) "
        "VALUES (%s, %s, NULL, NULL, 'sign_in', 'accounts.user', '1', NULL, '{}', %s, %s)",
        [pk, when, previous_hash, entry_hash],
    )
    if connection.vendor == "postgresql":  # an explicit id leaves the sequence behind
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), %s)", [pk])


@pytest.mark.django_db
def test_a_forged_entry_is_reported_as_inserted(world):
    last = AuditEvent.objects.order_by("-pk").first()
    forged = last.pk + 1
    _forge(forged, "f" * 64, "e" * 64, "2026-01-01 10:00:00")
    after = audit_record(actor=None, action="create", object_type="synthetic.seed")  # the app writes on
    assert after.pk > forged
    code, problems, _ = verify()
    assert (code, problems) == (1, [f"INSERTED: entry {forged} was inserted: the chain passes over it"])


@pytest.mark.django_db
def test_a_forged_entry_with_hashes_that_fit_is_still_reported_as_inserted(world):
    last = AuditEvent.objects.order_by("-pk").first()
    forged = last.pk + 1
    fitting = chain.entry_hash(
        occurred_at=last.occurred_at,
        actor_id=None,
        actor_organisation_id=None,
        action="sign_in",
        object_type="accounts.user",
        object_id="1",
        person_id=None,
        detail={},
        previous_hash=last.entry_hash,
    )
    _forge(forged, last.entry_hash, fitting, last.occurred_at.strftime("%Y-%m-%d %H:%M:%S.%f+00:00"))
    # on its own at the end it fits the chain, but not the head the application recorded
    code, problems, _ = verify()
    assert (code, problems) == (
        1,
        [f"INSERTED: entry {forged} was inserted after the last entry the log recorded"],
    )
    # once the application writes again, its entry chains past the forged one
    audit_record(actor=None, action="create", object_type="synthetic.seed")
    code, problems, _ = verify()
    assert (code, problems) == (1, [f"INSERTED: entry {forged} was inserted: the chain passes over it"])


@pytest.mark.django_db(transaction=False)
def test_a_second_writer_waits_for_the_first_to_finish(world):
    """Two writers never chain onto the same entry: while one transaction has appended (and not
    yet committed), another cannot take the chain head. PostgreSQL only: SQLite takes its single
    write lock at BEGIN IMMEDIATE, before any read."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE")
    audit_record(actor=None, action="create", object_type="synthetic.seed")  # holds the head's lock
    outcome = {}

    def second_writer():
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SET LOCAL lock_timeout = '200ms'")
                try:
                    cursor.execute("SELECT id FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
                    outcome["locked"] = True
                except OperationalError as refused:
                    outcome["refused"] = str(refused)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    worker = threading.Thread(target=second_writer)
    worker.start()
    worker.join()
    assert "locked" not in outcome
    assert "lock timeout" in outcome["refused"]


@pytest.mark.django_db
def test_the_chain_survives_a_rolled_back_write(world):
    """A write rolled back with its transaction leaves the head where it was: the next entry
    chains onto the last committed one."""
    before = AuditChainHead.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="create", object_type="synthetic.seed")
        raise RuntimeError("the change this entry recorded failed")
    after = audit_record(actor=None, action="create", object_type="synthetic.seed")
    assert after.previous_hash == before.entry_hash
    assert verify()[0] == 0


@pytest.mark.django_db
def test_an_entrys_time_is_taken_once_the_chain_head_is_locked(db, monkeypatch):
    """So the log's times rise with its ids, whatever order writers reach the lock in, and a
    month's partition (PostgreSQL) holds one run of the chain (issue 14)."""
    from types import SimpleNamespace

    from django.utils import timezone

    from casework.audit import services

    steps = []
    locked_head = services._locked_head
    monkeypatch.setattr(services, "_locked_head", lambda: steps.append("lock") or locked_head())
    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=lambda: steps.append("time") or timezone.now()))
    audit_record(actor=None, action="create", object_type="synthetic.seed")
    services.audit_record_many(actor=None, entries=[services.Entry("view", "people.person", 1, 1, {})] * 2)
    assert steps == ["lock", "time", "lock", "time"]
    times = list(AuditEvent.objects.order_by("pk").values_list("occurred_at", flat=True))
    assert times == sorted(times)


@pytest.mark.django_db
def test_audit_verify_from_starts_after_the_months_archived(world):
    """``--from ID:HASH``: the last entry of the months archived and detached; the first entry
    left must link to it (the entries up to it are not read, as if detached)."""
    events = list(AuditEvent.objects.order_by("pk"))
    cut = events[len(events) // 2]
    out = io.StringIO()
    call_command("audit_verify", "--from", f"{cut.pk}:{cut.entry_hash}", stdout=out)
    assert f"{len(events) - len(events) // 2 - 1} entries checked" in out.getvalue()
    with pytest.raises(CommandError) as refused:
        call_command("audit_verify", "--from", f"{cut.pk}:{'0' * 64}", stdout=io.StringIO())
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="--from 'last month'"):
        call_command("audit_verify", "--from", "last month", stdout=io.StringIO())
