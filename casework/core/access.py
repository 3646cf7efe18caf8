"""Who sees what: the one access module.

Every selector starts from ``scoped(actor, Model)``; every action checks ``require(actor,
capability)``. Nothing else decides access to personal data. Two kinds of answer:

* scope (which rows): a row outside it does not exist for the actor, so views answer 404;
  object selectors (``*_get``) check scope only, so any role outside it gets 404, never a
  403 that would confirm the record exists;
* capability (which actions): a role without it gets 403 for the whole action, checked after
  the object is found in scope.

Rules, in the field's words:

* Practice staff (practitioners, team managers, practice managers) see people who are or were
  registered with their practice, or whom their practice recorded; and only their own
  practice's cases, allocations, notes, registrations, households and relationships. After a
  transfer the sending practice keeps its own earlier records and nothing the receiving
  practice writes.
* Reading is not changing. What a practice may change now (``changeable``, a second scope inside
  the first) leaves out everyone another practice holds now: a person with a current
  registration at another practice, and every row about them. The practice a person has left
  keeps reading its own earlier records (the person's page and chronology, its old cases, notes,
  households), without the person's current details, and changes none of it: every form page
  about them answers 404 and every service refuses (``require_changeable``). A person whom no
  practice holds now (recorded and never registered, such as a parent in a household, or whose
  registration ended with no one taking them on) stays changeable by the practices that see
  them, so they can be registered again.
* Looked-after children's records (episodes, reviews, visits, health ...) belong to the practice
  that recorded them, like cases.
* Commissioner officers, evaluators and auditors see no person-level records on pages:
  commissioners see aggregate counts for the practices they commission, and download the SSDA903
  return for the children they are responsible for (``return_children``), whichever practice
  holds them: the return is the authority's own statutory data.
* System administrators run the Django admin for organisations, teams, workers and users.

Restricted records (``people.PersonRestriction``): a practice manager may restrict a person;
then only the users named on the restriction see anything of the person's record beyond the
name. For everyone else in that practice, ``scoped`` leaves out every row about the person
(cases, allocations, notes, registrations, households, relationships, looked-after records, and
the person themself), so no selector can show them by accident; lists that must still show the
name ask for ``restricted="mark"`` and show a marked row by name only; object selectors open
records through ``open_record``, which answers "This record is restricted" (403, and logged)
instead of 404. Not named means not named: the practice manager who set the restriction sees
no more than anyone else unless they name themself. Counts and statutory returns include
restricted people (``restricted="include"``): a count says nothing about one person, and the
authority is entitled to its 903 return.
* Practice managers and auditors read who in their practice viewed a person's record (the audit
  log's view entries): ``audit_people`` and the ``AuditEvent`` rule; and their organisation's whole
  audit log (``audit.log``): what its own staff did and saw, and the failed sign-ins and lockouts
  against its staff's accounts (``AuditEvent`` rule, ``audit_users``). A failed sign-in with a
  username that is no one's account belongs to no organisation and is in no one's scope.
"""

from contextvars import ContextVar
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.http import Http404

from casework.accounts.models import Role

PRACTICE_ROLES = frozenset({Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRACTICE_MANAGER})
MANAGER_ROLES = frozenset({Role.TEAM_MANAGER, Role.PRACTICE_MANAGER})

# capability -> roles that have it. docs/architecture.md lists these; tests walk them.
CAPABILITIES: dict[str, frozenset[str]] = {
    "person.view": PRACTICE_ROLES,
    "person.create": PRACTICE_ROLES,
    "person.update": PRACTICE_ROLES,
    "relationship.manage": PRACTICE_ROLES,
    "household.manage": PRACTICE_ROLES,
    "note.add": PRACTICE_ROLES,
    "registration.manage": MANAGER_ROLES,
    "case.manage": MANAGER_ROLES,
    "allocation.manage": MANAGER_ROLES,
    "practice_list.view": PRACTICE_ROLES,
    "caseload.own": PRACTICE_ROLES,
    "caseload.team": MANAGER_ROLES,
    "caseload.practice": frozenset({Role.PRACTICE_MANAGER}),
    "workforce.view": PRACTICE_ROLES,
    "commissioning.aggregates": frozenset({Role.COMMISSIONER_OFFICER}),
    "looked_after.record": PRACTICE_ROLES,
    "looked_after.return_check": MANAGER_ROLES,
    "looked_after.return_download": frozenset({Role.COMMISSIONER_OFFICER}),
    "contract.manage": frozenset({Role.COMMISSIONER_OFFICER}),
    "contract.view": MANAGER_ROLES | {Role.COMMISSIONER_OFFICER},
    "admin.site": frozenset({Role.SYSTEM_ADMINISTRATOR}),
    "person.restrict": frozenset({Role.PRACTICE_MANAGER}),
    "audit.who_viewed": frozenset({Role.PRACTICE_MANAGER, Role.AUDITOR}),
    "audit.log": frozenset({Role.PRACTICE_MANAGER, Role.AUDITOR}),
}


