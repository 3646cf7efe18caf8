"""Reads of the audit log: who in the practice viewed a person's record, and the organisation's
whole log (the audit log page and its CSV)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.audit.models import AuditEvent
from casework.core import access, db_routers, downloads

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
    "api_person_list": "API list of people",
    "api_person_detail": "API: a person",
    "api_registration_list": "API list of registrations",
    "api_registration_detail": "API: a registration",
    "api_case_list": "API list of cases",
    "api_case_detail": "API: a case",
    "api_allocation_list": "API list of allocations",
    "api_allocation_detail": "API: an allocation",
    "api_case_note_list": "API list of case notes",
    "api_case_note_detail": "API: a case note",
    "api_looked_after_child_list": "API list of looked-after children",
    "api_looked_after_child_detail": "API: a looked-after child",
    "api_episode_list": "API list of a looked-after child's episodes",
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
            page = f"{page} ({event.object_type.split('.')[-1]} {_object_ids(event)})"
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


# The audit log page (practice managers and auditors: capability audit.log) ------------------

Action = AuditEvent.Action

# The kinds of event the page filters by: (label, actions).
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sign_in": (
        "Sign-in and MFA",
        (
            Action.SIGN_IN,
            Action.SIGN_OUT,
            Action.SIGN_IN_FAILED,
            Action.SIGN_IN_LOCKED_OUT,
            Action.MFA_SET_UP,
            Action.MFA_VERIFIED,
            Action.MFA_FAILED,
            Action.MFA_RECOVERY_USED,
            Action.MFA_CODES_RENEWED,
        ),
    ),
    "views": ("Records viewed and refused", VIEW_ACTIONS),
    "data": ("Downloads, exports and imports", (Action.EXPORT, Action.IMPORT)),
    "changes": (
        "Changes (created, updated, ended, removed, transferred, allocated)",
        (Action.CREATE, Action.UPDATE, Action.END, Action.DELETE, Action.TRANSFER, Action.ALLOCATE),
    ),
}

# What an entry's object is, in words (others: the model's own name, or the type as written).
THINGS = {
    "people.person": "person's record",
    "people.personrestriction": "restriction on a record",
    "people.restrictionaccess": "user named on a restriction",
    "looked_after.lookedafterchild": "looked-after child's record",
    "ssda903": "SSDA903 return",
    "accounts.user": "user account",
    "audit.auditevent": "audit log",
    "synthetic.seed": "synthetic data",
    "api.apitoken": "API token",
}
# Records shown by the person's Casework ID alone (in its own column), not by their own id.
PERSON_RECORDS = ("people.person",)


def log_events(
    *,
    actor,
    kind: str = "",
    user=None,
    date_from: date | None = None,
    date_to: date | None = None,
    person_id: int | None = None,
    until_now: bool = False,
) -> QuerySet:
    """The organisation's audit log (``access.scoped``: its staff's entries, and failed sign-ins
    and lockouts against its staff's accounts), filtered, newest first. ``user`` keeps what the
    user did and the failed sign-ins and lockouts against their account; dates are local days,
    both included. ``until_now`` stops at the last entry written so far (ids follow the chain's
    order), so entries written later (a download's own) are not read."""
    access.require(actor, "audit.log")
    events = access.scoped(actor, AuditEvent).defer("previous_hash", "entry_hash")
    if until_now:
        last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        events = events.filter(pk__lte=last or 0)
    if kind:
        events = events.filter(action__in=KINDS[kind][1])
    if user is not None:
        against = Q(actor_id__isnull=True, action__in=access.SIGN_IN_ATTEMPT_ACTIONS, object_id=str(user.pk))
        events = events.filter(Q(actor_id=user.pk) | against)
    if date_from is not None:
        events = events.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to is not None:
        events = events.filter(occurred_at__lt=_local_midnight(date_to + timedelta(days=1)))
    if person_id is not None:
        events = events.filter(person_id=person_id)
    return events.order_by("-occurred_at", "-id")


def log_export(*, actor, **filters) -> QuerySet:
    """The entries the audit log's CSV holds: ``log_events`` until now, read from the read
    replica when there is one (``core/db_routers.py``; the file is streamed after the view
    returns, so the queryset carries its database itself). The count the export's own entry
    records is read from there too, so it matches the file."""
    return db_routers.for_reports(log_events(actor=actor, until_now=True, **filters))


def log_user_choices(*, actor) -> QuerySet:
    """The organisation's users, to filter the log by one of them."""
    access.require(actor, "audit.log")
    return access.audit_users(actor).order_by("last_name", "first_name", "username")


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def user_label(user) -> str:
    return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


@dataclass(frozen=True)
class LogRow:
    occurred_at: datetime  # aware; shown in local time
    who: str
    role: str
    what: str
    person_id: int | None

    def csv_cells(self) -> list:
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M:%S")
        return [when, self.who, self.role, self.what, self.person_id or ""]


LOG_COLUMNS = ["When", "Who", "Role", "What", "Casework ID"]
NO_ACCOUNT = "Unknown or no account"


def log_rows(*, actor, events) -> list[LogRow]:
    """Entries in words: who (name and role), what (the action and its object, plus the detail's
    known keys: never anything else the detail holds), and the person's Casework ID. The users
    named are read in one query, whatever the number of entries."""
    events = list(events)
    ids = set()
    for event in events:
        ids.add(event.actor_id)
        if event.object_type == "accounts.user":
            ids.add(_as_id(event.object_id))
        if event.object_type == "people.restrictionaccess":
            ids.add(_as_id((event.detail or {}).get("user")))
    ids.discard(None)
    users = {u.pk: u for u in access.audit_users(actor).filter(pk__in=ids)} if ids else {}
    rows = []
    for event in events:
        user = users.get(event.actor_id)
        attempt = event.action in access.SIGN_IN_ATTEMPT_ACTIONS and event.actor_id is None
        if attempt:
            who, role = "—", ""
        elif user is not None:
            who, role = user.get_full_name() or user.username, user.get_role_display()
        else:
            who, role = NO_ACCOUNT, ""
        rows.append(LogRow(event.occurred_at, who, role, _what(event, users), event.person_id))
    return rows


def log_csv_lines(*, actor, events, chunk: int = 1000):
    """The CSV of every entry of ``events``, a line at a time: entries read ``chunk`` at a time,
    each chunk's users in one query."""
    writer = downloads.csv_writer(downloads.Echo())
    yield writer.writerow(LOG_COLUMNS)
    batch = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) == chunk:
            yield "".join(writer.writerow(row.csv_cells()) for row in log_rows(actor=actor, events=batch))
            batch = []
    if batch:
        yield "".join(writer.writerow(row.csv_cells()) for row in log_rows(actor=actor, events=batch))


