"""The audit log's hash chain: how an entry's hash is made, and how the chain is checked.

Pure functions, no database: ``audit.services`` appends with them, ``audit_verify`` and the data
migration that chained the rows already there use them too. The canonical form is a stored
format: changing it makes every existing hash wrong, so it may only change with a migration that
re-chains the log (and a note in docs/security.md saying why).
"""

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

# The previous_hash of the very first entry.
GENESIS = "0" * 64
# An anchor kept outside the database: an entry's id and its entry_hash (audit_anchor, audit_verify).
ANCHOR_FORM = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")

# The fields an entry's hash covers, in the order the model docstring lists them.
HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_organisation_id",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "detail",
    "previous_hash",
)


def plain_detail(value):
    """``detail`` as JSON that reads back identically from SQLite and PostgreSQL: strings, whole
    numbers, booleans and null, in lists and objects with string keys. Anything else (a float, a
    date, a Decimal) is kept as its text, because jsonb rewrites some numbers (1e20 comes back as
    100000000000000000000) and the hash must survive the round trip."""
    if isinstance(value, dict):
        return {str(k): plain_detail(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_detail(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def timestamp(occurred_at: datetime) -> str:
    return occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    occurred_at: datetime,
    actor_id: int | None,
    actor_organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    person_id: int | None,
    detail: dict,
    previous_hash: str,
) -> bytes:
    """The bytes an entry's hash is taken over (see ``AuditEvent``'s docstring for the form)."""
    document = {
        "action": action,
        "actor_id": actor_id,
        "actor_organisation_id": actor_organisation_id,
        "detail": detail,
        "object_id": object_id,
        "object_type": object_type,
        "occurred_at": timestamp(occurred_at),
        "person_id": person_id,
        "previous_hash": previous_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def entry_hash(**fields) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One row as read back for checking: its id, the hashed fields and its stored entry_hash."""

    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    person_id: int | None
    detail: dict
    previous_hash: str
    entry_hash: str

    def content_fits(self) -> bool:
        return entry_hash(**{f: getattr(self, f) for f in HASHED_FIELDS}) == self.entry_hash


@dataclass(frozen=True)
class Problem:
    kind: str  # "edited", "inserted", "deleted", "head" or "anchor"
    event_id: int | None
    message: str

    def __str__(self):
        return f"{self.kind.upper()}: {self.message}"


@dataclass
class Verdict:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    last_id: int | None = None
    last_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return not self.problems


def verify(
    entries: Iterable[Entry],
    *,
    head: tuple[int | None, str] | None,
    anchors: Iterable[tuple[int, str]] = (),
    start: tuple[int, str] | None = None,
) -> Verdict:
    """Walk the entries in id order and say what was done to the chain.

    * edited: the entry's fields no longer give its stored hash;
    * inserted: the chain passes over the entry (the next entry links to the one before it), or
      the entry comes after the chain head the application recorded;
    * deleted: the chain breaks (an entry links to a hash no entry has), or entries the chain
      head recorded are gone from the end.

    An entry whose link does not fit is held until the next entry says which it is: if the next
    one links past it, it was inserted; otherwise entries were deleted just before it. ``head``
    is (last event id, its entry hash) from the chain-head row, or None if there is none: a
    missing head, or one that names no entry but a hash, is a problem in itself ("head").

    ``anchors`` are (entry id, entry hash) pairs an operator kept outside the database
    (``audit_anchor``): each entry must still be there with that hash ("anchor"), which catches a
    tail rewritten consistently from before the anchor, every hash recomputed.

    ``start`` is (entry id, entry hash) of the last entry of months archived and detached
    (docs/security.md "Audit"): the walk begins as if that entry had just been accepted, so the
    first entry left must link to it.
    """
    verdict = Verdict()
    problems = verdict.problems
    tip_id, tip_hash = start if start is not None else (None, GENESIS)  # the last entry accepted
    before_id, before_hash = None, None  # the accepted entry before it
    held: Entry | None = None
    # accepted entries written after the last one the chain head recorded (None: no head row)
    head_last = None if head is None else (head[0] or 0)
    after_head: list[int] = []
    anchored = list(anchors)
    anchored_ids = {event_id for event_id, _ in anchored}
    found: dict[int, str] = {}

    def accept(entry: Entry):
        nonlocal tip_id, tip_hash, before_id, before_hash
        if not entry.content_fits():
            problems.append(Problem("edited", entry.id, f"entry {entry.id} was changed after it was written"))
        before_id, before_hash = tip_id, tip_hash
        tip_id, tip_hash = entry.id, entry.entry_hash
        if head_last is not None and entry.id > head_last:
            after_head.append(entry.id)

    for entry in entries:
        verdict.checked += 1
        if entry.id in anchored_ids:
            found[entry.id] = entry.entry_hash
        if held is not None:
            if entry.previous_hash == tip_hash:
                problems.append(Problem("inserted", held.id, f"entry {held.id} was inserted: the chain passes over it"))
                held = None
                accept(entry)
                continue
            problems.append(Problem("deleted", held.id, _gap(tip_id, held.id)))
            accept(held)
            held = None
        if entry.previous_hash == tip_hash:
            accept(entry)
        elif before_hash is not None and entry.previous_hash == before_hash:
            # it links to the entry before the tip: the tip was slipped in with a hash that fitted
            problems.append(Problem("inserted", tip_id, f"entry {tip_id} was inserted: the chain passes over it"))
            if tip_id in after_head:
                after_head.remove(tip_id)
            tip_id, tip_hash = before_id, before_hash
            accept(entry)
        else:
            held = entry

    if held is not None:
        if head is not None and head == (held.id, held.entry_hash):
            problems.append(Problem("deleted", held.id, _gap(tip_id, held.id)))
            accept(held)
        else:
            problems.append(Problem("inserted", held.id, f"entry {held.id} was inserted: it links to no entry"))
    for event_id in after_head:
        problems.append(
            Problem("inserted", event_id, f"entry {event_id} was inserted after the last entry the log recorded")
        )
    if head_last and not after_head and head != (tip_id, tip_hash):
        if tip_id is None or head_last > tip_id:
            problems.append(
                Problem(
                    "deleted",
                    head[0],
                    f"entries after {tip_id or 'the start'} up to entry {head[0]} (the last one written) are missing",
                )
            )
        elif head[0] == tip_id:
            problems.append(Problem("edited", tip_id, f"entry {tip_id} has a different hash from the one recorded"))
    problems.extend(_head_problems(head))
    problems.extend(_anchor_problems(anchored, found))
    verdict.last_id, verdict.last_hash = tip_id, tip_hash
    return verdict


def _head_problems(head: tuple[int | None, str] | None) -> list[Problem]:
    if head is None:
        return [
            Problem(
                "head",
                None,
                "the chain head row (audit_auditchainhead) is missing: entries deleted from the end of the log "
                "would not show, so the log cannot be vouched for; check it against an anchor kept outside "
                "the database (audit_verify --anchor)",
            )
        ]
    if head[0] is None and head[1] != GENESIS:
        return [Problem("head", None, "the chain head names no entry but a hash other than the start's")]
    return []


def _anchor_problems(anchored: list[tuple[int, str]], found: dict[int, str]) -> list[Problem]:
    problems = []
    for event_id, kept_hash in sorted(set(anchored)):
        if event_id not in found:
            problems.append(
                Problem(
                    "anchor",
                    event_id,
                    f"entry {event_id}, kept outside the database, is missing: the log was cut back or rewritten",
                )
            )
        elif found[event_id] != kept_hash:
            problems.append(
                Problem(
                    "anchor",
                    event_id,
                    f"entry {event_id} no longer has the hash kept outside the database: the log was rewritten "
                    f"from entry {event_id} or before",
                )
            )
    return problems


def parse_anchor(text: str) -> tuple[int, str]:
    """``ID:HASH`` (what ``audit_anchor`` prints first on its line) as (id, hash); ValueError in
    plain English otherwise."""
    match = ANCHOR_FORM.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(
            "The anchor must be the entry's id and hash as audit_anchor prints them, like 1234:<64 hex digits>"
        )
    return int(match[1]), match[2]


def _gap(after_id: int | None, before_id: int) -> str:
    if after_id is None:
        return f"the chain is broken before entry {before_id}: entries were deleted from the start of the log"
    return (
        f"the chain is broken between entry {after_id} and entry {before_id}: entries were deleted there "
        f"(or entry {after_id} was rewritten together with its hash)"
    )