# From each contracts model to its Contract's fields.
CONTRACT_PATHS = {"Contract": "", "ContractYear": "contract__", "ContractMeasure": "contract_year__contract__"}


def can(actor, capability: str) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return actor.role in CAPABILITIES[capability]


def require(actor, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(capability)


def is_practice_staff(actor) -> bool:
    return getattr(actor, "is_authenticated", False) and actor.role in PRACTICE_ROLES


def scoped(actor, model: type[Model], *, restricted: str = "exclude", per_candidate: bool = False) -> QuerySet:
    """All rows of ``model`` the actor may read (the base of every selector).

    ``restricted`` says what to do with rows about people restricted from the actor:
    "exclude" (the default) leaves them out; "mark" keeps them, each row annotated
    ``is_restricted`` (show such a row by the person's name only, or refuse it: ``open_record``);
    "include" keeps them unmarked, only for counts and statutory returns that show nothing
    about any one person on a page.

    ``per_candidate`` (people only) checks the scope candidate by candidate, for a query whose
    other conditions an index serves first (the person search): the same rows, another plan.
    """
    if per_candidate and model._meta.label != "people.Person":
        raise ValueError("per_candidate is for people")
    if restricted not in ("exclude", "mark", "include"):
        raise ValueError(f"restricted must be exclude, mark or include, not {restricted!r}")
    memo = REQUEST_MEMO.get()
    key = ("scoped", actor.pk, model, restricted, per_candidate)
    if memo is not None and key in memo:
        return memo[key].all()  # a fresh clone: the kept queryset itself is never evaluated
    rows = _scoped(actor, model, restricted, per_candidate)
    if memo is not None:
        memo[key] = rows
        return rows.all()
    return rows


def _scoped(actor, model, restricted: str, per_candidate: bool) -> QuerySet:
    rows = _practice_scope(actor, model, per_candidate=per_candidate)
    fields = _person_fields(model)
    if not fields or restricted == "include" or not getattr(actor, "is_authenticated", False):
        return rows
    hidden = _restricted_ids_or_query(actor)
    if restricted == "exclude":
        if not hidden and isinstance(hidden, list):
            return rows  # no one is restricted from the actor: nothing to leave out
        about = Q()
        for f in fields:
            about |= Q(**{f"{f}__in": hidden})
        return rows.exclude(about)
    return rows.annotate(is_restricted=_restricted_flag(model, fields, hidden))


def held_elsewhere(actor) -> QuerySet:
    """The ids (``person_id``) of the people another practice holds now: a current registration
    with a practice that is not the actor's. A subquery, embedded in every ``changeable`` query.

    "Current" is as the registration app has it: no end date (one such row per person, a database
    constraint). A registration never ends, nor starts, in the future (``registration/services.py``
    refuses future dates, and a transfer ends one registration and starts the next on the same,
    not future, day), so a row with no end date is the person's registration today."""
    return held_by_another_practice(getattr(actor, "organisation_id", None))


# What the practice holding someone now may have recorded since they left the actor's practice:
# the practice they left sees none of it, on any page (``without_details_held_elsewhere``).
CURRENT_DETAILS = ("nhs_number", "upn", "address_line_1", "address_line_2", "town", "postcode")


def without_details_held_elsewhere(actor, people: list, *, read_with_them: bool = False) -> list:
    """``people`` (Person objects, loaded for a page), with the current details of anyone another
    practice holds now blanked on the objects themselves, so no template can show them; each is
    marked ``held_elsewhere``. One query whatever the number of people; none when the people were
    read annotated with ``held_elsewhere_now`` (``read_with_them``, as the person search does)."""
    ids = [p.pk for p in people]
    if read_with_them:
        held = {p.pk for p in people if p.held_elsewhere_now}  # AttributeError: not read annotated
    elif ids:
        held = set(held_elsewhere(actor).filter(person_id__in=ids).values_list("person_id", flat=True))
    else:
        held = set()
    for person in people:
        person.held_elsewhere = person.pk in held
        if person.held_elsewhere:
            for detail in CURRENT_DETAILS:
                setattr(person, detail, "")
    return people


def held_elsewhere_now(actor) -> Subquery:
    """Whether another practice holds the person now, for ``annotate(held_elsewhere_now=...)`` on
    people about to be shown (``without_details_held_elsewhere(..., read_with_them=True)``): the
    person's id, or None when no other practice does. A scalar subquery per person on the
    registrations' person index, not EXISTS, which PostgreSQL answers by hashing every current
    registration of the other practices (47,000 rows at 100,000 people) for a page of 25."""
    per_person = held_elsewhere(actor).filter(person_id=OuterRef("pk")).order_by()[:1]
    return Subquery(per_person)


def held_by_another_practice(practice_id) -> QuerySet:
    """``held_elsewhere`` for a practice rather than an actor (the 903 import, which works for the
    practice it writes into)."""
    from casework.registration.models import Registration

    return Registration.objects.filter(end_date__isnull=True).exclude(practice_id=practice_id).values("person_id")


def changeable(actor, model: type[Model], *, restricted: str = "exclude") -> QuerySet:
    """The rows of ``model`` the actor may change now (the base of every form page and write):
    those ``scoped`` gives (restricted records as there) that are about no one another practice
    holds now (``held_elsewhere``). For a relationship, neither side may be held elsewhere. A
    household is changeable while at least one of its current members is not held elsewhere (the
    practice goes on working with the family members it still holds; what is about the one who
    left is refused person by person). Rows about no person are as ``scoped``."""
    from casework.people.models import Household, HouseholdMembership

    rows = scoped(actor, model, restricted=restricted)
    fields = _person_fields(model)
    if not fields:
        return rows
    elsewhere = held_elsewhere(actor)
    if model is Household:
        still_ours = HouseholdMembership.objects.filter(household_id=OuterRef("pk"), left_on__isnull=True).exclude(
            person_id__in=elsewhere
        )
        return rows.filter(Exists(still_ours))
    for f in fields:
        rows = rows.exclude(**{f"{f}__in": elsewhere})
    return rows


def may_change(actor, obj: Model) -> bool:
    """Whether the actor may change ``obj`` now (one query): ``changeable`` for one row. The row's
    people are looked up in the current registrations one by one (NOT EXISTS, served by the
    registrations' person index), where ``changeable``'s uncorrelated NOT IN, right for lists,
    would read every current registration of the other practices for a single page (issue 14)."""
    from casework.people.models import Household

    model = type(obj)
    fields = _person_fields(model)
    if not fields or model is Household:
        return changeable(actor, model, restricted="include").filter(pk=obj.pk).exists()
    rows = scoped(actor, model, restricted="include").filter(pk=obj.pk)
    for f in fields:
        rows = rows.exclude(Exists(held_elsewhere(actor).filter(person_id=OuterRef(f))))
    return rows.exists()


def require_changeable(actor, *objs: Model) -> None:
    """For services: every object must be in the actor's ``changeable`` scope, or 404 (as a view
    answers for a record outside scope). Restricted records are refused where they are opened
    (``open_record``), so they are not refused again here."""
    for obj in objs:
        if not may_change(actor, obj):
            raise Http404(f"No {obj._meta.verbose_name} found that you may change")


# Capabilities that change someone's record: a page about someone the actor may no longer change
# offers none of them (``page_capabilities``).
RECORD_CHANGES = frozenset(
    {
        "person.update",
        "relationship.manage",
        "household.manage",
        "note.add",
        "registration.manage",
        "case.manage",
        "allocation.manage",
        "looked_after.record",
        "person.restrict",
    }
)


def page_capabilities(actor, *, changeable_now: bool) -> dict[str, bool]:
    """The ``can`` of a page (as ``core/context_processors.py`` gives every page), without the
    capabilities that change a record when the page's record is not changeable now, so the page
    offers no link to a form the actor cannot use."""
    return {
        cap.replace(".", "_"): can(actor, cap) and (changeable_now or cap not in RECORD_CHANGES) for cap in CAPABILITIES
    }


def _practice_scope(actor, model: type[Model], *, per_candidate: bool = False) -> QuerySet:
    from casework.audit.models import AuditEvent
    from casework.cases.models import Allocation, Case, CaseNote
    from casework.organisations.models import Commissioning, Organisation, Team, Worker
    from casework.people.models import (
        Household,
        HouseholdMembership,
        Person,
        PersonRestriction,
        Relationship,
        RestrictionAccess,
    )
    from casework.registration.models import Registration

    manager = model._default_manager
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return manager.none()
    org_id = actor.organisation_id

    if model._meta.label == "jobs.Job":
        # a background job is its requester's alone (casework/jobs/selectors.py says why)
        return manager.filter(requested_by_id=actor.pk, organisation_id=org_id)
    if model is Organisation:
        if actor.role == Role.COMMISSIONER_OFFICER:
            commissioned = Commissioning.objects.filter(commissioner_id=org_id).values("practice_id")
            return manager.filter(Q(pk=org_id) | Q(pk__in=commissioned))
        return manager.filter(pk=org_id)
    if model is Commissioning:
        return manager.filter(Q(commissioner_id=org_id) | Q(practice_id=org_id))
    if model._meta.app_label == "contracts":
        # a contract is seen by the commissioner that let it and the managers of the practice that holds it
        if not can(actor, "contract.view"):
            return manager.none()
        path = CONTRACT_PATHS[model.__name__]
        return manager.filter(Q(**{f"{path}commissioner_id": org_id}) | Q(**{f"{path}practice_id": org_id}))

    if model is AuditEvent:
        # what the organisation's own staff did and saw, and the failed sign-ins and lockouts
        # against its staff's accounts (no actor: the account's id is the object), for those who
        # audit; a failed sign-in with an unknown username (object_id "") is no organisation's
        if not (can(actor, "audit.who_viewed") or can(actor, "audit.log")):
            return manager.none()
        return manager.filter(Q(actor_organisation_id=org_id) | _attempts_on_accounts_of(org_id))
    if model is PersonRestriction or model is RestrictionAccess:
        # who may see a restricted record is itself kept to those who set it
        if not can(actor, "person.restrict"):
            return manager.none()
        path = "" if model is PersonRestriction else "restriction__"
        return manager.filter(**{f"{path}organisation_id": org_id})

    if actor.role not in PRACTICE_ROLES:
        return manager.none()

    if model is Person:
        return _practice_people(org_id, per_candidate=per_candidate)
    if model is Registration:
        return manager.filter(practice_id=org_id)
    if model is HouseholdMembership:
        return manager.filter(household__organisation_id=org_id)
    if model in (Case, Allocation, CaseNote, Household, Relationship, Worker, Team) or _is_looked_after_record(model):
        return manager.filter(organisation_id=org_id)
    raise LookupError(f"No access rule for {model.__name__}: add one to casework/core/access.py")


def _is_looked_after_record(model) -> bool:
    return model._meta.app_label == "looked_after"


def _practice_people(org_id, *, per_candidate: bool = False) -> QuerySet:
    from casework.people.models import Person
    from casework.registration.models import Registration

    if per_candidate:
        # For a query an index has narrowed to a few candidates first (the person search): each
        # candidate's registrations with the practice looked up by the registrations' person
        # index, where the IN below builds the practice's whole list (51,000 rows at 100,000
        # people) on every search. A scalar subquery (the first such registration's id, or NULL),
        # not EXISTS: PostgreSQL turns an EXISTS under OR back into that whole list, hashed, once
        # it expects a few thousand candidates (a broad surname); a scalar subquery it runs per
        # candidate. The practice compared as practice_id + 0, which no index serves, so a planner
        # without statistics (a new SQLite database) cannot walk the practice's index per
        # candidate instead of the person's.
        registered_here = (
            Registration.objects.alias(practice_plus_zero=F("practice_id") + 0)
            .filter(person_id=OuterRef("pk"), practice_plus_zero=org_id)
            .order_by()
            .values("pk")[:1]
        )
        return Person.objects.alias(registered_here=Subquery(registered_here)).filter(
            Q(organisation_id=org_id) | Q(registered_here__isnull=False)
        )

    # An uncorrelated IN: both databases build the set of the practice's people once, where a
    # correlated EXISTS was re-run per candidate row (seconds at 100,000 people on SQLite).
    registered_here = Registration.objects.filter(practice_id=org_id).values("person_id")
    return Person.objects.filter(Q(organisation_id=org_id) | Q(pk__in=registered_here))


# Entries written with no actor about an account: a refused password or a lockout.
SIGN_IN_ATTEMPT_ACTIONS = ("sign_in_failed", "sign_in_locked_out")


def _attempts_on_accounts_of(org_id) -> Q:
    """Failed sign-ins and lockouts against the accounts of the organisation's users (an
    uncorrelated IN over the users' ids as text, since ``object_id`` is text)."""
    from django.contrib.auth import get_user_model

    accounts = (
        get_user_model()
        .objects.filter(organisation_id=org_id)
        .annotate(account_id=Cast("pk", output_field=CharField()))
        .values("account_id")
    )
    return Q(
        actor_id__isnull=True,
        action__in=SIGN_IN_ATTEMPT_ACTIONS,
        object_type="accounts.user",
        object_id__in=accounts,
    )


def audit_users(actor) -> QuerySet:
    """The users of the actor's organisation, for those who read its audit log (to name who did
    what, and to filter the log by one of them)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if not can(actor, "audit.log"):
        return users.none()
    return users.filter(organisation_id=actor.organisation_id)


def audit_people(actor) -> QuerySet:
    """People whose who-viewed log the actor may read: the practice's people (restricted or not:
    the log shows who looked, not what the record says), for practice managers and auditors."""
    from casework.people.models import Person

    if not can(actor, "audit.who_viewed"):
        return Person.objects.none()
    return _practice_people(actor.organisation_id)


# Restricted records ---------------------------------------------------------------------------


class RecordRestricted(PermissionDenied):
    """The record is about a person restricted from the actor: the page says so (403) and the
    attempt is logged (``casework/audit/middleware.py``)."""

    def __init__(self, *, person_id: int, obj):
        super().__init__("This record is restricted")
        self.person_id = person_id
        self.obj = obj


# What one request works out once for its reader and reads many times: the people restricted from
# them, and each scoped queryset's base. Set to {} for each request by casework/audit/middleware.py
# (beside OPENED_RECORDS); None outside a request (the shell, a job, a test calling a selector),
# where nothing is kept. A service that changes restrictions empties it (``forget_request_memo``),
# so a page rendered after the change in the same request reads the change.
REQUEST_MEMO: ContextVar[dict | None] = ContextVar("request_memo", default=None)

# Above this many people restricted from one reader, the restriction stays a subquery (a literal
# list that long costs more to send than the subquery costs to run).
RESTRICTED_IDS_INLINE = 500


def forget_request_memo() -> None:
    memo = REQUEST_MEMO.get()
    if memo is not None:
        memo.clear()


def _restricted_ids_or_query(actor) -> list[int] | QuerySet:
    """The people restricted from the actor: within a request, read once as a list of ids (most
    readers have none, and every scoped query of the page then carries no restriction subquery);
    elsewhere, or when there are very many, the ``restricted_people`` subquery."""
    memo = REQUEST_MEMO.get()
    if memo is None:
        return restricted_people(actor)
    key = ("restricted", actor.pk)
    if key not in memo:
        ids = list(restricted_people(actor).values_list("person_id", flat=True)[: RESTRICTED_IDS_INLINE + 1])
        memo[key] = ids if len(ids) <= RESTRICTED_IDS_INLINE else None
    ids = memo[key]
    return restricted_people(actor) if ids is None else ids


def anyone_restricted_from(actor) -> bool:
    """Whether any person is restricted from the actor (in a request, from the list read once)."""
    hidden = _restricted_ids_or_query(actor)
    return bool(hidden) if isinstance(hidden, list) else hidden.exists()


def restricted_people(actor) -> QuerySet:
    """The ids (``person_id``) of the people restricted from the actor: a live restriction by the
    actor's practice that does not name them. A subquery: every scoped query embeds it."""
    from casework.people.models import PersonRestriction, RestrictionAccess

    named = RestrictionAccess.objects.filter(user_id=actor.pk).values("restriction_id")
    return (
        PersonRestriction.objects.filter(organisation_id=actor.organisation_id, lifted_at__isnull=True)
        .exclude(pk__in=named)
        .values("person_id")
    )


