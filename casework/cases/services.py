"""Writes about cases, allocations and case notes."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from casework.audit.services import audit_record
from casework.cases import rules
from casework.cases.models import Allocation, Case, CaseNote
from casework.contracts.services import contract_covering
from casework.core import access, concurrency
from casework.core.codes import ServiceType, SocialWorkerChangeReason
from casework.core.persistence import clean_and_save
from casework.organisations.models import Commissioning, Organisation, Worker
from casework.people.models import Person
from casework.registration.models import Registration


def _check_not_future(field: str, value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future"})


@transaction.atomic
def case_open(
    *,
    actor,
    person: Person,
    service_type: str,
    commissioner: Organisation,
    opened_on: date,
    open_reason: str,
    worker: Worker | None = None,
) -> Case:
    """Open statutory work for a person registered with the actor's practice, optionally allocating a worker."""
    access.require(actor, "case.manage")
    access.require_changeable(actor, person)
    concurrency.lock_in_order(Person.objects.filter(pk=person.pk))
    _check_not_future("opened_on", opened_on)
    registered = Registration.objects.filter(
        person=person, practice_id=actor.organisation_id, start_date__lte=opened_on, end_date__isnull=True
    )
    if not registered.exists():
        raise ValidationError(
            {"opened_on": "The person must be registered with this practice on the date the case opens"}
        )
    commissioned = Commissioning.objects.filter(
        commissioner=commissioner, practice_id=actor.organisation_id, start_date__lte=opened_on
    )
    if not commissioned.exists():
        raise ValidationError({"commissioner": f"{commissioner} does not commission this practice on that date"})
    contract = contract_covering(
        practice_id=actor.organisation_id, commissioner=commissioner, service_type=service_type, on=opened_on
    )
    if contract is None:
        raise ValidationError(
            {"commissioner": f"No contract with {commissioner} covers this service on that date: the case needs one"}
        )
    if Case.objects.filter(
        organisation_id=actor.organisation_id, person=person, service_type=service_type, closed_on__isnull=True
    ).exists():
        raise ValidationError({"service_type": "This person already has an open case of that type"})
    case = clean_and_save(
        Case(
            organisation_id=actor.organisation_id,
            person=person,
            commissioner=commissioner,
            service_type=service_type,
            contract=contract,
            opened_on=opened_on,
            open_reason=open_reason.strip(),
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=case, service_type=service_type)
    if worker is not None:
        allocation_change(
            actor=actor, case=case, worker=worker, start_date=opened_on, change_reason=SocialWorkerChangeReason.FCONTA
        )
    return case


def _locked(case: Case, *, current_only: bool = True) -> tuple[Case, list[Allocation]]:
    """The case as it is now and its allocations (the current one, or all), locked after the
    person's row (``concurrency.LOCK_ORDER``)."""
    allocations = Allocation.objects.filter(case_id=case.pk)
    if current_only:
        allocations = allocations.filter(end_date__isnull=True)
    _, (locked,), allocations = concurrency.lock_in_order(
        Person.objects.filter(pk=case.person_id), Case.objects.filter(pk=case.pk), allocations
    )
    return locked, allocations


def _allocated_worker_moved(case: Case) -> None:
    """A looked-after child's case changed hands or closed: the child's stored dues row names the
    allocated worker (trays and team counts read it), kept in this same transaction."""
    if case.service_type == ServiceType.LOOKED_AFTER_CHILD:
        from casework.looked_after import dues

        dues.allocation_changed(organisation_id=case.organisation_id, person_id=case.person_id)


def _close(*, actor, case: Case, closed_on: date, close_reason: str) -> Case:
    if case.closed_on is not None:
        raise ValidationError({"closed_on": concurrency.already_done(case, "closed")})
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": "The closing date must be on or after the date the case opened"})
    current = case.allocations.filter(end_date__isnull=True).first()
    if current is not None:
        if closed_on < current.start_date:
            raise ValidationError(
                {"closed_on": "The closing date must be on or after the current worker's allocation started"}
            )
        current.end_date = closed_on
        clean_and_save(current, actor=actor)
    case.closed_on = closed_on
    case.close_reason = close_reason
    clean_and_save(case, actor=actor)
    audit_record(actor=actor, action="end", obj=case, reason=close_reason)
    _allocated_worker_moved(case)
    return case


STILL_LOOKED_AFTER = "This child is looked after: end the period of care first, or choose 'End care and close the case'"


def _child_in_care(case: Case):
    """The looked-after record whose period of care is still going on, for a looked-after child's case."""
    from casework.looked_after.models import Episode, LookedAfterChild

    if case.service_type != ServiceType.LOOKED_AFTER_CHILD:
        return None
    # Exists, not a join: a join's "end date is null" also matches a child with no episode at all
    open_episode = Episode.objects.filter(child=OuterRef("pk"), end_date__isnull=True)
    return LookedAfterChild.objects.filter(
        Exists(open_episode), organisation_id=case.organisation_id, person_id=case.person_id
    ).first()


@transaction.atomic
def case_close(*, actor, case: Case, closed_on: date, close_reason: str) -> Case:
    """Close a case. A looked-after child's case stays open while the child is looked after
    (``case_close_ending_care`` ends care and closes it in one action)."""
    access.require(actor, "case.manage")
    if case.organisation_id != actor.organisation_id:
        raise ValidationError({"case": "Only the practice holding a case can close it"})
    access.require_changeable(actor, case)
    if not close_reason:
        raise ValidationError({"close_reason": "Choose why the case closed"})
    _check_not_future("closed_on", closed_on)
    case, _ = _locked(case)
    if _child_in_care(case) is not None:
        raise ValidationError({"end_care": STILL_LOOKED_AFTER})
    return _close(actor=actor, case=case, closed_on=closed_on, close_reason=close_reason)


# what the looked-after service calls a field, as the close-case page calls it
_CARE_END_FIELDS = {"end_date": "closed_on"}


@transaction.atomic
def case_close_ending_care(*, actor, case: Case, closed_on: date, close_reason: str, reason_ceased: str) -> Case:
    """End the child's period of care (the looked-after service's ``care_end``, with all its
    checks) and close their case on the same date, in one transaction: both or neither."""
    from casework.looked_after.services import care_end

    access.require(actor, "case.manage")
    access.require_changeable(actor, case)
    concurrency.lock_in_order(Person.objects.filter(pk=case.person_id))  # before care_end locks the child
    if not reason_ceased:
        raise ValidationError({"reason_ceased": "Choose why care ended"})
    child = _child_in_care(case)
    if child is None:
        raise ValidationError({"end_care": "The child is not looked after now: close the case only"})
    try:
        care_end(actor=actor, child=child, end_date=closed_on, reason_ceased=reason_ceased)
    except ValidationError as refused:
        if not hasattr(refused, "error_dict"):
            raise
        raise ValidationError(
            {_CARE_END_FIELDS.get(field, field): messages for field, messages in refused.message_dict.items()}
        ) from None
    return case_close(actor=actor, case=case, closed_on=closed_on, close_reason=close_reason)


REGISTRATION_END_TO_CASE_CLOSE = {
    Registration.EndReason.TRANSFERRED: Case.CloseReason.TRANSFERRED,
    Registration.EndReason.MOVED_AWAY: Case.CloseReason.MOVED_AWAY,
    Registration.EndReason.NO_LONGER_ELIGIBLE: Case.CloseReason.NO_LONGER_ELIGIBLE,
    Registration.EndReason.DIED: Case.CloseReason.DIED,
}


def close_open_cases_for_registration_end(
    *, actor, person: Person, practice_id: int, closed_on: date, registration_end_reason: str
) -> list[Case]:
    """A person leaving a practice's list leaves its caseload the same day (called by registration)."""
    reason = REGISTRATION_END_TO_CASE_CLOSE.get(registration_end_reason, Case.CloseReason.OTHER)
    # the caller (registration) holds the person's lock; the cases and their allocations come next
    open_cases = Case.objects.filter(organisation_id=practice_id, person=person, closed_on__isnull=True)
    open_cases, _ = concurrency.lock_in_order(
        open_cases, Allocation.objects.filter(case__in=open_cases.values("pk"), end_date__isnull=True)
    )
    if any(_child_in_care(case) is not None for case in open_cases):
        raise ValidationError(
            f"{person.full_name} is looked after: end the period of care before they leave the practice's list"
        )
    return [_close(actor=actor, case=case, closed_on=closed_on, close_reason=reason) for case in open_cases]


@transaction.atomic
def allocation_change(*, actor, case: Case, worker: Worker, start_date: date, change_reason: str) -> Allocation:
    """Allocate a worker to a case from a date, ending the current worker's allocation that day.

    Enforces the rule that a case has exactly one allocated worker at a time: periods never
    overlap, the first worker's reason is FCONTA (first contact) and later changes give the
    DfE reason for the change.
    """
    access.require(actor, "allocation.manage")
    case, history = _locked(case, current_only=False)
    if case.organisation_id != actor.organisation_id:
        raise ValidationError({"case": "Only the practice holding a case can allocate it"})
    access.require_changeable(actor, case)
    if case.closed_on is not None:
        raise ValidationError({"case": "The case is closed: reopen work by opening a new case"})
    _check_not_future("start_date", start_date)
    if start_date < case.opened_on:
        raise ValidationError({"start_date": "The allocation cannot start before the case opened"})
    if worker.organisation_id != actor.organisation_id:
        raise ValidationError({"worker": "Choose a worker from this practice"})
    if not rules.worker_in_post_on(start_date=worker.start_date, leave_date=worker.leave_date, on=start_date):
        raise ValidationError({"worker": f"{worker} is not in post on that date"})
    if not rules.may_hold_case(
        job_role=worker.job_role,
        has_swe_registration=bool(worker.swe_registration_number),
        service_type=case.service_type,
    ):
        raise ValidationError({"worker": f"{worker} cannot hold this case: allocate a registered social worker"})

    history.sort(key=lambda a: (a.start_date, a.pk))
    current = next((a for a in history if a.end_date is None), None)
    is_first = not history
    if is_first and change_reason != SocialWorkerChangeReason.FCONTA:
        raise ValidationError({"change_reason": "The first worker on a case is recorded as first contact (FCONTA)"})
    if not is_first and change_reason == SocialWorkerChangeReason.FCONTA:
        raise ValidationError({"change_reason": "First contact is only for the first worker: choose why it changed"})
    if current is not None:
        if current.worker_id == worker.pk:
            by = concurrency.last_saved(current)
            raise ValidationError({"worker": f"{worker} was allocated to this case by {by}: nothing was changed"})
        if start_date <= current.start_date:
            raise ValidationError(
                {"start_date": "The new allocation must start after the current worker's allocation started"}
            )
        current.end_date = start_date
        clean_and_save(current, actor=actor)
    for earlier in history:
        if earlier is not current and rules.periods_overlap(earlier.start_date, earlier.end_date, start_date, None):
            raise ValidationError({"start_date": "That date falls inside an earlier worker's allocation"})
    allocation = clean_and_save(
        Allocation(
            organisation_id=actor.organisation_id,
            case=case,
            service_type=case.service_type,
            worker=worker,
            start_date=start_date,
            change_reason=change_reason,
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="allocate", obj=allocation, case=case.pk, reason=change_reason)
    _allocated_worker_moved(case)
    return allocation


def _person_is_on_our_list(actor, person: Person) -> bool:
    return Registration.objects.filter(
        person=person, practice_id=actor.organisation_id, end_date__isnull=True
    ).exists() or (
        person.organisation_id == actor.organisation_id
        and not Registration.objects.filter(person=person, end_date__isnull=True).exists()
    )


@transaction.atomic
def case_note_add(
    *, actor, person: Person, note_type: str, occurred_on: date, summary: str, text: str, case: Case | None = None
) -> CaseNote:
    access.require(actor, "note.add")
    if not _person_is_on_our_list(actor, person):
        raise ValidationError("Notes can only be added for people currently registered with this practice")
    access.require_changeable(actor, person)
    if case is not None and (case.organisation_id != actor.organisation_id or case.person_id != person.pk):
        raise ValidationError({"case": "Choose one of this person's cases with this practice"})
    _check_not_future("occurred_on", occurred_on)
    if person.date_of_birth and occurred_on < person.date_of_birth - timedelta(days=280):
        raise ValidationError({"occurred_on": "The date is before the person was born"})
    note = clean_and_save(
        CaseNote(
            organisation_id=actor.organisation_id,
            person=person,
            case=case,
            author=actor,
            note_type=note_type,
            occurred_on=occurred_on,
            summary=summary.strip(),
            text=text.strip(),
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=note, note_type=note_type)
    return note


def case_note_is_editable(*, actor, note: CaseNote) -> bool:
    return rules.note_is_editable(
        author_id=note.author_id,
        actor_id=actor.pk,
        created_at=note.created_at,
        now=timezone.now(),
        window_hours=settings.CASE_NOTE_EDIT_WINDOW_HOURS,
    )


@transaction.atomic
def case_note_edit(*, actor, note: CaseNote, summary: str, text: str, version: int | None = None) -> CaseNote:
    access.require_changeable(actor, note)
    note = concurrency.lock_current(note)
    concurrency.check_version(note, version)
    if not case_note_is_editable(actor=actor, note=note):
        raise ValidationError(
            f"This note is locked: only its author can change it, within "
            f"{settings.CASE_NOTE_EDIT_WINDOW_HOURS} hours of writing it. Add a new note instead."
        )
    note.summary, note.text = summary.strip(), text.strip()
    concurrency.bump(note)
    clean_and_save(note, actor=actor)
    audit_record(actor=actor, action="update", obj=note, fields=["summary", "text"])
    return note
