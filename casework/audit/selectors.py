"""Reads of the audit log: who in the practice viewed a person's record."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from casework.audit.models import AuditEvent
from casework.core import access

# What each page is, in words, by URL name (a page not listed shows its URL name).
PAGES = {
    "person_detail": "Person's page",
    "person_edit": "Change details",
    "case_detail": "Case",
    "case_allocate": "Allocate a worker",
    "case_close": "Close the case",
    "case_open": "Open a case",
    "case_note_add": "Add a case note",
    "case_note_edit": "Correct a case note",
    "relationship_create": "Add a relationship",
    "household_create": "Record a household",
    "household_detail": "Household",
    "household_register": "Register a household",
    "household_transfer": "Transfer a household",
    "person_register": "Register with the practice",
    "registration_end": "End registration",
    "registration_transfer": "Transfer to another practice",
    "registration_named_worker": "Change named worker",
    "looked_after_child": "Looked-after child's record",
    "looked_after_child_create": "Record that the child is looked after",
}

VIEW_ACTIONS = (AuditEvent.Action.VIEW, AuditEvent.Action.VIEW_REFUSED)


def person_for_audit(*, actor, person_id: int):
    """The person whose who-viewed log is asked for: the practice's people for those who audit
    (auditors have no other access to people), 404 outside the practice, 403 without the capability."""
    from casework.people.models import Person

    if access.can(actor, "audit.who_viewed"):
        people = access.audit_people(actor)
    else:
        people = access.scoped(actor, Person, restricted="include")
    person = access.one_or_404(people.only("pk", "given_name", "family_name"), pk=person_id)
    access.require(actor, "audit.who_viewed")
    return person


def record_views(*, actor, person) -> QuerySet:
    """Every time someone in the actor's practice opened, or was refused, a page of the person's
    record, newest first."""
    access.require(actor, "audit.who_viewed")
    return (
        access.scoped(actor, AuditEvent)
        .filter(person_id=person.pk, action__in=VIEW_ACTIONS)
        .order_by("-occurred_at", "-id")
    )


@dataclass(frozen=True)
class ViewRow:
    event: AuditEvent
    who: str
    role: str
    page: str
    refused: bool


def view_rows(*, actor, events) -> list[ViewRow]:
    """One page of entries in words: the user's name and role (one query for the page)."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids, organisation_id=actor.organisation_id)}
    rows = []
    for event in events:
        user = users.get(event.actor_id)
        url_name = (event.detail or {}).get("page", "")
        page = PAGES.get(url_name, url_name.replace("_", " ").capitalize() or "A page")
        if event.object_type not in ("people.person", "looked_after.lookedafterchild"):
            page = f"{page} ({event.object_type.split('.')[-1]} {event.object_id})"
        rows.append(
            ViewRow(
                event=event,
                who=(user.get_full_name() or user.username) if user else f"User {event.actor_id}",
                role=user.get_role_display() if user else "",
                page=page,
                refused=event.action == AuditEvent.Action.VIEW_REFUSED,
            )
        )
    return rows
