"""Reads about people: search, duplicates, the person page."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from casework.core import access, identifiers
from casework.people import rules
from casework.people.models import HouseholdMembership, Person, PersonRestriction, Relationship, RestrictionAccess

# A misspelt name still scores around 0.85-0.95 against the right record; unrelated names fall
# well below 0.75 (Jaro-Winkler), so this keeps near misses and drops noise.
MATCH_THRESHOLD = 0.75
MAX_CANDIDATES = 2000


@dataclass(frozen=True)
class SearchResult:
    person: Person
    score: float


def _name_score(tokens: list[str], person: Person) -> float:
    """Mean of each search word's best similarity to one of the person's names; 0 when any word
    matches none of them (so "Amara Okafro" does not bring back every Amara)."""
    names = [n for n in (person.given_name, person.family_name, person.preferred_name) if n]
    if not tokens:
        return 1.0
    best = [max(rules.name_similarity(t, n) for n in names) for t in tokens]
    return 0.0 if min(best) < MATCH_THRESHOLD else sum(best) / len(best)


def person_search(
    *,
    actor,
    name: str = "",
    date_of_birth: date | None = None,
    nhs_number: str = "",
    upn: str = "",
    near_date_of_birth: bool = False,
) -> list[SearchResult]:
    """People in the actor's scope matching every criterion given, best match first.

    Names are matched tolerantly: the indexed Soundex keys and name prefixes pick candidates,
    then Jaro-Winkler similarity ranks them, so "Jonh Smiht" finds John Smith. A person
    restricted from the actor is found by name only (``is_restricted`` on the result): a match
    on a date of birth or a number would tell the searcher that detail of the record.
    ``near_date_of_birth`` also matches the dates a typing slip gives (``rules.likely_same_birth_dates``).
    """
    access.require(actor, "person.view")
    people = access.scoped(actor, Person, restricted="mark")
    tokens = [t for t in name.replace(",", " ").split() if any(c.isalpha() for c in t)]
    if not (tokens or date_of_birth or nhs_number or upn):
        return []
    if date_of_birth or nhs_number or upn:
        people = people.filter(is_restricted=False)
    if nhs_number or upn:
        # the numbers another practice holds now are not the searcher's to match against
        people = people.exclude(pk__in=access.held_elsewhere(actor))
    if nhs_number:
        people = people.filter(nhs_number=identifiers.normalise_nhs_number(nhs_number))
    if upn:
        people = people.filter(upn=upn.strip().upper())
    if date_of_birth and near_date_of_birth:
        people = people.filter(date_of_birth__in=rules.likely_same_birth_dates(date_of_birth))
    elif date_of_birth:
        people = people.filter(date_of_birth=date_of_birth)
    for token in tokens:
        # every word must sound like, or start like, one of the person's names
        key = rules.name_key(token)
        word = Q(given_name_key=key) | Q(family_name_key=key) | Q(preferred_name__iexact=token)
        if len(token) >= 3:
            word |= Q(family_name__istartswith=token[:3]) | Q(given_name__istartswith=token[:3])
        people = people.filter(word)
    candidates = access.without_details_held_elsewhere(
        actor, list(people.order_by("family_name", "given_name", "pk")[:MAX_CANDIDATES])
    )
    scored = [SearchResult(p, _name_score(tokens, p)) for p in candidates]
    scored = [r for r in scored if r.score >= MATCH_THRESHOLD]
    scored.sort(key=lambda r: (-round(r.score, 3), r.person.family_name, r.person.given_name, r.person.pk))
    return scored


def possible_duplicates(
    *, actor, given_name: str, family_name: str, date_of_birth: date | None, nhs_number: str = ""
) -> list[Person]:
    """Existing people the actor can see who may be the one about to be recorded:
    the same NHS number, or a similar name with the same date of birth or one a slip of the
    keyboard away (a day out, or day and month swapped). Someone another practice holds now is
    matched by name and date of birth only, and shown without their current details."""
    people = access.scoped(actor, Person).exclude(pk__in=access.held_elsewhere(actor))
    matches: dict[int, Person] = {}
    if nhs_number:
        for p in people.filter(nhs_number=identifiers.normalise_nhs_number(nhs_number)):
            matches[p.pk] = p
    if date_of_birth:
        near = person_search(
            actor=actor, name=f"{given_name} {family_name}", date_of_birth=date_of_birth, near_date_of_birth=True
        )
        for result in near:
            matches.setdefault(result.person.pk, result.person)
    return list(matches.values())


def person_get(*, actor, person_id: int) -> Person:
    """The person, to open their record: 404 outside scope, "restricted" (403) when not named.
    ``under_restriction`` says whether the practice has restricted the record (so a named user
    knows they are looking at one)."""
    live = PersonRestriction.objects.filter(
        organisation_id=actor.organisation_id, person_id=OuterRef("pk"), lifted_at__isnull=True
    )
    people = access.scoped(actor, Person, restricted="mark").annotate(under_restriction=Exists(live))
    return access.open_record(actor, people, pk=person_id)


def person_get_for_change(*, actor, person_id: int) -> Person:
    """The person, for a form or a write about them: 404 unless the actor may change them now
    (``access.changeable``: not held by another practice), "restricted" (403) when not named."""
    return access.open_record(actor, access.changeable(actor, Person, restricted="mark"), pk=person_id)


def person_may_change(*, actor, person: Person) -> bool:
    """Whether the person's page offers the forms that change them (no when another practice holds them now)."""
    return access.may_change(actor, person)


