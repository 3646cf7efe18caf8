"""Writes about people, households and relationships."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.core import access, concurrency, identifiers
from casework.core.persistence import clean_and_save
from casework.people import rules
from casework.people.models import (
    Household,
    HouseholdMembership,
    Person,
    PersonRestriction,
    Relationship,
    RestrictionAccess,
)

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "nhs_number",
    "upn",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "date_of_death",
)


def _normalise(fields: dict) -> dict:
    fields = dict(fields)
    if fields.get("nhs_number"):
        fields["nhs_number"] = identifiers.normalise_nhs_number(fields["nhs_number"])
    if fields.get("postcode"):
        fields["postcode"] = identifiers.normalise_postcode(fields["postcode"])
    if fields.get("upn"):
        fields["upn"] = fields["upn"].strip().upper()
    for name in ("given_name", "family_name", "preferred_name"):
        if fields.get(name):
            fields[name] = " ".join(fields[name].split())
    return fields


def _check_date_of_birth(fields: dict) -> None:
    problem = rules.date_of_birth_problem(fields.get("date_of_birth"), today=timezone.localdate())
    if problem:
        raise ValidationError({"date_of_birth": problem})


def _set_name_keys(person: Person) -> None:
    person.given_name_key = rules.name_key(person.given_name)
    person.family_name_key = rules.name_key(person.family_name)


@transaction.atomic
def person_create(*, actor, **fields) -> Person:
    """Record a new person for the actor's organisation.

    Searching for duplicates first is the view's job (people.selectors.possible_duplicates),
    because a person may be created anyway once the worker has checked the matches.
    """
    access.require(actor, "person.create")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _check_date_of_birth(fields)
    person = Person(organisation_id=actor.organisation_id, **_normalise(fields))
    _set_name_keys(person)
    clean_and_save(person, actor=actor)
    audit_record(actor=actor, action="create", obj=person)
    return person


def person_create_unless_recorded(*, actor, fields: dict, confirmed_not_duplicate: bool, create):
    """Check for people who may already be recorded and, unless there are some the worker has not
    yet looked at, ``create()``; returns (the person or None, the possible duplicates).

    The check and the creation are one step under a lock on the practice's row, so the same
    person sent twice at once (a double click a slow network does not merge) is recorded once: the
    second request finds the first's person and gets the warning."""
    from casework.organisations.models import Organisation
    from casework.people.selectors import possible_duplicates

    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=actor.organisation_id).first()
        duplicates = possible_duplicates(
            actor=actor,
            given_name=fields["given_name"],
            family_name=fields["family_name"],
            date_of_birth=fields["date_of_birth"],
            nhs_number=fields["nhs_number"],
        )
        if duplicates and not confirmed_not_duplicate:
            return None, duplicates
        return create(), duplicates


@transaction.atomic
def person_update(*, actor, person: Person, version: int | None = None, **fields) -> Person:
    """Change a person's details; ``version`` is the one the form was opened at (a later save by
    someone else refuses this one with what they changed)."""
    access.require(actor, "person.update")
    person = concurrency.lock_current(person)  # first, so a transfer under way is seen by the check below
    access.require_changeable(actor, person)
    concurrency.check_version(person, version, hidden=("nhs_number",))
    _check_date_of_birth(fields)
    changed = []
    for name, value in _normalise(fields).items():
        if name not in PERSON_FIELDS:
            raise TypeError(f"Unknown person field: {name}")
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    if changed:
        _set_name_keys(person)
        concurrency.bump(person)
        clean_and_save(person, actor=actor)
        audit_record(actor=actor, action="update", obj=person, fields=sorted(changed))
        if "date_of_birth" in changed:
            _refresh_dues_that_follow_age(person)
    return person


def _refresh_dues_that_follow_age(person: Person) -> None:
    # A looked-after child's SDQ, health assessment interval and 18th birthday follow their age, and
    # the trays read the stored due dates: a corrected date of birth must move them now, in the same
    # transaction, like any recording does (looked_after/dues.py).
    from casework.looked_after import dues

    dues.refresh(person.looked_after_records.values_list("pk", flat=True))