def _person_fields(model) -> tuple[str, ...]:
    """How a row of ``model`` names the person (or people) it is about; () for rows about no one."""
    from casework.cases.models import Allocation, Case, CaseNote
    from casework.looked_after.models import LookedAfterChild
    from casework.people.models import Household, HouseholdMembership, Person, Relationship
    from casework.registration.models import Registration

    if model is Person:
        return ("pk",)
    if model in (Case, CaseNote, Registration, HouseholdMembership, LookedAfterChild):
        return ("person_id",)
    if model is Allocation:
        return ("case__person_id",)
    if model is Relationship:
        return ("person_id", "related_person_id")
    if model is Household:
        return ("memberships__person_id",)  # any member, past or present
    if _is_looked_after_record(model):
        return ("child__person_id",)
    return ()


def _restricted_flag(model, fields, hidden):
    from casework.people.models import Household, HouseholdMembership

    if isinstance(hidden, list) and not hidden:
        return Value(False, output_field=BooleanField())
    if model is Household:
        return Exists(HouseholdMembership.objects.filter(household_id=OuterRef("pk"), person_id__in=hidden))
    if isinstance(hidden, list):
        about = Q()
        for f in fields:
            about |= Q(**{f"{f}__in": hidden})
        return ExpressionWrapper(about, output_field=BooleanField())
    about = Q()
    for f in fields:
        about |= Q(person_id=OuterRef(f))
    return Exists(hidden.filter(about))


