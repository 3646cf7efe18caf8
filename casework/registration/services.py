"""Writes about registration: joining a practice's list, leaving it, transferring between practices."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.cases.rules import worker_in_post_on
from casework.core import access, concurrency
from casework.core.persistence import clean_and_save
from casework.organisations.models import Commissioning, Organisation, Worker
from casework.people.models import Household, Person
from casework.registration.models import Registration


def _check_named_worker(worker: Worker | None, practice_id: int, on: date) -> None:
    if worker is None:
        return
    if worker.organisation_id != practice_id:
        raise ValidationError({"named_worker": "Choose a worker from this practice"})
    if not worker_in_post_on(start_date=worker.start_date, leave_date=worker.leave_date, on=on):
        raise ValidationError({"named_worker": f"{worker} is not in post on that date"})


def _check_referral(route: str, referred_by: Organisation | None, practice_id: int, on: date) -> None:
    if route != Registration.Route.COMMISSIONER_REFERRAL:
        return
    if referred_by is None:
        raise ValidationError({"referred_by": "Choose the commissioner that referred the person"})
    commissions = Commissioning.objects.filter(commissioner=referred_by, practice_id=practice_id, start_date__lte=on)
    if not commissions.exists():
        raise ValidationError({"referred_by": f"{referred_by} does not commission this practice on that date"})


def _check_start_date(person: Person, start_date: date) -> None:
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": "The registration date cannot be in the future"})
    born = person.date_of_birth or person.expected_date_of_birth
    if person.date_of_birth and start_date < born:
        raise ValidationError({"start_date": "The registration date must be on or after the date of birth"})
    if person.date_of_death and start_date > person.date_of_death:
        raise ValidationError({"start_date": "The registration date must be before the date of death"})


def _start(
    *,
    actor,
    person,
    practice_id,
    named_worker,
    start_date,
    route,
    referred_by=None,
    household=None,
    transferred_from=None,
) -> Registration:
    if Registration.objects.filter(person=person, end_date__isnull=True).exists():
        raise ValidationError(
            {"person": f"{person.full_name} already has a current registration: end or transfer it first"}
        )
    registration = Registration(
        person=person,
        practice_id=practice_id,
        named_worker=named_worker,
        household=household,
        start_date=start_date,
        route=route,
        referred_by=referred_by,
        transferred_from=transferred_from,
    )
    clean_and_save(registration, actor=actor)
    audit_record(actor=actor, action="create", obj=registration, route=route)
    return registration


@transaction.atomic
def registration_start(
    *,
    actor,
    person: Person,
    start_date: date,
    route: str,
    named_worker: Worker | None = None,
    referred_by: Organisation | None = None,
) -> Registration:
    """Register a person with the actor's practice and a named worker."""
    access.require(actor, "registration.manage")
    access.require_changeable(actor, person)
    concurrency.lock_in_order(Person.objects.filter(pk=person.pk))
    if route == Registration.Route.TRANSFER_IN:
        raise ValidationError({"route": "Transfers in are made by the sending practice's transfer action"})
    _check_start_date(person, start_date)
    _check_named_worker(named_worker, actor.organisation_id, start_date)
    _check_referral(route, referred_by, actor.organisation_id, start_date)
    return _start(
        actor=actor,
        person=person,
        practice_id=actor.organisation_id,
        named_worker=named_worker,
        start_date=start_date,
        route=route,
        referred_by=referred_by,
    )


@dataclass(frozen=True)
class HouseholdRegistration:
    """What registering a household did: who was registered, and who was left as they were."""

    registered: list[Registration]
    already_registered: list[Person]  # with this practice
    registered_elsewhere: list[Person]  # with another practice: a transfer from there, not a registration here


@transaction.atomic
def household_register(
    *,
    actor,
    household: Household,
    start_date: date,
    route: str,
    named_worker: Worker | None = None,
    referred_by: Organisation | None = None,
) -> HouseholdRegistration:
    """Register every current member of a family not yet registered, with one named worker. A member
    already registered (here or with another practice) is left as they are and reported, never
    blocking the rest; any other refusal (a date before a member's birth ...) registers no one."""
    access.require(actor, "registration.manage")
    if household.organisation_id != actor.organisation_id:
        raise ValidationError({"household": "Only the practice that recorded the household can register it"})
    access.require_changeable(actor, household)
    members = list(household.members.filter(household_memberships__left_on__isnull=True).distinct())
    if not members:
        raise ValidationError({"household": "The household has no current members"})
    concurrency.lock_in_order(Person.objects.filter(pk__in=[p.pk for p in members]))
    _check_named_worker(named_worker, actor.organisation_id, start_date)
    _check_referral(route, referred_by, actor.organisation_id, start_date)
    current = dict(
        Registration.objects.filter(person__in=members, end_date__isnull=True).values_list("person_id", "practice_id")
    )
    already = [p for p in members if current.get(p.pk) == actor.organisation_id]
    elsewhere = [p for p in members if p.pk in current and current[p.pk] != actor.organisation_id]
    to_register = [p for p in members if p.pk not in current]
    if not to_register:
        raise ValidationError({"household": "Everyone in the household is already registered"})
    registrations = []
    for person in to_register:
        try:
            _check_start_date(person, start_date)
        except ValidationError as refused:
            raise ValidationError({"start_date": f"{person.full_name}: {refused.messages[0]}"}) from None
        registrations.append(
            _start(
                actor=actor,
                person=person,
                practice_id=actor.organisation_id,
                named_worker=named_worker,
                start_date=start_date,
                route=route,
                referred_by=referred_by,
                household=household,
            )
        )
    return HouseholdRegistration(registrations, already, elsewhere)


