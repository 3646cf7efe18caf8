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
* Looked-after children's records (episodes, reviews, visits, health ...) belong to the practice
  that recorded them, like cases.
* Commissioner officers, evaluators and auditors see no person-level records on pages:
  commissioners see aggregate counts for the practices they commission, and download the SSDA903
  return for the children they are responsible for (``return_children``), whichever practice
  holds them: the return is the authority's own statutory data.
* System administrators run the Django admin for organisations, teams, workers and users.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
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


def scoped(actor, model: type[Model]) -> QuerySet:
    """All rows of ``model`` the actor may read (the base of every selector)."""
    from casework.cases.models import Allocation, Case, CaseNote
    from casework.organisations.models import Commissioning, Organisation, Team, Worker
    from casework.people.models import Household, HouseholdMembership, Person, Relationship
    from casework.registration.models import Registration

    manager = model._default_manager
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return manager.none()
    org_id = actor.organisation_id

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

    if actor.role not in PRACTICE_ROLES:
        return manager.none()

    if model is Person:
        # An uncorrelated IN: both databases build the set of the practice's people once, where a
        # correlated EXISTS was re-run per candidate row (seconds at 100,000 people on SQLite).
        registered_here = Registration.objects.filter(practice_id=org_id).values("person_id")
        return manager.filter(Q(organisation_id=org_id) | Q(pk__in=registered_here))
    if model is Registration:
        return manager.filter(practice_id=org_id)
    if model is HouseholdMembership:
        return manager.filter(household__organisation_id=org_id)
    if model in (Case, Allocation, CaseNote, Household, Relationship, Worker, Team) or _is_looked_after_record(model):
        return manager.filter(organisation_id=org_id)
    raise LookupError(f"No access rule for {model.__name__}: add one to casework/core/access.py")


def _is_looked_after_record(model) -> bool:
    return model._meta.app_label == "looked_after"


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