class Opening(NamedTuple):
    obj: Model
    person_id: int | None
    refused: bool


# What a request opened or was refused, for the audit log: a list of Opening set for each
# request by casework/audit/middleware.py; None outside a request (the shell, a command, a test
# calling a selector directly), where nothing is noted.
OPENED_RECORDS: ContextVar[list[Opening] | None] = ContextVar("opened_records", default=None)


def open_record(actor, queryset: QuerySet, **lookup):
    """One object of someone's record, for a page: 404 outside the actor's scope,
    ``RecordRestricted`` when it is about a person restricted from the actor. ``queryset`` is
    ``scoped(actor, Model, restricted="mark")``. The opening, or the refusal, is noted for the
    audit log, so it is logged however the refusal is then answered (a page, the API)."""
    obj = one_or_404(queryset, **lookup)
    opened = OPENED_RECORDS.get()
    if obj.is_restricted:  # AttributeError: the queryset was not scoped(..., restricted="mark")
        refusal = RecordRestricted(person_id=restricted_person_of(actor, obj), obj=obj)
        if opened is not None:
            opened.append(Opening(obj, refusal.person_id, refused=True))
        raise refusal
    if opened is not None and not any(o.obj == obj and not o.refused for o in opened):
        opened.append(Opening(obj, person_of(obj), refused=False))
    return obj