def _locked(registration: Registration) -> Registration:
    """The registration as it is now, its person's row and its own locked (``concurrency.LOCK_ORDER``)."""
    _, (locked,) = concurrency.lock_in_order(
        Person.objects.filter(pk=registration.person_id), Registration.objects.filter(pk=registration.pk)
    )
    return locked


def _end(*, actor, registration: Registration, end_date: date, end_reason: str) -> Registration:
    # Imported here: cases depend on registration, not the other way round.
    from casework.cases.services import close_open_cases_for_registration_end

    if registration.end_date is not None:
        done = "transferred" if registration.end_reason == Registration.EndReason.TRANSFERRED else "ended"
        raise ValidationError({"registration": concurrency.already_done(registration, done)})
    # (a current registration with the actor's practice: the person is the practice's to change)
    access.require_changeable(actor, registration)
    if end_date < registration.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the registration date"})
    if end_date > timezone.localdate():
        raise ValidationError({"end_date": "The end date cannot be in the future"})
    close_open_cases_for_registration_end(
        actor=actor,
        person=registration.person,
        practice_id=registration.practice_id,
        closed_on=end_date,
        registration_end_reason=end_reason,
    )
    registration.end_date = end_date
    registration.end_reason = end_reason
    clean_and_save(registration, actor=actor)
    audit_record(actor=actor, action="end", obj=registration, reason=end_reason)
    return registration


@transaction.atomic
def registration_end(*, actor, registration: Registration, end_date: date, end_reason: str) -> Registration:
    """Take a person off the list. Their open cases with the practice close on the same date."""
    access.require(actor, "registration.manage")
    if registration.practice_id != actor.organisation_id:
        raise ValidationError({"registration": "Only the practice holding a registration can end it"})
    if end_reason == Registration.EndReason.TRANSFERRED:
        raise ValidationError({"end_reason": "Use the transfer action to move a person to another practice"})
    if not end_reason:
        raise ValidationError({"end_reason": "Choose why the registration ended"})
    registration = _locked(registration)
    return _end(actor=actor, registration=registration, end_date=end_date, end_reason=end_reason)


@transaction.atomic
def registration_transfer(
    *, actor, registration: Registration, to_practice: Organisation, transfer_date: date
) -> Registration:
    """Move a person from the actor's practice to another practice on this instance, in one step.

    The sending registration ends (reason: transferred) and the receiving one starts the same
    day (route: transfer in). The sending practice's open cases close; its records stay its own.
    The receiving practice names its own worker afterwards.
    """
    access.require(actor, "registration.manage")
    if registration.practice_id != actor.organisation_id:
        raise ValidationError({"registration": "Only the practice holding a registration can transfer it"})
    if not to_practice.is_practice or to_practice.pk == registration.practice_id:
        raise ValidationError({"to_practice": "Choose another practice to transfer to"})
    locked = _locked(registration)
    _end(actor=actor, registration=locked, end_date=transfer_date, end_reason=Registration.EndReason.TRANSFERRED)
    incoming = _start(
        actor=actor,
        person=locked.person,
        practice_id=to_practice.pk,
        named_worker=None,
        start_date=transfer_date,
        route=Registration.Route.TRANSFER_IN,
        transferred_from=locked,
    )
    audit_record(actor=actor, action="transfer", obj=locked, to_registration=incoming.pk)
    return incoming


@transaction.atomic
def household_transfer(
    *, actor, household: Household, to_practice: Organisation, transfer_date: date
) -> list[Registration]:
    """Transfer every member of a family registered here to another practice, in one step (only
    people registered here now, each through ``registration_transfer`` and its checks)."""
    access.require(actor, "registration.manage")
    registered_here = Registration.objects.filter(
        household=household, practice_id=actor.organisation_id, end_date__isnull=True
    )
    _, current = concurrency.lock_in_order(
        Person.objects.filter(pk__in=registered_here.values("person_id")), registered_here
    )
    if not current:
        raise ValidationError({"household": "No one in this household is currently registered with this practice"})
    return [
        registration_transfer(actor=actor, registration=r, to_practice=to_practice, transfer_date=transfer_date)
        for r in current
    ]


@transaction.atomic
def registration_name_worker(*, actor, registration: Registration, named_worker: Worker) -> Registration:
    access.require(actor, "registration.manage")
    registration = _locked(registration)
    if registration.practice_id != actor.organisation_id or registration.end_date is not None:
        raise ValidationError({"registration": "Only a current registration with this practice can change worker"})
    _check_named_worker(named_worker, actor.organisation_id, timezone.localdate())
    registration.named_worker = named_worker
    clean_and_save(registration, actor=actor)
    audit_record(actor=actor, action="update", obj=registration, fields=["named_worker"])
    return registration
