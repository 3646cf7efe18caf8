"""Registering a household: every member not yet registered with this practice is registered; a
member already registered (here or with another practice) does not block the rest, and is reported."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.people import services as people_services
from casework.registration import services
from casework.registration.models import Registration
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _new(manager, given, dob=date(1990, 1, 1), **extra):
    return people_services.person_create(
        actor=manager, given_name=given, family_name="Adeyemi", date_of_birth=dob, sex="F", ethnicity="BAFR", **extra
    )


@pytest.fixture
def family(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    mother, child = _new(manager, "Funmi"), _new(manager, "Tolu", dob=date(2018, 4, 4))
    already = world.a.people[1]  # Jonathan Smith, registered with practice A
    household = people_services.household_create(
        actor=manager, name="The Adeyemi family", members=[mother, child, already], joined_on=TODAY
    )
    return household, mother, child, already


def test_members_already_registered_do_not_block_the_rest(world, family):
    household, mother, child, already = family
    outcome = services.household_register(
        actor=world.a.users[Role.TEAM_MANAGER], household=household, start_date=TODAY, route="self_referral"
    )
    assert sorted(r.person_id for r in outcome.registered) == sorted([mother.pk, child.pk])
    assert outcome.already_registered == [already]
    assert Registration.objects.filter(person=already, end_date__isnull=True).count() == 1
    assert all(r.household_id == household.pk for r in outcome.registered)
    assert AuditEvent.objects.filter(action="create", object_type="registration.registration").count() >= 2


def test_a_member_registered_with_another_practice_is_reported_not_blocking(world, family):
    household, mother, child, already = family
    services.registration_transfer(
        actor=world.a.users[Role.TEAM_MANAGER],
        registration=Registration.objects.get(person=already, end_date__isnull=True),
        to_practice=world.b.org,
        transfer_date=TODAY,
    )
    outcome = services.household_register(
        actor=world.a.users[Role.TEAM_MANAGER], household=household, start_date=TODAY, route="self_referral"
    )
    assert sorted(r.person_id for r in outcome.registered) == sorted([mother.pk, child.pk])
    assert outcome.registered_elsewhere == [already]


def test_when_everyone_is_registered_already_it_says_so(world, family):
    household, *_ = family
    manager = world.a.users[Role.TEAM_MANAGER]
    services.household_register(actor=manager, household=household, start_date=TODAY, route="self_referral")
    with pytest.raises(ValidationError) as refused:
        services.household_register(actor=manager, household=household, start_date=TODAY, route="self_referral")
    assert "already registered" in refused.value.messages[0]


def test_a_bad_date_still_refuses_the_whole_household(world, family):
    household, mother, child, _ = family
    with pytest.raises(ValidationError):
        services.household_register(
            actor=world.a.users[Role.TEAM_MANAGER],
            household=household,
            start_date=date(2018, 4, 3),  # before Tolu was born
            route="self_referral",
        )
    assert not Registration.objects.filter(person__in=[mother, child]).exists()


def test_the_register_page_reports_who_was_registered_in_a_banner(world, client, family):
    household, mother, child, already = family
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    response = client.post(
        reverse("household_register", args=[household.pk]),
        {"start_date_0": TODAY.day, "start_date_1": TODAY.month, "start_date_2": TODAY.year, "route": "self_referral"},
        follow=True,
    )
    body = response.content.decode()
    assert "govuk-notification-banner" in body
    assert "Registered with the practice: Funmi Adeyemi, Tolu Adeyemi" in body
    assert "Already registered with the practice: Jonathan Smith" in body


def test_the_household_page_says_who_is_registered(world, client, family):
    """The household page says who is registered with the practice now."""
    household, mother, child, already = family
    client.force_login(world.a.users[Role.PRACTITIONER])
    body = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert "Registered with the practice" in body and "Not registered with the practice" in body
