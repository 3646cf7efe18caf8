"""The chain head must be there and agree with the log, and an anchor kept outside the database
catches what the chain alone cannot: a tail rewritten consistently, every hash recomputed from
some entry on (issue 13, finding 10).

Tampering is raw SQL round the append-only triggers, as in test_hash_chain.py, on SQLite and
PostgreSQL alike."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from casework.audit import chain
from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import audit_record
from tests.audit.test_hash_chain import tamper

ANCHOR_LINE = re.compile(r"^(\d+):([0-9a-f]{64}) taken (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


def run(command: str, *args) -> tuple[int, str]:
    """A command's exit code and everything it printed (and its error, if it failed)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    return code, out.getvalue() + err.getvalue()


def anchor() -> str:
    code, printed = run("audit_anchor")
    assert code == 0, printed
    return printed.strip()


def rewrite_tail_from(first_id: int):
    """What someone with the database's owner rights can do that the chain alone cannot show:
    change an entry and recompute every hash from it to the end, and the head with them."""
    rows = AuditEvent.objects.filter(pk__gte=first_id).order_by("pk")
    previous = AuditEvent.objects.filter(pk__lt=first_id).order_by("-pk").values_list("entry_hash", flat=True).first()
    previous = previous or chain.GENESIS
    for row in rows:
        detail = {"rewritten": True} if row.pk == first_id else row.detail
        fields = {f: getattr(row, f) for f in chain.HASHED_FIELDS} | {"detail": detail, "previous_hash": previous}
        new_hash = chain.entry_hash(**fields)
        tamper(
            "UPDATE audit_auditevent SET detail = %s, previous_hash = %s, entry_hash = %s WHERE id = %s",
            [json.dumps(detail), previous, new_hash, row.pk],
        )
        previous, last_id = new_hash, row.pk
    AuditChainHead.objects.update(last_event_id=last_id, entry_hash=previous)


@pytest.mark.django_db
def test_a_deleted_chain_head_fails_verify(world):
    assert run("audit_verify")[0] == 0
    AuditChainHead.objects.all().delete()
    code, printed = run("audit_verify")
    assert code == 1
    assert "HEAD: the chain head row (audit_auditchainhead) is missing" in printed
    assert "intact" not in printed


@pytest.mark.django_db
def test_a_head_that_does_not_fit_an_empty_log_fails_verify(db):
    assert not AuditEvent.objects.exists()
    assert run("audit_verify")[0] == 0
    AuditChainHead.objects.update(last_event_id=None, entry_hash="f" * 64)
    code, printed = run("audit_verify")
    assert code == 1 and "HEAD: the chain head names no entry but a hash other than the start's" in printed


@pytest.mark.django_db
def test_audit_anchor_prints_the_last_entry_and_appends_to_a_file(world, tmp_path):
    last = AuditEvent.objects.order_by("-pk").first()
    line = anchor()
    match = ANCHOR_LINE.match(line)
    assert match, line
    assert (int(match[1]), match[2]) == (last.pk, last.entry_hash)

    kept = tmp_path / "audit-anchors.txt"
    assert run("audit_anchor", "--output", str(kept))[0] == 0
    newer = audit_record(actor=None, action="create", object_type="synthetic.seed")
    assert run("audit_anchor", "--output", str(kept))[0] == 0
    lines = kept.read_text().splitlines()
    assert [ANCHOR_LINE.match(x)[1] for x in lines] == [str(last.pk), str(newer.pk)]
    # The log goes on growing after an anchor: every anchor in the file still fits.
    audit_record(actor=None, action="create", object_type="synthetic.seed")
    code, printed = run("audit_verify", "--anchor-file", str(kept))
    assert code == 0, printed
    assert "2 anchors checked" in printed


@pytest.mark.django_db
def test_a_tail_rewritten_consistently_passes_alone_and_fails_against_an_anchor(world, tmp_path):
    ids = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    taken = anchor()
    anchored_id = int(taken.split(":")[0])
    kept = tmp_path / "anchors.txt"
    kept.write_text(taken + "\n")
    audit_record(actor=None, action="create", object_type="synthetic.seed")  # the log goes on

    rewrite_tail_from(ids[len(ids) // 2])
    assert run("audit_verify")[0] == 0  # the chain alone cannot tell
    code, printed = run("audit_verify", "--anchor", taken.split()[0])
    assert code == 1
    assert f"ANCHOR: entry {anchored_id} no longer has the hash kept outside the database" in printed
    assert "intact" not in printed
    assert run("audit_verify", "--anchor-file", str(kept))[0] == 1


@pytest.mark.django_db
def test_an_anchored_entry_deleted_with_the_tail_fails(world):
    taken = anchor()
    anchored_id = int(taken.split(":")[0])
    ids = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    tamper("DELETE FROM audit_auditevent WHERE id >= %s", [ids[-3]])
    survivor = AuditEvent.objects.get(pk=ids[-4])
    AuditChainHead.objects.update(last_event_id=survivor.pk, entry_hash=survivor.entry_hash)  # and the head
    assert run("audit_verify")[0] == 0
    code, printed = run("audit_verify", "--anchor", taken.split()[0])
    assert code == 1 and f"ANCHOR: entry {anchored_id}, kept outside the database, is missing" in printed


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["", "12", "x:abc", "12:" + "g" * 64, "12:" + "a" * 63])
def test_a_malformed_anchor_is_refused_in_plain_english(world, tmp_path, bad):
    code, printed = run("audit_verify", "--anchor", bad)
    assert code != 0 and "The anchor must be the entry's id and hash" in printed
    kept = tmp_path / "anchors.txt"
    kept.write_text(f"# anchors\n{bad} taken 2026-12-07T15:00:00Z\n")
    code, printed = run("audit_verify", "--anchor-file", str(kept))
    assert code != 0 and "line 2" in printed
    code, printed = run("audit_verify", "--anchor-file", str(tmp_path / "missing.txt"))
    assert code != 0 and "cannot be read" in printed


@pytest.mark.django_db
def test_audit_anchor_refuses_an_empty_log_or_a_head_that_does_not_fit(db):
    code, printed = run("audit_anchor")
    assert code == 1 and "nothing to anchor" in printed
    audit_record(actor=None, action="create", object_type="synthetic.seed")
    AuditChainHead.objects.update(entry_hash="f" * 64)
    code, printed = run("audit_anchor")
    assert code == 1 and "run audit_verify" in printed


@pytest.mark.django_db
def test_every_anchor_given_is_checked_even_two_for_one_entry(world):
    good = anchor().split()[0]
    event_id = good.split(":")[0]
    assert run("audit_verify", "--anchor", good)[0] == 0
    code, printed = run("audit_verify", "--anchor", f"{event_id}:{'0' * 64}", "--anchor", good)
    assert code == 1 and printed.count("ANCHOR:") == 1
