"""Registration: one current registration, ending it, and transfer between practices."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from casework.accounts.models import Role
from casework.cases import selectors as case_selectors
from casework.cases import services as case_services
from casework.people import selectors as people_selectors
from casework.people import services as people_services
from casework.registration import services
from casework.registration.models import Registration
from tests.conftest import TODAY


@pytest.fixture
def transferred(world):
    """Jonathan Smith moves from practice A to practice B, with one note written at A first."""
    a_manager = world.a.users[Role.TEAM_MANAGER]
    person, case = world.a.people[1], world.a.cases[1]
    note = case_services.case_note_add(
        actor=a_manager,
        person=person,
        case=case,
        note_type="visit",
        occurred_on=TODAY - timedelta(days=10),
        summary="Visit at A",
        text="Seen at home",
    )
    registration = Registration.objects.get(person=person, practice=world.a.org, end_date=None)
    incoming = services.registration_transfer(
        actor=a_manager, registration=registration, to_practice=world.b.org, transfer_date=TODAY - timedelta(days=5)
    )
    return person, case, note, registration, incoming


@pytest.mark.django_db
def test_transfer_ends_one_registration_and_starts_the_other_the_same_day(world, transferred):
    person, case, _, outgoing, incoming = transferred
    outgoing.refresh_from_db()
    case.refresh_from_db()
    transfer_day = TODAY - timedelta(days=5)
    assert (outgoing.end_date, outgoing.end_reason) == (transfer_day, "transferred")
    assert (incoming.practice_id, incoming.start_date, incoming.route) == (world.b.org.pk, transfer_day, "transfer_in")
    assert incoming.transferred_from_id == outgoing.pk
    assert Registration.objects.filter(person=person, end_date=None).get() == incoming
    # A's open case closed on the transfer date and its worker's allocation ended then too
    assert (case.closed_on, case.close_reason) == (transfer_day, "transferred")
    assert not case.allocations.filter(end_date=None).exists()
    assert case.allocations.order_by("-start_date").first().end_date == transfer_day


@pytest.mark.django_db
def test_after_transfer_each_practice_sees_only_its_own_records(world, transferred):
    person, case, note, outgoing, incoming = transferred
    a_user, b_manager = world.a.users[Role.PRACTITIONER], world.b.users[Role.TEAM_MANAGER]

    # B sees the person, but none of A's case, note or registration
    assert people_selectors.person_get(actor=b_manager, person_id=person.pk) == person
    assert case_selectors.person_cases(actor=b_manager, person=person) == []
    assert case_selectors.person_notes(actor=b_manager, person=person) == []
    assert case_selectors.person_registrations(actor=b_manager, person=person) == [incoming]

    # B writes a note; A still sees its own history and nothing of B's
    b_note = case_services.case_note_add(
        actor=b_manager, person=person, note_type="phone_call", occurred_on=TODAY, summary="Call from B", text="..."
    )
    assert people_selectors.person_get(actor=a_user, person_id=person.pk) == person
    assert case_selectors.person_notes(actor=a_user, person=person) == [note]
    assert b_note not in case_selectors.person_notes(actor=a_user, person=person)
    assert case_selectors.person_cases(actor=a_user, person=person) == [case]
    assert case_selectors.person_registrations(actor=a_user, person=person) == [outgoing]


@pytest.mark.django_db
def test_transfer_refusals(world, transferred):
    _, _, _, outgoing, _ = transferred
    a_manager = world.a.users[Role.TEAM_MANAGER]
    with pytest.raises(ValidationError):  # already ended
        services.registration_transfer(
            actor=a_manager, registration=outgoing, to_practice=world.b.org, transfer_date=TODAY
        )
    current = Registration.objects.get(person=world.a.people[0], end_date=None)
    for destination in (world.a.org, world.commissioner):  # same practice; not a practice at all
        with pytest.raises(ValidationError):
            services.registration_transfer(
                actor=a_manager, registration=current, to_practice=destination, transfer_date=TODAY
            )
    with pytest.raises(PermissionDenied):
        services.registration_transfer(
            actor=world.a.users[Role.PRACTITIONER], registration=current, to_practice=world.b.org, transfer_date=TODAY
        )
    with pytest.raises(ValidationError):  # B cannot transfer A's registration
        services.registration_transfer(
            actor=world.b.users[Role.PRACTICE_MANAGER],
            registration=current,
            to_practice=world.b.org,
            transfer_date=TODAY,
        )
    assert current.end_date is None and Registration.objects.get(pk=current.pk).end_date is None


@pytest.mark.django_db
def test_one_current_registration_and_no_future_dates(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    person = world.a.people[0]
    with pytest.raises(ValidationError, match="already has a current registration"):
        services.registration_start(actor=manager, person=person, start_date=TODAY, route="self_referral")
    registration = Registration.objects.get(person=person, end_date=None)
    with pytest.raises(ValidationError):
        services.registration_end(
            actor=manager, registration=registration, end_date=TODAY + timedelta(days=1), end_reason="moved_away"
        )
    services.registration_end(actor=manager, registration=registration, end_date=TODAY, end_reason="moved_away")
    case = world.a.cases[0]
    case.refresh_from_db()
    assert (case.closed_on, case.close_reason) == (TODAY, "moved_away")
    with pytest.raises(ValidationError, match="future"):
        services.registration_start(
            actor=manager, person=person, start_date=TODAY + timedelta(days=1), route="self_referral"
        )
    again = services.registration_start(actor=manager, person=person, start_date=TODAY, route="self_referral")
    assert again.end_date is None
    b_manager = world.b.users[Role.TEAM_MANAGER]
    newcomer = people_services.person_create(
        actor=b_manager, given_name="Nia", family_name="Campbell", sex="F", ethnicity="BCRB"
    )
    with pytest.raises(ValidationError) as refused:  # the referrer must commission this practice
        services.registration_start(
            actor=b_manager,
            person=newcomer,
            start_date=TODAY,
            route="commissioner_referral",
            referred_by=world.commissioner,
        )
    assert "referred_by" in refused.value.message_dict
    assert not Registration.objects.filter(person=newcomer).exists()