def _object_ids(event: AuditEvent) -> str:
    """The record an entry is about, or the records a list showed ("12, 13"; ids only)."""
    listed = (event.detail or {}).get("ids")
    if isinstance(listed, list) and listed and not event.object_id:
        return ", ".join(str(i) for i in listed if isinstance(i, int))
    return event.object_id


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _user_words(users, user_id) -> str:
    user = users.get(_as_id(user_id))
    return (user.get_full_name() or user.username) if user else NO_ACCOUNT.lower()


@cache
def _thing_words(object_type: str) -> str:
    if object_type in THINGS:
        return THINGS[object_type]
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type.rsplit(".", 1)[-1].replace("_", " ") or "record"


def _what(event: AuditEvent, users) -> str:
    """One entry in plain English, from its action, object type and the detail's known keys."""
    action, kind, detail = event.action, event.object_type, event.detail or {}
    label = Action(action).label if action in Action.values else action
    if action == Action.SIGN_IN_FAILED:
        return f"Failed sign-in to the account of {_user_words(users, event.object_id)}"
    if action == Action.SIGN_IN_LOCKED_OUT:
        return f"{label}: the account of {_user_words(users, event.object_id)}"
    if action in (Action.SIGN_IN, Action.SIGN_OUT, Action.MFA_SET_UP, Action.MFA_CODES_RENEWED):
        return label
    if action == Action.MFA_VERIFIED:
        return f"{label} ({_MFA_METHODS.get(detail.get('method'), 'authenticator app')})"
    if action == Action.MFA_RECOVERY_USED:
        left = detail.get("codes_left")
        return f"{label} ({left} left)" if isinstance(left, int) else label
    if action == Action.MFA_FAILED:
        notes = [_MFA_STAGES.get(detail.get("stage"), ""), _MFA_METHODS.get(detail.get("method"), "")]
        if detail.get("throttled") is True:
            notes.append("refused unchecked: too soon after the last wrong code")
        notes = [n for n in notes if n]
        return f"{label} ({', '.join(notes)})" if notes else label
    if kind == "people.personrestriction" and action in (Action.CREATE, Action.END):
        return "Restricted a record" if action == Action.CREATE else "Lifted a restriction"
    if kind == "people.restrictionaccess" and action in (Action.CREATE, Action.DELETE):
        named = _user_words(users, detail.get("user"))
        return f"Named {named} on a restriction" if action == Action.CREATE else f"Took {named} off a restriction"

    if kind == "accounts.user":
        thing = f"user account of {_user_words(users, event.object_id)}"
    elif kind in PERSON_RECORDS or not _object_ids(event):
        thing = _thing_words(kind)
    elif kind == "contracts.contract" and action == Action.EXPORT:
        thing = f"monitoring report of contract {event.object_id}"
    else:
        thing = f"{_thing_words(kind)} {_object_ids(event)}"
    notes = []
    if action in VIEW_ACTIONS:
        url_name = detail.get("page")
        if isinstance(url_name, str) and url_name:
            notes.append(f"page: {PAGES.get(url_name, url_name.replace('_', ' ').capitalize())}")
    if action in (Action.EXPORT, Action.IMPORT):
        if isinstance(detail.get("format"), str):
            notes.append(detail["format"].upper())
        if isinstance(detail.get("via"), str):
            notes.append(f"by the {detail['via']} command")
    if action == Action.VIEW_REFUSED:
        label = "Refused (restricted record)"
    return f"{label}: {thing}" + (f" ({', '.join(notes)})" if notes else "")


_MFA_STAGES = {"set_up": "while setting up an app", "verify": "while signing in"}
_MFA_METHODS = {
    "totp": "authenticator app",
    "recovery_code": "recovery code",
    "demo_sign_in": "one-click demo sign-in, no code",  # make demo only: casework/accounts/demo.py
}
