"""Writes about looked-after children: every change goes through here, checked right first time.

Each service refuses, with a plain message against the field to fix, what the DfE's SSDA903
validation rules would flag later (dates out of order, overlapping episodes, a code not valid in
the collection year of the date it applies to, a URN or provider missing, a participation code
that does not fit the child's age ...). The aim, proved by tests/looked_after/test_recording_property.py:
whatever these services accept exports with zero DfE errors.

A change of placement or legal status is one action (``episode_change``): the current episode
ends with X1 and the next starts the same day with the reason the change implies. Nobody edits
episode rows by hand.
"""

from datetime import date
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.audit.services import audit_record
from casework.cases.models import Case
from casework.core import access, concurrency, identifiers
from casework.core.codes import ServiceType
from casework.core.persistence import clean_and_save
from casework.core.postcodes import authority_of
from casework.looked_after import codes, dues, rules
from casework.looked_after.models import (
    Adoption,
    AdoptionDecision,
    CareLeaverContact,
    Conviction,
    DeprivationOfLiberty,
    Episode,
    HealthCheck,
    LookedAfterChild,
    MissingEpisode,
    PreviousPermanence,
    Review,
    StrengthsDifficulties,
    SubstanceMisuse,
    Visit,
)
from casework.organisations.models import Commissioning
from casework.people.models import Person

# DfE rules 709/710 (which crash in the validator, so the service is the only check): a child under
# a deprivation of liberty order lives in a children's home or one of the "other" placements.
DOLO_PLACEMENTS = frozenset({"K2", "Z12", "Z13"})
# The 903 cannot express one child's DoLO before 2026/27, when the DoLo table starts.
FIRST_DOLO_YEAR = 2027


def _postcode(value: str) -> str:
    """A postcode in the usual form (``ls11aa`` becomes ``LS1 1AA``); anything else as typed, in
    capitals, for the model's check to refuse."""
    value = (value or "").upper().strip()
    return identifiers.normalise_postcode(value) if identifiers.is_valid_postcode(value) else value


def _recording(service):
    """Every service here: capability checked, the child belongs to the actor's practice, one transaction."""

    @wraps(service)
    def checked(*, actor, child: LookedAfterChild, **kwargs):
        access.require(actor, "looked_after.record")
        if child.organisation_id != actor.organisation_id:
            raise ValidationError("Only the practice holding the child's record can change it")
        with transaction.atomic():
            # the person's row first (core/concurrency.LOCK_ORDER), so starting care queues behind a
            # case being closed or a transfer, and the scope is checked under the lock
            concurrency.lock_in_order(
                Person.objects.filter(pk=child.person_id), LookedAfterChild.objects.filter(pk=child.pk)
            )
            access.require_changeable(actor, child)
            child = LookedAfterChild.objects.select_related("person").get(pk=child.pk)
            done = service(actor=actor, child=child, **kwargs)
            # the stored due dates change with what was recorded, in the same transaction
            dues.refresh([child.pk])
            return done

    return checked


# -- shared checks ---------------------------------------------------------------------------


def _not_future(field: str, day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "The date cannot be in the future"})


def _code(field: str, code_list: codes.CodeList, code: str, day: date, what: str) -> None:
    year = codes.collection_year_of(day)
    if code not in code_list:
        raise ValidationError({field: f"Choose the {what} from the list"})
    if not code_list.valid(code, year):
        raise ValidationError({field: f"{code} is not a valid {what} in {codes.year_label(year)}"})


def _after_birth(field: str, child: LookedAfterChild, day: date) -> None:
    dob = child.person.date_of_birth
    if dob is None:
        raise ValidationError("Record the child's date of birth first")
    if day < dob:
        raise ValidationError({field: "The date is before the child was born"})


def _episodes(child: LookedAfterChild) -> list[Episode]:
    return list(child.episodes.order_by("start_date"))


def _current_period(child: LookedAfterChild) -> tuple:
    periods = rules.periods_of_care(_episodes(child))
    return periods[-1].episodes if periods else ()


def _in_care(field: str, child: LookedAfterChild, day: date, *, ended_day_counts: bool = False) -> Episode:
    """The episode the child was in on ``day``; refuse when they were not looked after. Nobody is
    looked after from their 18th birthday, whatever an unclosed episode says."""
    if day >= rules.birthday(child.person.date_of_birth, 18) and not (
        ended_day_counts and day == rules.birthday(child.person.date_of_birth, 18)
    ):
        raise ValidationError({field: "The young person was 18 by then: record that care ended on the 18th birthday"})
    for episode in _episodes(child):
        ends = episode.end_date
        if episode.start_date <= day and (ends is None or day < ends or (ended_day_counts and day == ends)):
            return episode
    raise ValidationError({field: "The child was not looked after on that date"})


def _age(child: LookedAfterChild, day: date) -> int:
    return rules.age_on(child.person.date_of_birth, day)