@transaction.atomic
def relationship_create(*, actor, person: Person, related_person: Person, relationship_type: str) -> Relationship:
    """Record a relationship in both directions (A parent of B, B child of A)."""
    access.require(actor, "relationship.manage")
    access.require_changeable(actor, person)
    _held_here_or_by_no_one(actor, "related_person", [related_person])
    if person.pk == related_person.pk:
        raise ValidationError({"related_person": "A person cannot be related to themselves"})
    inverse = rules.INVERSE_RELATIONSHIP.get(relationship_type)
    if inverse is None:
        raise ValidationError({"relationship_type": "Choose a type of relationship"})
    if Relationship.objects.filter(
        organisation_id=actor.organisation_id,
        person=person,
        related_person=related_person,
        relationship_type=relationship_type,
    ).exists():
        raise ValidationError({"related_person": "This relationship is already recorded"})
    forward = Relationship(
        organisation_id=actor.organisation_id,
        person=person,
        related_person=related_person,
        relationship_type=relationship_type,
        recorded_by=actor,
    )
    clean_and_save(forward, actor=actor)
    backward = Relationship(
        organisation_id=actor.organisation_id,
        person=related_person,
        related_person=person,
        relationship_type=inverse,
        recorded_by=actor,
    )
    clean_and_save(backward, actor=actor)
    audit_record(actor=actor, action="create", obj=forward)
    return forward


@transaction.atomic
def household_create(*, actor, name: str, members: list[Person], joined_on: date) -> Household:
    access.require(actor, "household.manage")
    if not members:
        raise ValidationError({"members": "Choose at least one member of the household"})
    _held_here_or_by_no_one(actor, "members", members)
    household = clean_and_save(Household(organisation_id=actor.organisation_id, name=name.strip()), actor=actor)
    for person in members:
        clean_and_save(HouseholdMembership(household=household, person=person, joined_on=joined_on), actor=actor)
    audit_record(actor=actor, action="create", obj=household, members=len(members))
    return household


def _held_here_or_by_no_one(actor, field: str, people) -> None:
    """Someone another practice holds now is not the actor's to change (``access.changeable``):
    a refusal on the field that named them."""
    for person in people:
        if not access.may_change(actor, person):
            refusal = f"{person.full_name} is registered with another practice now: only that practice can change them"
            raise ValidationError({field: refusal})


def _household_of_practice(actor, household: Household) -> None:
    if household.organisation_id != actor.organisation_id:
        raise ValidationError({"household": "Only the practice that recorded the household can change it"})


@transaction.atomic
def household_member_add(*, actor, household: Household, person: Person, joined_on: date) -> HouseholdMembership:
    """Someone starts living in the household (an existing person the actor can see)."""
    access.require(actor, "household.manage")
    _household_of_practice(actor, household)
    access.require_changeable(actor, household)
    if not access.scoped(actor, Person, restricted="include").filter(pk=person.pk).exists():
        raise ValidationError({"person": "Choose someone your practice records"})
    _held_here_or_by_no_one(actor, "person", [person])
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": "The date cannot be in the future"})
    if HouseholdMembership.objects.filter(household=household, person=person, left_on__isnull=True).exists():
        raise ValidationError({"person": f"{person.full_name} already lives in this household"})
    membership = clean_and_save(
        HouseholdMembership(household=household, person=person, joined_on=joined_on), actor=actor
    )
    audit_record(actor=actor, action="create", obj=membership, household_id=household.pk)
    return membership


@transaction.atomic
def person_create_in_household(*, actor, household: Household, joined_on: date, **fields) -> Person:
    """Record a new person and add them to the household, in one action (both or neither)."""
    access.require(actor, "household.manage")
    _household_of_practice(actor, household)
    access.require_changeable(actor, household)
    person = person_create(actor=actor, **fields)
    household_member_add(actor=actor, household=household, person=person, joined_on=joined_on)
    return person


# Restricted records: a practice manager restricts a person, names who may see the record, and
# lifts it. Enforced in casework/core/access.py; see docs/security.md.


def _may_be_named(actor, users) -> None:
    from casework.core.access import PRACTICE_ROLES

    for user in users:
        if user.organisation_id != actor.organisation_id or user.role not in PRACTICE_ROLES or not user.is_active:
            raise ValidationError({"named_users": "Name only people who work in your practice's records"})