def restricted_person_of(actor, obj) -> int | None:
    """The person a restricted object is about (for a household: its first restricted member)."""
    from casework.people.models import Household, HouseholdMembership, Person

    if isinstance(obj, Person):
        return obj.pk
    if isinstance(obj, Household):
        members = HouseholdMembership.objects.filter(household=obj, person_id__in=restricted_people(actor))
        return members.order_by("pk").values_list("person_id", flat=True).first()
    return person_of(obj)


def person_of(obj) -> int | None:
    """The person a row of someone's record is about, when it is one person."""
    if obj._meta.label_lower == "people.person":
        return obj.pk
    for path in ("person_id", "case.person_id", "child.person_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
        if value is not None:
            return value
    return None


def return_children(actor) -> QuerySet:
    """The children a commissioner officer's authority is responsible for: the SSDA903 cohort."""
    from casework.looked_after.models import LookedAfterChild

    if not can(actor, "looked_after.return_download"):
        return LookedAfterChild.objects.none()
    return LookedAfterChild.objects.filter(commissioner_id=actor.organisation_id)


def one_or_404(queryset: QuerySet, **lookup):
    """One object from a scoped queryset, or 404 (never confirm that an out-of-scope row exists)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} found") from None


def managed_team_ids(actor) -> set[int] | None:
    """Teams whose caseloads the actor oversees: None means every team of the practice."""
    if actor.role == Role.PRACTICE_MANAGER:
        return None
    if actor.role == Role.TEAM_MANAGER:
        worker = getattr(actor, "worker", None)
        return {worker.team_id} if worker is not None and worker.team_id else set()
    return set()
