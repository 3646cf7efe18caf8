"""The chronology: one registry every app adds its kinds of record to, read through access.scoped.

The class test: every model in ``cases`` and ``looked_after`` that records something dated about a
person (a date field and a link to the person, their case or their looked-after record) is either
in the chronology or on a commented list of records that are not events, so a new kind of record
cannot be forgotten.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.core import chronology
from casework.looked_after import services
from casework.people import services as people_services
from casework.registration import services as registration_services
from casework.registration.models import Registration
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care

START = TODAY - timedelta(days=200)

# Models with a date and a person link that are deliberately not chronology events, each with a
# comment saying why ("app_label.Model").
NOT_EVENTS: set[str] = {
    # a child's next due dates worked out from the records that are events (looked_after/dues.py):
    # a cache kept by the services, not something that happened
    "looked_after.StoredDues",
}
LINKS = {"people.Person", "cases.Case", "looked_after.LookedAfterChild"}


def _event_models():
    found = set()
    for label in ("cases", "looked_after"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # django-simple-history's copies of each row
            fields = model._meta.get_fields()
            dated = any(isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField) for f in fields)
            linked = any(
                isinstance(f, models.ForeignKey) and f.related_model._meta.label in LINKS for f in fields
            ) or model._meta.label in LINKS
            if dated and linked:
                found.add(model._meta.label)
    return found


def test_every_dated_record_about_a_person_is_in_the_chronology_or_listed_as_not_an_event():
    registered = {m._meta.label for m in chronology.registered_models()}
    forgotten = _event_models() - registered - NOT_EVENTS
    assert not forgotten, f"Register these in the app's chronology.py or list them in NOT_EVENTS: {sorted(forgotten)}"
    # the list of exceptions stays honest: nothing on it is also registered, or no longer found
    assert not (registered & NOT_EVENTS)
    assert NOT_EVENTS <= _event_models()


def test_the_class_test_would_see_every_looked_after_kind():
    # guard against the finder above silently finding nothing
    assert {"looked_after.Visit", "looked_after.MissingEpisode", "looked_after.Episode", "cases.CaseNote"} <= (
        _event_models()
    )


@pytest.fixture
def child(world):
    return child_in_care(world, START)


def _record_a_year_of_care(world, child):
    actor = world.a.users[Role.PRACTITIONER]
    services.visit_record(
        actor=actor, child=child, visit_date=START + timedelta(days=5), child_seen=True, seen_alone=True
    )
    services.review_record(actor=actor, child=child, review_date=START + timedelta(days=20), participation="PN1")
    services.health_check_record(
        actor=actor, child=child, kind="health_assessment", check_date=START + timedelta(days=25)
    )
    services.missing_record(
        actor=actor,
        child=child,
        kind="M",
        start_date=START + timedelta(days=30),
        end_date=START + timedelta(days=31),
        return_interview_offered=True,
        return_interview_accepted=False,
    )
    services.episode_change(
        actor=actor,
        child=child,
        change_date=START + timedelta(days=40),
        legal_status="C1",
        same_carers=False,
        placement_type="U4",
        placement_provider="PR1",
        placement_postcode="LS6 2AA",
        urn="SC654321",
        intended_until_18=False,
        reason_place_change="CHILD",
    )


def test_looked_after_recording_is_in_the_persons_chronology(world, client, child):
    _record_a_year_of_care(world, child)
    client.force_login(world.a.users[Role.PRACTITIONER])
    page = client.get(f"/people/{child.person_id}/").content.decode()
    chronology_part = page.split('id="chronology"')[1].split("Case notes")[0]
    for words in (
        "Started to be looked after",
        "Visit: child seen alone",
        "Looked-after review",
        "Health assessment",
        "Went missing",
        "Came back",
        "Placement changed",
        "case opened",  # what the chronology showed before stays
        "Registered with Alpha Practice CIC",
    ):
        assert words in chronology_part, words


def test_chronology_is_newest_first(world, child):
    _record_a_year_of_care(world, child)
    entries = chronology.for_person(actor=world.a.users[Role.PRACTITIONER], person=child.person)
    days = [e.on for e in entries]
    assert days == sorted(days, reverse=True)
    assert entries[0].on == START + timedelta(days=40)  # the placement change is the latest


def test_another_practice_and_an_unnamed_colleague_see_nothing_of_it(world, child):
    _record_a_year_of_care(world, child)
    person = child.person
    assert chronology.for_person(actor=world.b.users[Role.PRACTITIONER], person=person) == []
    people_services.person_restrict(
        actor=world.a.users[Role.PRACTICE_MANAGER],
        person=person,
        reason="Staff member's relative",
        named_users=[world.a.users[Role.TEAM_MANAGER]],
    )
    assert chronology.for_person(actor=world.a.users[Role.PRACTITIONER], person=person) == []
    named = chronology.for_person(actor=world.a.users[Role.TEAM_MANAGER], person=person)
    assert any(e.title.startswith("Visit") for e in named)


def test_after_a_transfer_the_old_practice_sees_only_its_own_records(world):
    a_manager, b_manager = world.a.users[Role.TEAM_MANAGER], world.b.users[Role.TEAM_MANAGER]
    person = world.a.people[1]
    registration = Registration.objects.get(person=person, practice=world.a.org, end_date=None)
    registration_services.registration_transfer(
        actor=a_manager, registration=registration, to_practice=world.b.org, transfer_date=TODAY - timedelta(days=5)
    )
    case_services.case_note_add(
        actor=b_manager,
        person=person,
        case=None,
        note_type="visit",
        occurred_on=TODAY - timedelta(days=1),
        summary="First visit at B",
        text="Seen at home",
    )
    seen_by_a = [e.title for e in chronology.for_person(actor=a_manager, person=person)]
    seen_by_b = [e.title for e in chronology.for_person(actor=b_manager, person=person)]
    assert not any("First visit at B" in t for t in seen_by_a)
    assert any("First visit at B" in t for t in seen_by_b)
    assert any("case opened" in t for t in seen_by_a) and not any("case opened" in t for t in seen_by_b)