@transaction.atomic
def person_restrict(*, actor, person: Person, reason: str, named_users=()) -> PersonRestriction:
    """Restrict the person's record in the actor's practice: from now on only ``named_users`` see
    anything beyond the name. The actor is not named unless they are in ``named_users``."""
    access.require(actor, "person.restrict")
    access.require_changeable(actor, person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the record is restricted"})
    named_users = list(named_users)
    _may_be_named(actor, named_users)
    if PersonRestriction.objects.filter(organisation_id=actor.organisation_id, person=person, lifted_at=None).exists():
        raise ValidationError("This record is already restricted: change who is named instead")
    restriction = clean_and_save(
        PersonRestriction(
            organisation_id=actor.organisation_id,
            person=person,
            reason=reason,
            restricted_by=actor,
            restricted_at=timezone.now(),
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=restriction, named=len(named_users))
    for user in named_users:
        restriction_access_grant(actor=actor, restriction=restriction, user=user)
    return restriction


@transaction.atomic
def person_restriction_lift(*, actor, restriction: PersonRestriction, reason: str) -> PersonRestriction:
    """Lift a restriction: everyone in the practice who may see the person sees the record again."""
    access.require(actor, "person.restrict")
    restriction = PersonRestriction.objects.select_for_update().get(pk=restriction.pk)
    if restriction.organisation_id != actor.organisation_id:
        raise ValidationError("This restriction belongs to another practice")
    access.require_changeable(actor, restriction.person)
    if restriction.lifted_at is not None:
        raise ValidationError("This restriction has already been lifted")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the restriction is being lifted"})
    restriction.lifted_at, restriction.lifted_by, restriction.lift_reason = timezone.now(), actor, reason
    clean_and_save(restriction, actor=actor)
    audit_record(actor=actor, action="end", obj=restriction)
    return restriction


def _live(actor, restriction: PersonRestriction) -> None:
    if restriction.organisation_id != actor.organisation_id or restriction.lifted_at is not None:
        raise ValidationError("This restriction is no longer in force")
    access.require_changeable(actor, restriction.person)


@transaction.atomic
def restriction_access_grant(*, actor, restriction: PersonRestriction, user) -> RestrictionAccess:
    """Name a user on a restriction: they see the whole record."""
    access.require(actor, "person.restrict")
    _live(actor, restriction)
    _may_be_named(actor, [user])
    named = RestrictionAccess.objects.filter(restriction=restriction, user=user).first()
    if named is not None:
        return named
    named = clean_and_save(
        RestrictionAccess(restriction=restriction, user=user, granted_by=actor, granted_at=timezone.now()),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=named, person_id=restriction.person_id, user=user.pk)
    return named


@transaction.atomic
def restriction_access_revoke(*, actor, restriction: PersonRestriction, user) -> None:
    """Take a user off a restriction: from now on they see the name only."""
    access.require(actor, "person.restrict")
    _live(actor, restriction)
    named = RestrictionAccess.objects.filter(restriction=restriction, user=user).first()
    if named is None:
        return
    named_id = named.pk
    named._history_user = actor  # the deletion's history row says who removed them
    named.delete()
    audit_record(
        actor=actor,
        action="delete",
        object_type="people.restrictionaccess",
        object_id=named_id,
        person_id=restriction.person_id,
        user=user.pk,
    )


@transaction.atomic
def restriction_named_users_set(*, actor, restriction: PersonRestriction, users) -> PersonRestriction:
    """Make the named users exactly ``users``: name the new ones, take off the others."""
    access.require(actor, "person.restrict")
    users = list(users)
    _live(actor, restriction)
    _may_be_named(actor, users)
    wanted = {u.pk: u for u in users}
    current = {a.user_id: a.user for a in restriction.named.select_related("user")}
    for user_id, user in current.items():
        if user_id not in wanted:
            restriction_access_revoke(actor=actor, restriction=restriction, user=user)
    for user_id, user in wanted.items():
        if user_id not in current:
            restriction_access_grant(actor=actor, restriction=restriction, user=user)
    return restriction
