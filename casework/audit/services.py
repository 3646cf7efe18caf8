"""Writing to the audit log. Called inside the same transaction as the change it records."""

from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from casework.audit import chain
from casework.audit.models import AuditChainHead, AuditEvent
from casework.core import access

HEAD_ID = 1


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", person_id: int | None = None, **detail
) -> AuditEvent:
    """Append one entry, chained to the last (three queries: lock the head, insert, move the head).

    ``person_id`` says whose record the event is about; it is taken from ``obj`` when that is a
    person or has a ``person_id`` (a case, a note, a looked-after child). ``detail`` is ids, codes
    and counts only, never personal data.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
        if person_id is None:
            person_id = access.person_of(obj)
        opened = access.OPENED_RECORDS.get()
        if action == AuditEvent.Action.VIEW and opened:
            # the page logged this view itself: the middleware need not again
            opened[:] = [o for o in opened if o.refused or o.obj != obj]
    event = _event(actor, None, Entry(action, object_type, object_id, person_id, detail))
    _append([event])
    return event


class Entry(NamedTuple):
    """One entry to append: what was done to which object, about whom (``detail``: ids, codes and
    counts only)."""

    action: str
    object_type: str
    object_id: object
    person_id: int | None
    detail: dict


def audit_record_many(*, actor, entries: list[Entry]) -> list[AuditEvent]:
    """Append several entries by one actor, chained in the order given, in a fixed number of
    queries whatever their number: lock the head, insert them together, move the head."""
    events = [_event(actor, None, entry) for entry in entries]
    if events:
        _append(events)
    return events


def _event(actor, occurred_at, entry: Entry) -> AuditEvent:
    return AuditEvent(
        occurred_at=occurred_at,
        actor_id=getattr(actor, "pk", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=entry.action,
        object_type=entry.object_type,
        object_id="" if entry.object_id is None else str(entry.object_id),
        person_id=entry.person_id,
        detail=chain.plain_detail(entry.detail),
    )


def _append(events: list[AuditEvent]) -> None:
    """Chain the events onto the head, in order, and insert them (ids follow the list's order).
    An event without a time gets the time the head's lock was taken."""
    # savepoint=False: inside the caller's transaction this adds no queries; alone it makes one,
    # which the head's lock needs. The lock is held to the end of the caller's transaction.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        # taken under the lock, so the log's times rise with its ids: a month's partition holds
        # one run of the chain, and detaching the oldest months cuts it cleanly at its start
        now = timezone.now()
        previous = head.entry_hash
        for event in events:
            if event.occurred_at is None:
                event.occurred_at = now
            event.previous_hash = previous
            event.entry_hash = previous = chain.entry_hash(**{f: getattr(event, f) for f in chain.HASHED_FIELDS})
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
        last = events[-1].pk or AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        head.last_event_id, head.entry_hash = last, previous
        head.save(update_fields=["last_event_id", "entry_hash"])


def _locked_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends (PostgreSQL: row lock; SQLite takes the
    database's single write lock at BEGIN IMMEDIATE, so writers are already one at a time)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_ID).first()
    if head is None:
        # Migration 0005 creates the row; this only runs if it has gone. ignore_conflicts: a
        # second writer doing the same waits for the first and then finds its row.
        last = AuditEvent.objects.order_by("-pk").values_list("pk", "entry_hash").first()
        last_id, last_hash = last if last else (None, chain.GENESIS)
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(pk=HEAD_ID, last_event_id=last_id, entry_hash=last_hash)], ignore_conflicts=True
        )
        head = AuditChainHead.objects.select_for_update().get(pk=HEAD_ID)
    return head