def person_relationships(*, actor, person: Person) -> QuerySet:
    """The person's relationships; one to a relative restricted from the actor is marked
    ``is_restricted`` and shows the relative's name only."""
    return access.scoped(actor, Relationship, restricted="mark").filter(person=person).select_related("related_person")


def person_households(*, actor, person: Person) -> QuerySet:
    return (
        access.scoped(actor, HouseholdMembership)
        .filter(person=person)
        .select_related("household")
        .prefetch_related(
            Prefetch("household__memberships", queryset=HouseholdMembership.objects.select_related("person"))
        )
    )


def person_list_for_choice(*, actor) -> QuerySet:
    """Whom a form may pick to change their household or relationships: no one another practice holds now."""
    return access.changeable(actor, Person)


def person_and_relatives(*, actor, person: Person) -> QuerySet:
    """The person and everyone recorded as related to them (choices for a household)."""
    relatives = person_relationships(actor=actor, person=person).values("related_person_id")
    return access.changeable(actor, Person).filter(Q(pk=person.pk) | Q(pk__in=relatives)).order_by("date_of_birth")


def _found(actor, name: str, exclude: set[int]) -> list[Person]:
    """People found by the tolerant name search, best first, leaving out ``exclude``, anyone
    restricted from the actor (they are shown by name only, never picked) and anyone another
    practice holds now (not the actor's to change)."""
    if not name.strip():
        return []
    results = person_search(actor=actor, name=name)
    found = [r.person.pk for r in results]
    held = set(access.held_elsewhere(actor).filter(person_id__in=found).values_list("person_id", flat=True))
    return [r.person for r in results if not r.person.is_restricted and r.person.pk not in exclude | held]


def household_member_candidates(*, actor, household, name: str) -> list[Person]:
    """Whom a practitioner may add to a household: people found by name who do not live there now."""
    living_there = HouseholdMembership.objects.filter(household=household, left_on__isnull=True)
    current = set(living_there.values_list("person_id", flat=True))
    return _found(actor, name, current)


def relationship_candidates(*, actor, person: Person, name: str = "") -> list[Person]:
    """Whom a relationship may be recorded with, picked rather than typed: the people the person
    lives with now (their current households), then anyone found by ``name``."""
    households = access.scoped(actor, HouseholdMembership).filter(person=person, left_on__isnull=True)
    living_with = list(
        access.changeable(actor, Person, restricted="mark")
        .filter(
            household_memberships__household__in=households.values("household"),
            household_memberships__left_on__isnull=True,
            is_restricted=False,
        )
        .exclude(pk=person.pk)
        .distinct()
        .order_by("date_of_birth", "pk")
    )
    shown = {person.pk} | {p.pk for p in living_with}
    return living_with + _found(actor, name, shown)


# Restricted records: what the practice manager's restriction pages read.


def person_for_restriction(*, actor, person_id: int) -> Person:
    """The person whose restriction a practice manager manages: 404 outside the practice, 403
    without the capability. Found whether or not the record is restricted from the manager: the
    restriction pages show the name, the reason and who is named, never the record."""
    person = access.one_or_404(access.scoped(actor, Person, restricted="include"), pk=person_id)
    access.require(actor, "person.restrict")
    return person


def person_for_restriction_change(*, actor, person_id: int) -> Person:
    """As ``person_for_restriction``, for the pages that set, change or lift a restriction: 404 too
    when another practice holds the person now (the practice they left changes nothing of theirs)."""
    person = access.one_or_404(access.changeable(actor, Person, restricted="include"), pk=person_id)
    access.require(actor, "person.restrict")
    return person


def restriction_current(*, actor, person: Person) -> PersonRestriction | None:
    return (
        access.scoped(actor, PersonRestriction)
        .filter(person=person, lifted_at__isnull=True)
        .select_related("restricted_by")
        .prefetch_related(Prefetch("named", queryset=RestrictionAccess.objects.select_related("user").order_by("pk")))
        .first()
    )


def restrictions_lifted(*, actor, person: Person) -> list[PersonRestriction]:
    return list(
        access.scoped(actor, PersonRestriction)
        .filter(person=person, lifted_at__isnull=False)
        .select_related("restricted_by", "lifted_by")
        .order_by("-lifted_at")
    )


def restriction_named_choices(*, actor) -> QuerySet:
    """Whom a practice manager may name: the practice's own active staff who work with records."""
    from django.contrib.auth import get_user_model

    access.require(actor, "person.restrict")
    return (
        get_user_model()
        .objects.filter(organisation_id=actor.organisation_id, role__in=access.PRACTICE_ROLES, is_active=True)
        .order_by("last_name", "first_name", "username")
    )
