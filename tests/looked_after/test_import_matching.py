"""Importing never records a child twice: incoming children are matched to people already recorded
(the authority's child identifier, UPN with date of birth and sex), and files that belong to another
authority, or would duplicate someone, are refused having written nothing."""

from datetime import date, timedelta

import pytest

from casework.accounts.models import Role
from casework.looked_after import models as la
from casework.looked_after.imports import ReturnImportError
from casework.organisations import services as org_services
from casework.people import services as people_services
from casework.people.models import Person
from tests.conftest import TODAY
from tests.looked_after.test_import import UPN, _counts, _encoded, _import_texts, make_taking_on, small_return


@pytest.fixture
def taking_on(db):
    return make_taking_on()


@pytest.fixture
def second_authority(taking_on):
    """Another authority commissioning the same practice."""
    other = org_services.organisation_create(
        actor=None, name="Bradford Council", kind="commissioner", commissioner_type="la", ons_code="E08000032"
    )
    org_services.commissioning_create(
        actor=None, commissioner=other, practice=taking_on.practice.org, start_date=TODAY - timedelta(days=3000)
    )
    return other


def _maya(actor, born=date(2012, 6, 1)):
    """Maya Hughes as the practice may already record her: the UPN of the girl in the small return."""
    return people_services.person_create(
        actor=actor, given_name="Maya", family_name="Hughes", date_of_birth=born, sex="F", ethnicity="WBRI", upn=UPN
    )


def _import_for(taking_on, authority, texts):
    from casework.looked_after.imports import import_903

    return import_903(actor=taking_on.actor, commissioner=authority, year=2026, files=_encoded(texts))


def test_one_authoritys_files_imported_for_another_are_refused_naming_the_authority(taking_on, second_authority):
    _import_texts(taking_on)  # Leeds's children, held by the practice
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_for(taking_on, second_authority, small_return())

    reasons = [str(p) for p in refused.value.problems]
    assert (
        "header.csv:0: these look like Leeds City Council's files, not Bradford Council's: 2 of the 2 children are "
        "recorded for Leeds City Council with the same child identifier, date of birth and sex; choose Leeds City "
        "Council"
    ) in reasons
    assert (
        "header.csv:2: CHILD: child C001 with this date of birth and sex is recorded for Leeds City Council, not "
        "Bradford Council: are these Leeds City Council's files?"
    ) in reasons
    assert _counts() == before  # no nameless children, no cases, nothing


def test_a_child_already_recorded_is_matched_by_upn_date_of_birth_and_sex(taking_on):
    recorded = _maya(taking_on.actor)
    people = Person.objects.count()

    result = _import_texts(taking_on)

    girl = la.LookedAfterChild.objects.get(child_id="C001")
    assert girl.person == recorded  # her record is added to the person the practice knows
    assert (girl.person.given_name, girl.person.family_name) == ("Maya", "Hughes")
    assert Person.objects.count() == people + 1  # only the boy is new
    assert result.created["Person"] == 1


def test_a_upn_recorded_for_someone_of_another_date_of_birth_is_refused(taking_on):
    other = _maya(taking_on.actor, born=date(2012, 6, 2))
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on)

    assert [str(p) for p in refused.value.problems] == [
        f"header.csv:2: UPN: this UPN is recorded for someone else (Casework ID {other.pk}, "
        "another date of birth or sex)"
    ]
    assert _counts() == before


def test_a_new_identifier_for_a_looked_after_child_of_the_same_birth_and_sex_is_refused_as_a_duplicate(taking_on):
    _import_texts(taking_on)
    boy = la.LookedAfterChild.objects.get(child_id="C002")
    again = small_return()
    again["header.csv"] = again["header.csv"].replace("C002", "Z902")
    for name in ("episodes.csv", "reviews.csv", "previous_permanence.csv", "sw_episodes.csv"):
        again[name] = again[name].replace("C002", "Z902")
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on, again)

    assert [str(p) for p in refused.value.problems] == [
        f"header.csv:3: DOB: would record a child twice: Casework ID {boy.person_id} (child C002 of Leeds City "
        "Council) has the same date of birth and sex; if they are different children, give each one's unique "
        "pupil number"
    ]
    assert _counts() == before


def test_children_told_apart_by_their_upns_are_both_recorded(taking_on):
    """The same date of birth and sex is no duplicate when both have a real, different UPN."""
    _import_texts(taking_on)
    twin = {
        "header.csv": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nT777,F,01/06/2012,WBRI,{upn},0,\n",
        "episodes.csv": small_return()["episodes.csv"].splitlines()[0]
        + "\nT777,01/02/2026,S,C2,N1,U6,PR1,,,,LS2 7UE,LS1 4AP,SC123456\n",
    }
    from casework.core import identifiers

    body = "383123415009"
    twin["header.csv"] = twin["header.csv"].format(upn=identifiers.upn_check_letter(body) + body)

    result = _import_texts(taking_on, twin)

    assert result.created["LookedAfterChild"] == 1
    assert la.LookedAfterChild.objects.filter(person__date_of_birth=date(2012, 6, 1)).count() == 2


def test_only_the_practices_own_managers_are_matched_against_its_people(taking_on):
    """A person of another practice with the UPN is not matched (nor shown): the child is new here."""
    from tests.conftest import make_practice

    other = make_practice("Other Practice CIC", taking_on.authority, "o")
    _maya(other.users[Role.TEAM_MANAGER])

    result = _import_texts(taking_on)

    assert result.created["Person"] == 2


def test_a_child_another_practice_holds_now_is_refused_to_the_practice_they_left(taking_on):
    """The practice a child has left reads its own earlier records but changes nothing of theirs
    (issue 13, finding 1): its import of the authority's files does not write to them either,
    whether the child is matched by pupil number or by the authority's identifier."""
    from casework.registration import services as registration_services
    from tests.conftest import make_practice

    maya = _maya(taking_on.actor)
    registration = registration_services.registration_start(
        actor=taking_on.actor,
        person=maya,
        start_date=TODAY - timedelta(days=400),
        route="self_referral",
        named_worker=taking_on.practice.workers[0],
    )
    other = make_practice("Holds Her Now CIC", taking_on.authority, "h")
    registration_services.registration_transfer(
        actor=taking_on.actor, registration=registration, to_practice=other.org, transfer_date=TODAY
    )
    before = _counts()

    with pytest.raises(ReturnImportError) as refused:
        _import_texts(taking_on)

    assert [str(p) for p in refused.value.problems] == [
        f"header.csv:2: UPN: this child (Casework ID {maya.pk}) is registered with another practice now: "
        "only the practice that holds them can change their record"
    ]
    assert _counts() == before
