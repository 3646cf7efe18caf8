"""Reads about registration: the practice's list and its size against capacity."""

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Value

from casework.core import access
from casework.organisations.models import Organisation, Worker
from casework.people.models import Household
from casework.registration.models import Registration

PRACTICE_LIST_SORTS = {
    "name": ("person__family_name", "person__given_name", "pk"),
    "-name": ("-person__family_name", "-person__given_name", "-pk"),
    "registered": ("start_date", "pk"),
    "-registered": ("-start_date", "-pk"),
    "worker": ("named_worker__family_name", "named_worker__given_name", "person__family_name", "pk"),
    "-worker": ("-named_worker__family_name", "-named_worker__given_name", "-person__family_name", "-pk"),
    "dob": ("person__date_of_birth", "pk"),
    "-dob": ("-person__date_of_birth", "-pk"),
}


def practice_list(*, actor, sort: str = "name", worker_id: int | None = None) -> QuerySet:
    """Current registrations with the actor's practice: the practice's list. A person restricted
    from the actor is on it, marked ``is_restricted`` (shown by name only), and, in any order but by
    name, after everyone else (by name): where the row stood would give away what it hides, its date
    of birth, named worker or date of registration, as a search by date of birth would."""
    access.require(actor, "practice_list.view")
    order = PRACTICE_LIST_SORTS.get(sort, PRACTICE_LIST_SORTS["name"])
    if order not in (PRACTICE_LIST_SORTS["name"], PRACTICE_LIST_SORTS["-name"]):
        order = ("is_restricted", *order)
    registrations = (
        access.scoped(actor, Registration, restricted="mark")
        .filter(end_date__isnull=True)
        .select_related("person", "named_worker", "household")
        .order_by(*order)
    )
    if worker_id is not None:
        registrations = registrations.filter(named_worker_id=worker_id)
    return registrations


def practice_list_page(*, actor, sort: str, page_number, per_page: int = 25) -> Page:
    """One page of the practice's list. Sorted by named worker, the list is each worker's people
    one after another (by name), so a page is found from the count of people per worker (one
    grouped count) and read from only the one or two workers it falls on: page 40 costs what
    page 1 costs, where OFFSET sorted every registration of the practice to skip the first pages.
    The same rows in the same order as ``practice_list`` sorted so (workers of the same name read
    together, and the people with none named first or last as the database puts NULL)."""
    registrations = practice_list(actor=actor, sort=sort)
    if sort not in ("worker", "-worker") or access.anyone_restricted_from(actor):
        # a restricted person goes last, out of their worker's place: the list sorted as a whole
        return Paginator(registrations, per_page).get_page(page_number)
    descending = sort.startswith("-")
    sizes = dict(
        access.scoped(actor, Registration, restricted="include")
        .filter(end_date__isnull=True)
        .values_list("named_worker")
        .annotate(n=Count("*"))
        .order_by()
    )
    names = dict(
        (pk, (family, given))
        for pk, family, given in access.scoped(actor, Worker)
        .filter(pk__in=[pk for pk in sizes if pk is not None])
        .values_list("pk", "family_name", "given_name")
    )
    if any(pk is not None and pk not in names for pk in sizes):
        return Paginator(registrations, per_page).get_page(page_number)  # a worker of another practice
    groups: dict[tuple, list[int]] = {}
    for pk in sorted(names):
        groups.setdefault(names[pk], []).append(pk)
    ordered = [(name, ids, sum(sizes[pk] for pk in ids)) for name, ids in sorted(groups.items(), reverse=descending)]
    if None in sizes:
        # NULL sorts as the largest value on PostgreSQL, as the smallest on SQLite
        none_last = connection.features.nulls_order_largest != descending
        ordered.insert(len(ordered) if none_last else 0, (None, None, sizes[None]))
    paginator = Paginator(registrations, per_page)
    paginator.count = sum(size for _, _, size in ordered)  # known already: no COUNT query
    page = paginator.get_page(page_number)
    start, end = (page.number - 1) * per_page, page.number * per_page
    within = ("-person__family_name", "-pk") if descending else ("person__family_name", "pk")
    rows, before = [], 0
    for _, ids, size in ordered:
        if before + size > start and before < end:
            named = Q(named_worker__isnull=True) if ids is None else Q(named_worker_id__in=ids)
            of_group = registrations.filter(named)
            rows += of_group.order_by(*within)[max(start - before, 0) : end - before]
        before += size
        if before >= end:
            break
    page.object_list = rows
    return page


