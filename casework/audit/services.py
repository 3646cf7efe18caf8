"""Writing to the audit log. Called inside the same transaction as the change it records."""

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
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_organisation_id=getattr(actor, "organisation_id", None),
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        person_id=person_id,
        detail=chain.plain_detail(detail),
    )
    # savepoint=False: inside the caller's transaction this adds no queries; alone it makes one,
    # which the head's lock needs. The lock is held to the end of the caller's transaction.
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        event.previous_hash = head.entry_hash
        event.entry_hash = chain.entry_hash(**{f: getattr(event, f) for f in chain.HASHED_FIELDS})
        event.save(force_insert=True)
        head.last_event_id, head.entry_hash = event.pk, event.entry_hash
        head.save(update_fields=["last_event_id", "entry_hash"])
    return event


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
