"""Dates of birth: never in the future (an unborn child has an expected date instead), and a likely
duplicate still found when the date of birth was typed a day out or with day and month swapped."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.people import rules, selectors, services
from casework.people.models import Person

TODAY = date.today()


# -- the pure rule, worked by hand ------------------------------------------------------------


def test_likely_same_birth_dates_worked_by_hand():
    # 3 Feb 2012: a day either side, and 2 March (day and month swapped)
    assert rules.likely_same_birth_dates(date(2012, 2, 3)) == {
        date(2012, 2, 3),
        date(2012, 2, 2),
        date(2012, 2, 4),
        date(2012, 3, 2),
    }


def test_a_day_out_crosses_month_and_year_ends():
    assert rules.likely_same_birth_dates(date(2011, 12, 31)) == {
        date(2011, 12, 31),
        date(2011, 12, 30),
        date(2012, 1, 1),
    }  # 31/12 swapped is no date


def test_day_and_month_the_same_or_no_date_when_swapped():
    assert rules.likely_same_birth_dates(date(2010, 5, 5)) == {date(2010, 5, 4), date(2010, 5, 5), date(2010, 5, 6)}
    assert date(2012, 2, 13) not in rules.likely_same_birth_dates(date(2012, 2, 13)) - {date(2012, 2, 13)}
    assert len(rules.likely_same_birth_dates(date(2012, 2, 13))) == 3  # 13 is not a month


def test_birth_date_problem():
    assert rules.date_of_birth_problem(TODAY, today=TODAY) is None
    assert rules.date_of_birth_problem(None, today=TODAY) is None
    problem = rules.date_of_birth_problem(TODAY + timedelta(days=1), today=TODAY)
    assert "cannot be in the future" in problem and "expected date of birth" in problem


# -- the service and the page ------------------------------------------------------------------


def _person(**extra):
    return {"given_name": "Nia", "family_name": "Brown", "sex": "F", "ethnicity": "WBRI", **extra}


@pytest.mark.django_db
def test_the_service_refuses_a_future_date_of_birth(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=manager, **_person(date_of_birth=TODAY + timedelta(days=30)))
    assert "date_of_birth" in refused.value.message_dict
    person = world.a.people[0]
    with pytest.raises(ValidationError):
        services.person_update(actor=manager, person=person, date_of_birth=TODAY + timedelta(days=1))


@pytest.mark.django_db
def test_an_unborn_child_is_recorded_with_an_expected_date(world):
    person = services.person_create(
        actor=world.a.users[Role.TEAM_MANAGER], **_person(expected_date_of_birth=TODAY + timedelta(days=60))
    )
    assert person.date_of_birth is None and person.expected_date_of_birth == TODAY + timedelta(days=60)


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _form(**extra):
    return {
        "given_name": "Nia",
        "family_name": "Brown",
        "sex": "F",
        "ethnicity": "WBRI",
        **extra,
    }


@pytest.mark.django_db
def test_the_add_person_page_refuses_a_future_date_of_birth_next_to_the_field(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    response = client.post(reverse("person_create"), _form(**_date("date_of_birth", TODAY + timedelta(days=3))))
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "cannot be in the future" in body
    assert "#date_of_birth" in body or 'href="#id_date_of_birth' in body
    assert not Person.objects.filter(given_name="Nia").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [date(2012, 2, 4), date(2012, 2, 2), date(2012, 3, 2)])
def test_a_likely_duplicate_a_day_out_or_swapped_is_found(world, typed):
    """Jonathan Smith was born on 3 Feb 2012."""
    found = selectors.possible_duplicates(
        actor=world.a.users[Role.TEAM_MANAGER], given_name="Jonathon", family_name="Smyth", date_of_birth=typed
    )
    assert [p.full_name for p in found] == ["Jonathan Smith"]


@pytest.mark.django_db
def test_the_add_person_page_warns_then_lets_the_user_go_on(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    data = _form(given_name="Jonathan", family_name="Smith", sex="M", **_date("date_of_birth", date(2012, 3, 2)))
    warned = client.post(reverse("person_create"), data).content.decode()
    assert "possible-duplicates" in warned and "Jonathan Smith" in warned
    assert Person.objects.filter(given_name="Jonathan").count() == 1
    went_on = client.post(reverse("person_create"), {**data, "confirm_not_duplicate": "on"})
    assert went_on.status_code == 302
    assert Person.objects.filter(given_name="Jonathan").count() == 2