def practice_list_size(*, actor) -> dict:
    access.require(actor, "practice_list.view")
    current = access.scoped(actor, Registration, restricted="include").filter(end_date__isnull=True)
    families = current.exclude(household=None).values("household").distinct().count()
    size = current.count()
    capacity = actor.organisation.list_capacity
    return {
        "size": size,
        "families": families,
        "capacity": capacity,
        "over_capacity": capacity is not None and size > capacity,
    }


def registration_get(*, actor, registration_id: int) -> Registration:
    return access.open_record(
        actor,
        access.scoped(actor, Registration, restricted="mark").select_related("person", "practice", "named_worker"),
        pk=registration_id,
    )


def registration_get_for_change(*, actor, registration_id: int) -> Registration:
    """A registration, for a form or a write: 404 unless the actor may change it now (not about
    someone another practice holds now: ``access.changeable``)."""
    return access.open_record(
        actor,
        access.changeable(actor, Registration, restricted="mark").select_related("person", "practice", "named_worker"),
        pk=registration_id,
    )


def household_get_for_change(*, actor, household_id: int) -> Household:
    """A household, for a form or a write: 404 unless one of its current members is someone the
    actor may change now (``access.changeable``); restricted as ``household_get``."""
    return access.open_record(actor, access.changeable(actor, Household, restricted="mark"), pk=household_id)


def household_may_change(*, actor, household: Household) -> bool:
    return access.may_change(actor, household)


def household_get(*, actor, household_id: int) -> Household:
    # a household with a member restricted from the actor is restricted as a whole
    return access.open_record(actor, access.scoped(actor, Household, restricted="mark"), pk=household_id)


def household_page(*, actor, household_id: int) -> Household:
    """The household for its own page, which opens even when a member is restricted from the actor:
    the page shows that member by name only (``household_members`` marks them) and nothing else of
    them, so the other members' household is not hidden. Every action on the household still opens
    it through ``household_get`` and is refused while a member is restricted."""
    households = access.scoped(actor, Household, restricted="include").annotate(
        is_restricted=Value(False, output_field=BooleanField())
    )
    return access.open_record(actor, households, pk=household_id)


def people_on_list(*, actor) -> QuerySet:
    """People currently registered with the actor's practice (for choosing household members)."""
    from casework.people.models import Person

    on_list = access.scoped(actor, Registration).filter(end_date__isnull=True).values("person_id")
    return access.scoped(actor, Person).filter(pk__in=on_list)


def transfer_destinations(*, actor) -> QuerySet:
    """Other practices on this instance a person can be transferred to (names only)."""
    return Organisation.objects.filter(kind=Organisation.Kind.PRACTICE).exclude(pk=actor.organisation_id)


def named_worker_list_sizes(*, actor) -> dict[int, int]:
    return dict(
        access.scoped(actor, Registration, restricted="include")
        .filter(end_date__isnull=True)
        .exclude(named_worker=None)
        .values_list("named_worker")
        .annotate(n=Count("pk"))
    )


def household_members(*, actor, household: Household) -> list:
    """The household's members, each with ``registered_here`` (on the actor's practice's list now),
    ``held_elsewhere`` (on another practice's list now: nothing is offered about them) and
    ``is_restricted`` (restricted from the actor: show the name and nothing else)."""
    from casework.people.models import HouseholdMembership

    on_list = access.scoped(actor, Registration).filter(
        person_id=OuterRef("person_id"), practice_id=actor.organisation_id, end_date__isnull=True
    )
    return list(
        access.scoped(actor, HouseholdMembership, restricted="mark")
        .filter(household=household)
        .annotate(
            registered_here=Exists(on_list),
            held_elsewhere=Exists(access.held_elsewhere(actor).filter(person_id=OuterRef("person_id"))),
        )
        .select_related("person")
        .order_by("person__date_of_birth", "pk")
    )
