"""Writes about people, households and relationships."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.audit.services import audit_record
from casework.core import access, concurrency, identifiers
from casework.core.persistence import clean_and_save
from casework.people import rules
from casework.people.models import Household, HouseholdMembership, Person, Relationship

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
    person = Person(organisation_id=actor.organisation_id, **_normalise(fields))
    _set_name_keys(person)
    clean_and_save(person, actor=actor)
    audit_record(actor=actor, action="create", obj=person)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, version: int | None = None, **fields) -> Person:
    """Change a person's details; ``version`` is the one the form was opened at (a later save by
    someone else refuses this one with what they changed)."""
    access.require(actor, "person.update")
    person = concurrency.lock_current(person)
    concurrency.check_version(person, version, hidden=("nhs_number",))
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
    return person


@transaction.atomic
def relationship_create(*, actor, person: Person, related_person: Person, relationship_type: str) -> Relationship:
    """Record a relationship in both directions (A parent of B, B child of A)."""
    access.require(actor, "relationship.manage")
    if person.pk == related_person.pk:
        raise ValidationError({"related_person": "A person cannot be related to themselves"})
    inverse = rules.INVERSE_RELATIONSHIP.get(relationship_type)
    if inverse is None:
        raise ValidationError({"relationship_type": "Choose a type of relationship"})
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
    household = clean_and_save(Household(organisation_id=actor.organisation_id, name=name.strip()), actor=actor)
    for person in members:
        clean_and_save(HouseholdMembership(household=household, person=person, joined_on=joined_on), actor=actor)
    audit_record(actor=actor, action="create", obj=household, members=len(members))
    return household