def _problems(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError(problems)


def _placement_checks(
    child: LookedAfterChild,
    day: date,
    *,
    placement_type,
    placement_provider,
    placement_postcode,
    home_postcode,
    urn,
    legal_status,
    category_of_need,
) -> None:
    year = codes.collection_year_of(day)
    _code("legal_status", codes.LEGAL_STATUS, legal_status, day, "legal status")
    if legal_status in rules.SHORT_BREAK_STATUSES:
        # short breaks carry their own DfE rules (17 days a break, 75 a year, no reviews), and rules
        # 214 and 218 contradict each other for them (docs/looked-after.md): refuse rather than
        # accept what the return would reject
        raise ValidationError({"legal_status": "Short breaks (V3, V4) cannot be recorded here yet"})
    _code("category_of_need", codes.CATEGORY_OF_NEED, category_of_need, day, "category of need")
    if placement_type not in codes.PLACEMENT_TYPE:
        raise ValidationError({"placement_type": "Choose the placement type from the list"})
    _problems(rules.placement_problems(placement_type, placement_provider, urn, year))
    if placement_type in codes.ADOPTION_PLACEMENTS and legal_status not in ("E1", "D1", "V2"):
        raise ValidationError(
            {"placement_type": "A placement for adoption needs a placement order (E1), freeing order or consent (V2)"}
        )
    if placement_type in ("A5", "A6") and legal_status != "E1" and legal_status != "D1":
        raise ValidationError({"legal_status": "A5 and A6 are placements for adoption with a placement order (E1)"})
    if placement_type in ("A3", "A4") and legal_status != "V2":
        raise ValidationError({"legal_status": "A3 and A4 are placements for adoption with consent (V2)"})
    _problems(
        rules.episode_problems(
            date_of_birth=child.person.date_of_birth,
            start_date=day,
            legal_status=legal_status,
            placement_type=placement_type,
            placement_provider=placement_provider,
            placement_postcode=placement_postcode,
            home_postcode=home_postcode,
            placement_authority=authority_of(placement_postcode) if placement_postcode else None,
            own_authority=child.commissioner.ons_code,
        )
    )
    if (legal_status in ("E1", "D1") or placement_type in codes.ADOPTION_PLACEMENTS) and not _decision_in_force(
        child, day
    ):
        raise ValidationError(
            {"legal_status": "Record the decision that the child should be placed for adoption before the order"}
        )
    dolo = _dolo_in_force(child, day)
    if dolo is not None and placement_type not in DOLO_PLACEMENTS:
        raise ValidationError(
            {"placement_type": "A deprivation of liberty order is in force: the child must be in K2, Z12 or Z13"}
        )


def _decision_in_force(child: LookedAfterChild, day: date) -> bool:
    return child.adoptiondecisions.filter(decided_on__lte=day).exclude(ceased_on__lt=day).exists()


def _dolo_in_force(child: LookedAfterChild, day: date) -> DeprivationOfLiberty | None:
    """The order in force on ``day``: one ending that day has ended (the placement may change then)."""
    return (
        child.deprivationoflibertys.filter(start_date__lte=day)
        .exclude(end_date__lte=day)
        .order_by("-start_date")
        .first()
    )


def _looked_after_case(child: LookedAfterChild) -> Case | None:
    return Case.objects.filter(
        organisation_id=child.organisation_id,
        person_id=child.person_id,
        service_type=ServiceType.LOOKED_AFTER_CHILD,
        closed_on__isnull=True,
    ).first()


# -- the child's record ----------------------------------------------------------------------


@transaction.atomic
def looked_after_child_create(*, actor, person, commissioner, child_id: str) -> LookedAfterChild:
    """Start recording a child as looked after by ``commissioner`` (their 903 CHILD identifier)."""
    access.require(actor, "looked_after.record")
    access.require_changeable(actor, person)
    child_id = child_id.strip()
    if not identifiers.is_valid_903_child_id(child_id):
        raise ValidationError({"child_id": f"Enter the child identifier: {identifiers.CHILD_ID_MESSAGE}"})
    if person.date_of_birth is None:
        raise ValidationError({"person": "Record the child's date of birth first"})
    if not Commissioning.objects.filter(commissioner=commissioner, practice_id=actor.organisation_id).exists():
        raise ValidationError({"commissioner": f"{commissioner} does not commission this practice"})
    if LookedAfterChild.objects.filter(commissioner=commissioner, person=person).exists():
        raise ValidationError({"commissioner": "This child already has a looked-after record for that authority"})
    if LookedAfterChild.objects.filter(commissioner=commissioner, child_id=child_id).exists():
        raise ValidationError({"child_id": "Another child already has that identifier at that authority"})
    child = clean_and_save(
        LookedAfterChild(
            organisation_id=actor.organisation_id, person=person, commissioner=commissioner, child_id=child_id
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=child)
    dues.refresh([child.pk])
    return child


@_recording
def care_start(
    *,
    actor,
    child: LookedAfterChild,
    start_date: date,
    legal_status: str,
    category_of_need: str,
    placement_type: str,
    placement_provider: str = "",
    placement_postcode: str = "",
    urn: str = "",
    home_postcode: str = "",
    intended_until_18: bool = False,
    previous_permanence: str = "Z1",
    permanence_arranged_by: str = "",
    permanence_order_date: str = "",
    is_mother: bool | None = None,
) -> Episode:
    """A new period of care: the first episode (reason S) and what permanence the child had before.
    For a girl the return needs to know whether she is a mother (DfE rule 393)."""
    _not_future("start_date", start_date)
    if child.person.sex == "F" and child.is_mother is None:
        if is_mother is None:
            raise ValidationError({"is_mother": "Say whether she is a mother"})
        if is_mother:
            raise ValidationError(
                {"is_mother": "Record her child's date of birth on the child's page once care starts"}
            )
        child.is_mother = False
        clean_and_save(child, actor=actor)
    _after_birth("start_date", child, start_date)
    if _age(child, start_date) >= 18:
        raise ValidationError({"start_date": "A young person of 18 or over cannot start to be looked after"})
    episodes = _episodes(child)
    if any(e.end_date is None for e in episodes):
        raise ValidationError({"start_date": "The child is already looked after: record a change of placement"})
    if episodes and start_date <= episodes[-1].end_date:
        raise ValidationError({"start_date": "The child's previous period of care ended on or after that date"})
    if placement_type in codes.TEMPORARY_PLACEMENTS:
        raise ValidationError({"placement_type": "A period of care cannot start with a temporary placement"})
    _placement_checks(
        child,
        start_date,
        placement_type=placement_type,
        placement_provider=placement_provider,
        placement_postcode=_postcode(placement_postcode),
        home_postcode=_postcode(home_postcode),
        urn=urn,
        legal_status=legal_status,
        category_of_need=category_of_need,
    )
    _previous_permanence_checks(child, start_date, previous_permanence, permanence_arranged_by, permanence_order_date)
    episode = clean_and_save(
        Episode(
            organisation_id=child.organisation_id,
            child=child,
            case=_looked_after_case(child),
            start_date=start_date,
            reason_new_episode="S",
            legal_status=legal_status,
            category_of_need=category_of_need,
            placement_type=placement_type,
            placement_provider=placement_provider,
            placement_postcode=_postcode(placement_postcode),
            urn=urn.strip(),
            home_postcode=_postcode(home_postcode),
            intended_until_18=intended_until_18,
        ),
        actor=actor,
    )
    clean_and_save(
        PreviousPermanence(
            organisation_id=child.organisation_id,
            child=child,
            period_start=start_date,
            option=previous_permanence,
            arranged_by=permanence_arranged_by if previous_permanence != "Z1" else "",
            order_date=permanence_order_date if previous_permanence != "Z1" else "",
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=episode, reason="S")
    return episode


def _previous_permanence_checks(child, start_date, option, arranged_by, order_date) -> None:
    _code("previous_permanence", codes.PREVIOUS_PERMANENCE, option, start_date, "previous permanence option")
    if option == "Z1":
        return
    problems = {}
    if not (len(arranged_by) == 3 and arranged_by.isdigit()):
        problems["permanence_arranged_by"] = "Enter the 3-digit number of the authority that arranged it"
    problem = rules.partial_date_problem(order_date, before=start_date, after=child.person.date_of_birth)
    if problem:
        problems["permanence_order_date"] = problem
    _problems(problems)


@_recording
def episode_change(
    *,
    actor,
    child: LookedAfterChild,
    change_date: date,
    legal_status: str,
    placement_type: str,
    placement_provider: str = "",
    placement_postcode: str = "",
    urn: str = "",
    same_carers: bool = False,
    reason_place_change: str = "",
    intended_until_18: bool | None = None,
) -> Episode:
    """A change of legal status, placement, or both: end the current episode (X1), start the next."""
    current = child.episodes.filter(end_date__isnull=True).first()
    if current is None:
        raise ValidationError("The child is not looked after now: start a period of care instead")
    _not_future("change_date", change_date)
    if change_date <= current.start_date:
        raise ValidationError(
            {"change_date": f"The change must be after the current episode started ({current.start_date:%d/%m/%Y})"}
        )
    if _age(child, change_date) >= 18:
        raise ValidationError({"change_date": "The young person was 18 by then: record that care ended"})
    placement_postcode = _postcode(placement_postcode)
    urn = urn.strip()
    placement_changed = not same_carers or (
        (placement_type, placement_provider, placement_postcode, urn)
        != (current.placement_type, current.placement_provider, current.placement_postcode, current.urn)
    )
    if same_carers and placement_type == current.placement_type and placement_postcode != current.placement_postcode:
        raise ValidationError(
            {"placement_postcode": "Same carers and placement type: the placement postcode is the same"}
        )
    legal_changed = legal_status != current.legal_status
    try:
        rne = rules.reason_for_new_episode(
            current, legal_status_changed=legal_changed, placement_changed=placement_changed, same_carers=same_carers
        )
    except ValueError:
        raise ValidationError("Nothing has changed: a new episode needs a new legal status or placement") from None
    if same_carers and placement_type == current.placement_type and not legal_changed:
        raise ValidationError({"placement_type": "With the same carers, a change of placement is a new placement type"})
    _placement_checks(
        child,
        change_date,
        placement_type=placement_type,
        placement_provider=placement_provider,
        placement_postcode=placement_postcode,
        home_postcode=current.home_postcode,
        urn=urn,
        legal_status=legal_status,
        category_of_need=current.category_of_need,
    )
    # a short-lived status ends by its limit whatever else changes meanwhile (DfE rules 361-364)
    run = rules.legal_status_run_problem(_current_period(child), change_date)
    if run:
        raise ValidationError({"change_date": run})
    temporary = rules.temporary_placement_problem(
        _current_period(child),
        change_date=change_date,
        legal_status=legal_status,
        placement={"placement_type": placement_type, "placement_postcode": placement_postcode},
    )
    if temporary:
        raise ValidationError({"placement_type": temporary})
    involves_temporary = codes.TEMPORARY_PLACEMENTS & {placement_type, current.placement_type}
    if rne in ("P", "T", "B", "U") and not involves_temporary:
        # no reason is given for a move into or back from a temporary placement (DfE rules 225, 226)
        if not reason_place_change:
            raise ValidationError({"reason_place_change": "Choose the reason for the change of placement"})
        _code("reason_place_change", codes.REASON_PLACE_CHANGE, reason_place_change, change_date, "reason")
    else:
        reason_place_change = ""
    if _missing_open_across(child, change_date):
        raise ValidationError({"change_date": "A missing episode runs over this date: record its end first"})
    current.end_date = change_date
    current.reason_ceased = "X1"
    current.reason_place_change = reason_place_change
    clean_and_save(current, actor=actor)
    episode = clean_and_save(
        Episode(
            organisation_id=child.organisation_id,
            child=child,
            case=current.case or _looked_after_case(child),
            start_date=change_date,
            reason_new_episode=rne,
            legal_status=legal_status,
            category_of_need=current.category_of_need,
            placement_type=placement_type,
            placement_provider=placement_provider,
            placement_postcode=placement_postcode,
            urn=urn,
            home_postcode=current.home_postcode,
            intended_until_18=current.intended_until_18 if intended_until_18 is None else intended_until_18,
        ),
        actor=actor,
    )
    audit_record(actor=actor, action="create", obj=episode, reason=rne)
    return episode


def _missing_open_across(child, day: date) -> bool:
    """A missing episode may not run over the end of an episode (the DfE reads it against one placement)."""
    return child.missingepisodes.filter(start_date__lt=day).exclude(end_date__lt=day).exists()


@_recording
def care_end(*, actor, child: LookedAfterChild, end_date: date, reason_ceased: str) -> Episode:
    """The period of care ends: the last episode closes with why."""
    current = child.episodes.filter(end_date__isnull=True).first()
    if current is None:
        raise ValidationError("The child is not looked after now")
    _not_future("end_date", end_date)
    if end_date <= current.start_date:
        raise ValidationError(
            {"end_date": f"Care must end after the current episode started ({current.start_date:%d/%m/%Y})"}
        )
    if reason_ceased == "X1":
        raise ValidationError(
            {"reason_ceased": "X1 is for a change of placement or legal status: choose why care ended"}
        )
    _code("reason_ceased", codes.REASON_EPISODE_CEASED, reason_ceased, end_date, "reason care ended")
    problem = rules.ending_problem(reason_ceased, current) or rules.ending_age_problem(
        reason_ceased, child.person.date_of_birth, end_date
    )
    if problem:
        raise ValidationError({"reason_ceased": problem})
    run = rules.legal_status_run_problem(_current_period(child), end_date)
    if run:
        raise ValidationError({"end_date": run})
    eighteenth = rules.birthday(child.person.date_of_birth, 18)
    if end_date > eighteenth:
        raise ValidationError({"end_date": f"Care ends on the 18th birthday ({eighteenth:%d/%m/%Y}) at the latest"})
    if reason_ceased == "E17" and end_date != eighteenth:
        raise ValidationError({"reason_ceased": "E17 (staying put) is for care ending on the 18th birthday"})
    if reason_ceased in codes.ADOPTED:
        if not child.adoptions.exists():
            raise ValidationError({"reason_ceased": "Record the adoption details first"})
    elif child.adoptiondecisions.filter(ceased_on__isnull=True).exists():
        raise ValidationError(
            {"reason_ceased": "The decision to place for adoption is still in force: record why it ceased"}
        )
    if child.deprivationoflibertys.exclude(end_date__lte=end_date).exists():
        raise ValidationError({"end_date": "A deprivation of liberty order is still in force: record when it ended"})
    if _missing_open_across(child, end_date):
        raise ValidationError({"end_date": "A missing episode runs over this date: record its end first"})
    if (
        child.reviews.filter(review_date__gte=end_date).exists()
        or child.visits.filter(visit_date__gt=end_date).exists()
    ):
        raise ValidationError({"end_date": "Reviews or visits are recorded after this date"})
    current.end_date = end_date
    current.reason_ceased = reason_ceased
    clean_and_save(current, actor=actor)
    audit_record(actor=actor, action="end", obj=current, reason=reason_ceased)
    return current


# -- reviews, visits, health ---------------------------------------------------------------


def _add(actor, obj):
    clean_and_save(obj, actor=actor)
    audit_record(actor=actor, action="create", obj=obj)
    return obj


@_recording
def review_record(*, actor, child: LookedAfterChild, review_date: date, participation: str) -> Review:
    _not_future("review_date", review_date)
    _in_care("review_date", child, review_date)
    problem = rules.review_code_problem(participation, _age(child, review_date))
    if problem:
        raise ValidationError({"participation": problem})
    if child.reviews.filter(review_date=review_date).exists():
        raise ValidationError({"review_date": "A review is already recorded on that date"})
    return _add(
        actor,
        Review(
            organisation_id=child.organisation_id, child=child, review_date=review_date, participation=participation
        ),
    )


@_recording
def visit_record(*, actor, child: LookedAfterChild, visit_date: date, child_seen: bool, seen_alone: bool) -> Visit:
    _not_future("visit_date", visit_date)
    _in_care("visit_date", child, visit_date)
    if seen_alone and not child_seen:
        raise ValidationError({"seen_alone": "The child can only be seen alone if they were seen"})
    return _add(
        actor,
        Visit(
            organisation_id=child.organisation_id,
            child=child,
            visit_date=visit_date,
            child_seen=child_seen,
            seen_alone=seen_alone,
        ),
    )


@_recording
def health_check_record(*, actor, child: LookedAfterChild, kind: str, check_date: date) -> HealthCheck:
    _not_future("check_date", check_date)
    _in_care("check_date", child, check_date)
    if kind not in HealthCheck.Kind.values:
        raise ValidationError({"kind": "Choose what was checked"})
    if kind == HealthCheck.Kind.DEVELOPMENT_CHECK and _age(child, check_date) >= 5:
        raise ValidationError({"kind": "Development checks are for children under 5"})
    if child.healthchecks.filter(kind=kind, check_date=check_date).exists():
        raise ValidationError({"check_date": "That check is already recorded on that date"})
    return _add(
        actor, HealthCheck(organisation_id=child.organisation_id, child=child, kind=kind, check_date=check_date)
    )


@_recording
def sdq_record(
    *, actor, child: LookedAfterChild, assessed_on: date, score: int | None = None, reason_not_done: str = ""
) -> StrengthsDifficulties:
    """An SDQ score (0 to 40) for a child aged 4 to 16, or the DfE reason there is none."""
    _not_future("assessed_on", assessed_on)
    _in_care("assessed_on", child, assessed_on)
    age = _age(child, assessed_on)
    if (score is None) == (not reason_not_done):
        raise ValidationError({"score": "Enter the score, or the reason there is no score (not both)"})
    if score is not None:
        if not 0 <= score <= 40:
            raise ValidationError({"score": "The total difficulties score is from 0 to 40"})
        if not 4 <= age <= 16:
            raise ValidationError({"score": "The SDQ is for children aged 4 to 16"})
    else:
        _code("reason_not_done", codes.SDQ_REASON, reason_not_done, assessed_on, "reason")
        if (reason_not_done == "SDQ1") != (not 4 <= age <= 16):
            raise ValidationError({"reason_not_done": "SDQ1 is for a child under 4 or over 16, and only for them"})
    return _add(
        actor,
        StrengthsDifficulties(
            organisation_id=child.organisation_id,
            child=child,
            assessed_on=assessed_on,
            score=score,
            reason_not_done=reason_not_done,
        ),
    )


@_recording
def substance_misuse_record(
    *,
    actor,
    child: LookedAfterChild,
    identified_on: date,
    intervention_received: bool,
    intervention_offered_refused: bool = False,
) -> SubstanceMisuse:
    _not_future("identified_on", identified_on)
    _in_care("identified_on", child, identified_on)
    if intervention_received and intervention_offered_refused:
        raise ValidationError({"intervention_offered_refused": "An intervention received was not refused"})
    return _add(
        actor,
        SubstanceMisuse(
            organisation_id=child.organisation_id,
            child=child,
            identified_on=identified_on,
            intervention_received=intervention_received,
            intervention_offered_refused=intervention_offered_refused,
        ),
    )


@_recording
def conviction_record(*, actor, child: LookedAfterChild, convicted_on: date) -> Conviction:
    _not_future("convicted_on", convicted_on)
    _in_care("convicted_on", child, convicted_on)
    if _age(child, convicted_on) < 10:
        raise ValidationError({"convicted_on": "A child under 10 cannot be convicted or cautioned"})
    return _add(actor, Conviction(organisation_id=child.organisation_id, child=child, convicted_on=convicted_on))


@_recording
def missing_record(
    *,
    actor,
    child: LookedAfterChild,
    kind: str,
    start_date: date,
    end_date: date | None = None,
    return_interview_offered: bool | None = None,
    return_interview_accepted: bool | None = None,
) -> MissingEpisode:
    """Missing (M) or away without authorisation (A): while the child is missing (no end date; the
    return is recorded later by ``missing_return``) or once they are back, with the return interview.
    The DfE rules read a missing episode against the placement it started from (575, 577), so a
    child missing now went missing from the placement they are in now, and a closed episode ends
    before that placement does and, being counted by year, does not run over 31 March."""
    _not_future("start_date", start_date)
    if kind not in codes.MISSING_TYPE:
        raise ValidationError({"kind": "Choose missing or away from placement"})
    episode = _in_care("start_date", child, start_date)
    still_missing = _open_missing(child)
    if still_missing is not None:
        raise ValidationError(
            {"start_date": f"The child is already recorded as missing since {still_missing.start_date:%-d %B %Y}: "
             "record their return first"}
        )
    if end_date is None:
        if return_interview_offered is not None or return_interview_accepted is not None:
            raise ValidationError(
                {"end_date": "Enter the date the child came back, or leave the return interview until they are back"}
            )
        if episode.end_date is not None:
            raise ValidationError(
                {"start_date": "The placement the child went missing from has ended: enter the date they came back"}
            )
        if child.missingepisodes.filter(end_date__gte=start_date).exists():
            raise ValidationError({"start_date": "Another missing episode covers these dates"})
        return _add(
            actor,
            MissingEpisode(organisation_id=child.organisation_id, child=child, kind=kind, start_date=start_date),
        )
    if codes.collection_year_of(end_date) != codes.collection_year_of(start_date):
        raise ValidationError(
            {"end_date": "A missing episode over 31 March is recorded as two: to 31 March and from 1 April"}
        )
    if child.missingepisodes.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ValidationError({"start_date": "Another missing episode covers these dates"})
    missing = MissingEpisode(organisation_id=child.organisation_id, child=child, kind=kind, start_date=start_date)
    _returned(missing, episode, end_date, return_interview_offered, return_interview_accepted)
    return _add(actor, missing)


def _open_missing(child: LookedAfterChild) -> MissingEpisode | None:
    return child.missingepisodes.filter(end_date__isnull=True).first()


def _returned(missing: MissingEpisode, episode: Episode, end_date, offered, accepted) -> None:
    """Close ``missing`` on the child's return, with the return interview (903 MISSING: the
    interview is offered, and accepted or not, once the child is back)."""
    _not_future("end_date", end_date)
    if end_date < missing.start_date:
        raise ValidationError({"end_date": "The child came back on or after the day they went missing"})
    if episode.end_date is not None and end_date >= episode.end_date:
        raise ValidationError(
            {"end_date": "The child came back after that placement ended: record it as two missing episodes"}
        )
    if offered is None:
        raise ValidationError({"return_interview_offered": "Say whether a return interview was offered"})
    if accepted and not offered:
        raise ValidationError({"return_interview_accepted": "An interview can only be accepted if it was offered"})
    if offered and accepted is None:
        raise ValidationError({"return_interview_accepted": "Say whether the return interview was accepted"})
    missing.end_date = end_date
    missing.return_interview_offered = offered
    missing.return_interview_accepted = bool(accepted)


@_recording
def missing_return(
    *,
    actor,
    child: LookedAfterChild,
    end_date: date,
    return_interview_offered: bool,
    return_interview_accepted: bool | None = None,
) -> MissingEpisode:
    """The child missing now came back: close the open episode. It may close after 31 March: the
    return for the year it started in reported it open with a blank end date, and the DfE expects
    the next year's return to carry it again with the same start (rule 576) and this end."""
    missing = _open_missing(child)
    if missing is None:
        raise ValidationError("The child is not recorded as missing now")
    episode = _in_care("end_date", child, missing.start_date)
    _returned(missing, episode, end_date, return_interview_offered, return_interview_accepted)
    clean_and_save(missing, actor=actor)
    audit_record(actor=actor, action="end", obj=missing)
    return missing


# -- status: UASC, mother -------------------------------------------------------------------


@_recording
def uasc_update(
    *, actor, child: LookedAfterChild, uasc: bool, uasc_ceased: date | None = None, version: int | None = None
) -> LookedAfterChild:
    """``version``: the one the form was opened at (someone else's later save refuses this one)."""
    concurrency.check_version(child, version)
    if child.episodes.exists():
        # the return compares UASC status and its end year on year (205B) and reads the home
        # postcode by it (392, 406, 453): a status that changes during care cannot be shown
        # consistently, so it is settled when the child arrives
        raise ValidationError({"uasc": "UASC status is recorded before the child's first period of care starts"})
    if not uasc and uasc_ceased is not None:
        raise ValidationError({"uasc_ceased": "Only an unaccompanied asylum-seeking child has a date status ceased"})
    if uasc_ceased is not None:
        _not_future("uasc_ceased", uasc_ceased)
        _after_birth("uasc_ceased", child, uasc_ceased)
        if uasc_ceased > rules.birthday(child.person.date_of_birth, 18):
            raise ValidationError({"uasc_ceased": "UASC status ceases on the 18th birthday at the latest"})
    if (child.uasc, child.uasc_ceased) == (uasc, uasc_ceased):
        return child
    child.uasc, child.uasc_ceased = uasc, uasc_ceased
    concurrency.bump(child)
    clean_and_save(child, actor=actor)
    audit_record(actor=actor, action="update", obj=child, field="uasc")
    return child


@_recording
def mother_update(
    *,
    actor,
    child: LookedAfterChild,
    is_mother: bool,
    mother_child_dob: date | None = None,
    version: int | None = None,
) -> LookedAfterChild:
    """For a girl: whether she is a mother, and her first child's date of birth. ``version`` as for
    ``uasc_update``."""
    concurrency.check_version(child, version)
    if child.person.sex != "F":
        raise ValidationError({"is_mother": "Motherhood is recorded for girls only"})
    if is_mother and mother_child_dob is None:
        raise ValidationError({"mother_child_dob": "Enter the date of birth of her child"})
    if not is_mother and mother_child_dob is not None:
        raise ValidationError({"mother_child_dob": "Leave this blank unless she is a mother"})
    if mother_child_dob is not None:
        _not_future("mother_child_dob", mother_child_dob)
        if _age(child, mother_child_dob) < 11:
            raise ValidationError({"mother_child_dob": "Check the date: she would have been under 11"})
        _in_care("mother_child_dob", child, mother_child_dob, ended_day_counts=True)
    if (child.is_mother, child.mother_child_dob) == (is_mother, mother_child_dob):
        return child
    child.is_mother, child.mother_child_dob = is_mother, mother_child_dob
    concurrency.bump(child)
    clean_and_save(child, actor=actor)
    audit_record(actor=actor, action="update", obj=child, field="mother")
    return child


# -- adoption --------------------------------------------------------------------------------


@_recording
def adoption_decision_record(*, actor, child: LookedAfterChild, decided_on: date) -> AdoptionDecision:
    """The decision that the child should be placed for adoption."""
    _not_future("decided_on", decided_on)
    _in_care("decided_on", child, decided_on)
    if child.adoptiondecisions.filter(ceased_on__isnull=True).exists():
        raise ValidationError({"decided_on": "A decision to place for adoption is already in force"})
    if child.adoptiondecisions.filter(ceased_on__gte=decided_on).exists():
        raise ValidationError({"decided_on": "The earlier decision had not ceased by then"})
    return _add(actor, AdoptionDecision(organisation_id=child.organisation_id, child=child, decided_on=decided_on))


@_recording
def adoption_decision_cease(*, actor, child: LookedAfterChild, ceased_on: date, ceased_reason: str) -> AdoptionDecision:
    decision = child.adoptiondecisions.filter(ceased_on__isnull=True).first()
    if decision is None:
        raise ValidationError("No decision to place for adoption is in force")
    _not_future("ceased_on", ceased_on)
    if ceased_on < decision.decided_on:
        raise ValidationError({"ceased_on": "The decision ceased on or after it was made"})
    if child.episodes.filter(reason_ceased__in=codes.ADOPTED).exists():
        raise ValidationError("The child was adopted: the decision to place for adoption was carried out")
    # the return reads a decision against the child's care (117): it ceases while they are looked after
    _in_care("ceased_on", child, ceased_on, ended_day_counts=True)
    _code("ceased_reason", codes.PLACED_FOR_ADOPTION_CEASED, ceased_reason, ceased_on, "reason")
    if child.episodes.filter(placement_type__in=codes.ADOPTION_PLACEMENTS, end_date__isnull=True).exists():
        raise ValidationError({"ceased_on": "The child is placed for adoption: record the move first"})
    decision.ceased_on, decision.ceased_reason = ceased_on, ceased_reason
    clean_and_save(decision, actor=actor)
    audit_record(actor=actor, action="end", obj=decision)
    return decision


@_recording
def adoption_record(
    *,
    actor,
    child: LookedAfterChild,
    matched_on: date,
    by_foster_carers: bool,
    number_of_adopters: int,
    adopter_sex: str,
    adopter_legal_status: str,
) -> Adoption:
    """Adoption details (903 AD1), recorded before care ends with E11 or E12."""
    decision = child.adoptiondecisions.filter(ceased_on__isnull=True).first()
    if decision is None:
        raise ValidationError("Record the decision that the child should be placed for adoption first")
    if child.adoptions.exists():
        raise ValidationError("Adoption details are already recorded")
    _not_future("matched_on", matched_on)
    if matched_on < decision.decided_on:
        raise ValidationError({"matched_on": "The match comes after the decision to place for adoption"})
    _code("adopter_sex", codes.ADOPTER_SEX, adopter_sex, matched_on, "adopters' sex")
    _code("adopter_legal_status", codes.ADOPTER_LEGAL_STATUS, adopter_legal_status, matched_on, "legal status")
    couple = adopter_sex in ("MM", "FF", "MF")
    if number_of_adopters != (2 if couple else 1):
        raise ValidationError({"number_of_adopters": "A couple is 2 adopters, a single adopter is 1"})
    if (adopter_legal_status == "L0") == couple:
        raise ValidationError({"adopter_legal_status": "L0 is for a single adopter, and only for them"})
    return _add(
        actor,
        Adoption(
            organisation_id=child.organisation_id,
            child=child,
            decision_date=decision.decided_on,
            matched_on=matched_on,
            by_foster_carers=by_foster_carers,
            number_of_adopters=number_of_adopters,
            adopter_sex=adopter_sex,
            adopter_legal_status=adopter_legal_status,
        ),
    )


# -- care leavers, deprivation of liberty ----------------------------------------------------


@_recording
def care_leaver_contact_record(
    *,
    actor,
    child: LookedAfterChild,
    birthday_age: int,
    contacted_on: date,
    in_touch: str,
    activity: str = "",
    accommodation: str = "",
    accommodation_suitable: bool | None = None,
) -> CareLeaverContact:
    """Around a care leaver's birthday from 17 to 21: in touch, activity, accommodation."""
    dob = child.person.date_of_birth
    if not 17 <= birthday_age <= 21:
        raise ValidationError({"birthday_age": "Care leavers are followed up around birthdays 17 to 21"})
    turned = rules.birthday(dob, birthday_age)
    _not_future("contacted_on", contacted_on)
    if turned > timezone.localdate():
        raise ValidationError({"birthday_age": "That birthday has not happened yet"})
    if abs((contacted_on - turned).days) > 92:
        raise ValidationError({"contacted_on": "Record the contact made within 3 months of the birthday"})
    episodes = _episodes(child)
    if any(e.end_date is None or e.end_date > turned for e in episodes):
        raise ValidationError({"birthday_age": "The young person was still looked after on that birthday"})
    if not child.former_relevant_by_return and not rules.is_former_relevant_child(dob, episodes, turned):
        raise ValidationError(
            "Care leaver information is for young people looked after for at least 13 weeks since "
            "their 14th birthday, including after their 16th, and not adopted"
        )
    _code("in_touch", codes.CARE_LEAVER_IN_TOUCH, in_touch, turned, "contact code")
    if in_touch in codes.NOT_IN_TOUCH:
        if activity or accommodation or accommodation_suitable is not None:
            raise ValidationError({"activity": "Leave activity and accommodation blank when not in touch"})
    else:
        _code("activity", codes.CARE_LEAVER_ACTIVITY, activity, turned, "main activity")
        _code("accommodation", codes.CARE_LEAVER_ACCOMMODATION, accommodation, turned, "accommodation")
        if accommodation_suitable is None:
            raise ValidationError({"accommodation_suitable": "Say whether the accommodation is suitable"})
        if accommodation_suitable and accommodation in codes.ALWAYS_UNSUITABLE:
            raise ValidationError({"accommodation_suitable": "That accommodation is never counted as suitable"})
    if child.careleavercontacts.filter(birthday_age=birthday_age).exists():
        raise ValidationError({"birthday_age": "Contact is already recorded for that birthday"})
    return _add(
        actor,
        CareLeaverContact(
            organisation_id=child.organisation_id,
            child=child,
            birthday_age=birthday_age,
            contacted_on=contacted_on,
            in_touch=in_touch,
            activity=activity,
            accommodation=accommodation,
            accommodation_suitable=accommodation_suitable,
        ),
    )


@_recording
def deprivation_of_liberty_record(
    *, actor, child: LookedAfterChild, start_date: date, end_date: date | None = None
) -> DeprivationOfLiberty:
    _not_future("start_date", start_date)
    if codes.collection_year_of(start_date) < FIRST_DOLO_YEAR:
        raise ValidationError({"start_date": "The return records deprivation of liberty orders from 1 April 2026"})
    episode = _in_care("start_date", child, start_date)
    if episode.placement_type not in DOLO_PLACEMENTS:
        raise ValidationError({"start_date": "The child must be placed in K2, Z12 or Z13 under the order"})
    if end_date is not None:
        _not_future("end_date", end_date)
        if end_date < start_date:
            raise ValidationError({"end_date": "The order ended on or after it started"})
        if episode.end_date is not None and end_date > episode.end_date:
            raise ValidationError({"end_date": "The order ends before the child leaves that placement"})
    elif episode.end_date is not None:
        raise ValidationError({"end_date": "That placement has ended: enter when the order ended"})
    if (
        child.deprivationoflibertys.filter(start_date__lte=end_date or date.max)
        .exclude(end_date__lt=start_date)
        .exists()
    ):
        raise ValidationError({"start_date": "Another order covers these dates"})
    return _add(
        actor,
        DeprivationOfLiberty(
            organisation_id=child.organisation_id, child=child, start_date=start_date, end_date=end_date
        ),
    )


@_recording
def deprivation_of_liberty_end(*, actor, child: LookedAfterChild, end_date: date) -> DeprivationOfLiberty:
    order = child.deprivationoflibertys.filter(end_date__isnull=True).first()
    if order is None:
        raise ValidationError("No deprivation of liberty order is in force")
    _not_future("end_date", end_date)
    if end_date < order.start_date:
        raise ValidationError({"end_date": "The order ended on or after it started"})
    order.end_date = end_date
    clean_and_save(order, actor=actor)
    audit_record(actor=actor, action="end", obj=order)
    return order
