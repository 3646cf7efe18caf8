"""The API's reads: each starts from an app's selector or ``access.scoped``, so the API sees exactly
what the pages see (out of scope is 404; a capability the role lacks is 403), and joins or
prefetches what its serializer shows, so the queries per page do not grow with the page size.

Lists leave out every row about a person restricted from the caller (``access.scoped``'s
default); one record asked for by id is opened through ``access.open_record``, as the pages open
it: a restricted person's record is refused (403, logged) and every record opened is logged as a
view by the audit middleware."""

from django.db.models import Prefetch, QuerySet

from casework.cases import selectors as case_selectors
from casework.cases.models import Allocation, Case, CaseNote
from casework.contracts.models import Contract, ContractMeasure, ContractYear
from casework.core import access
from casework.looked_after import selectors as looked_after_selectors
from casework.looked_after.models import Episode, LookedAfterChild
from casework.people import selectors as people_selectors
from casework.people.models import Person
from casework.registration import selectors as registration_selectors
from casework.registration.models import Registration

# Reading person-level records through the API: the roles that read them on the pages.
PERSON_LEVEL = "person.view"


def people(*, actor, name: str = "", date_of_birth=None, nhs_number: str = "") -> QuerySet | list[Person]:
    """The actor's people; with a name, date of birth or NHS number, the tolerant search's matches
    (best first), as the search page finds them."""
    access.require(actor, PERSON_LEVEL)
    if name or date_of_birth or nhs_number:
        results = people_selectors.person_search(
            actor=actor, name=name, date_of_birth=date_of_birth, nhs_number=nhs_number
        )
        # the search page lists a restricted person by name only; the API shows whole records,
        # so it leaves them out
        return [r.person for r in results if not r.person.is_restricted]
    return access.scoped(actor, Person).order_by("family_name", "given_name", "pk")


def person_get(*, actor, person_id: int) -> Person:
    person = people_selectors.person_get(actor=actor, person_id=person_id)
    access.require(actor, PERSON_LEVEL)
    return person


def on_our_list(*, actor, person_ids) -> set[int]:
    """Which of these people are registered with the actor's practice now (one query)."""
    return set(
        access.scoped(actor, Registration)
        .filter(person_id__in=list(person_ids), end_date__isnull=True)
        .values_list("person_id", flat=True)
    )


def registrations(*, actor, person_id: int | None = None, current: bool | None = None) -> QuerySet:
    access.require(actor, "practice_list.view")
    rows = access.scoped(actor, Registration).select_related("practice", "named_worker", "referred_by")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    if current is not None:
        rows = rows.filter(end_date__isnull=current)
    return rows.order_by("-start_date", "-pk")


def registration_get(*, actor, registration_id: int) -> Registration:
    registration = registration_selectors.registration_get(actor=actor, registration_id=registration_id)
    access.require(actor, "practice_list.view")
    return registration


def _cases(actor, restricted: str = "exclude") -> QuerySet:
    current = Allocation.objects.filter(end_date__isnull=True).select_related("worker")
    return (
        access.scoped(actor, Case, restricted=restricted)
        .select_related("commissioner")
        .prefetch_related(Prefetch("allocations", queryset=current, to_attr="current_allocations"))
    )


def cases(
    *, actor, person_id: int | None = None, status: str | None = None, service_type: str | None = None
) -> QuerySet:
    access.require(actor, PERSON_LEVEL)
    rows = _cases(actor)
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    if status is not None:
        rows = rows.filter(closed_on__isnull=status == "open")
    if service_type is not None:
        rows = rows.filter(service_type=service_type)
    return rows.order_by("-opened_on", "-pk")


def case_get(*, actor, case_id: int) -> Case:
    case = access.open_record(actor, _cases(actor, restricted="mark"), pk=case_id)
    access.require(actor, PERSON_LEVEL)
    return case


def allocations(
    *, actor, case_id: int | None = None, worker_id: int | None = None, current: bool | None = None
) -> QuerySet:
    access.require(actor, PERSON_LEVEL)
    # the case too: the audit log names the person each allocation listed is about
    rows = access.scoped(actor, Allocation).select_related("worker", "case")
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    if worker_id is not None:
        rows = rows.filter(worker_id=worker_id)
    if current is not None:
        rows = rows.filter(end_date__isnull=current)
    return rows.order_by("case_id", "start_date", "pk")


def allocation_get(*, actor, allocation_id: int) -> Allocation:
    allocation = access.open_record(
        actor, access.scoped(actor, Allocation, restricted="mark").select_related("worker"), pk=allocation_id
    )
    access.require(actor, PERSON_LEVEL)
    return allocation


def case_notes(*, actor, person_id: int | None = None, case_id: int | None = None) -> QuerySet:
    access.require(actor, PERSON_LEVEL)
    rows = access.scoped(actor, CaseNote).select_related("author")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    if case_id is not None:
        rows = rows.filter(case_id=case_id)
    return rows.order_by("-occurred_on", "-created_at", "-pk")


def case_note_get(*, actor, note_id: int) -> CaseNote:
    note = case_selectors.note_get(actor=actor, note_id=note_id)
    access.require(actor, PERSON_LEVEL)
    return note


def looked_after_children(*, actor, person_id: int | None = None) -> QuerySet:
    access.require(actor, PERSON_LEVEL)
    rows = access.scoped(actor, LookedAfterChild).select_related("commissioner")
    if person_id is not None:
        rows = rows.filter(person_id=person_id)
    return rows.order_by("child_id", "pk")


def looked_after_child_get(*, actor, looked_after_child_id: int) -> LookedAfterChild:
    child = looked_after_selectors.child_get(actor=actor, looked_after_child_id=looked_after_child_id)
    access.require(actor, PERSON_LEVEL)
    return child


def episodes(*, actor, child: LookedAfterChild) -> QuerySet:
    # the child too: the audit log names the person each episode listed is about
    return access.scoped(actor, Episode).filter(child=child).select_related("child").order_by("start_date", "pk")


def _with_years(contracts: QuerySet) -> QuerySet:
    years = ContractYear.objects.order_by("start_date", "pk").prefetch_related(
        Prefetch("measures", queryset=ContractMeasure.objects.order_by("pk"))
    )
    return contracts.prefetch_related(Prefetch("years", queryset=years))


def contracts(*, actor) -> QuerySet:
    access.require(actor, "contract.view")
    return _with_years(access.scoped(actor, Contract).select_related("commissioner", "practice")).order_by(
        "reference", "pk"
    )


def contract_get(*, actor, contract_id: int) -> Contract:
    contract = access.one_or_404(
        _with_years(access.scoped(actor, Contract).select_related("commissioner", "practice")), pk=contract_id
    )
    access.require(actor, "contract.view")
    return contract
