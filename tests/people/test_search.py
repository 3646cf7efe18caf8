"""Search before create: tolerant names, exact identifiers, and the duplicate warning."""

from datetime import date

import pytest

from casework.accounts.models import Role
from casework.people import selectors
from casework.people.models import Person


def names(results):
    return [f"{r.person.given_name} {r.person.family_name}" for r in results]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["Jonh Smiht", "jonathan smyth", "Smith", "SMITH jonathan", "Jon Smith"])
def test_misspelt_names_find_the_person(world, query):
    assert "Jonathan Smith" in names(selectors.person_search(actor=world.a.users[Role.PRACTITIONER], name=query))


@pytest.mark.django_db
def test_search_by_identifiers_and_scope(world):
    practitioner = world.a.users[Role.PRACTITIONER]
    assert names(selectors.person_search(actor=practitioner, nhs_number="943 476 5919")) == ["Amara Okafor"]
    assert names(selectors.person_search(actor=practitioner, date_of_birth=date(2012, 2, 3))) == ["Jonathan Smith"]
    assert selectors.person_search(actor=practitioner, name="Whitaker") == []  # B's person
    assert selectors.person_search(actor=practitioner, nhs_number="4010232137") == []
    assert selectors.person_search(actor=practitioner) == []
    assert selectors.person_search(actor=practitioner, name="Zebedee Quux") == []


@pytest.mark.django_db
def test_exact_match_ranks_above_a_near_miss(world):
    from tests.conftest import add_person

    add_person(world.a, world.commissioner, given="Jonathon", family="Smyth", service=None)
    results = selectors.person_search(actor=world.a.users[Role.PRACTITIONER], name="Jonathan Smith")
    assert names(results)[:2] == ["Jonathan Smith", "Jonathon Smyth"]
    assert results[0].score > results[1].score


@pytest.mark.django_db
def test_possible_duplicates(world):
    manager = world.a.users[Role.TEAM_MANAGER]
    by_nhs = selectors.possible_duplicates(
        actor=manager, given_name="Someone", family_name="Else", date_of_birth=None, nhs_number="9434765919"
    )
    assert names_of(by_nhs) == ["Amara Okafor"]
    by_name = selectors.possible_duplicates(
        actor=manager, given_name="Jonathon", family_name="Smyth", date_of_birth=date(2012, 2, 3)
    )
    assert names_of(by_name) == ["Jonathan Smith"]
    other_birthday = selectors.possible_duplicates(
        actor=manager, given_name="Jonathan", family_name="Smith", date_of_birth=date(2012, 2, 10)
    )
    assert other_birthday == []


def names_of(people):
    return [p.full_name for p in people]


def _person_post(**overrides):
    data = {
        "given_name": "Jonathon",
        "family_name": "Smyth",
        "date_of_birth_0": "3",
        "date_of_birth_1": "2",
        "date_of_birth_2": "2012",
        "sex": "M",
        "ethnicity": "WBRI",
        "nhs_number": "",
        "upn": "",
        "postcode": "LS1 4AP",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_creating_a_likely_duplicate_warns_and_links_then_creates_once_confirmed(world, client):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    existing = world.a.people[1]
    before = Person.objects.count()
    response = client.post("/people/new/", _person_post())
    body = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert f'href="/people/{existing.pk}/"' in body and Person.objects.count() == before
    response = client.post("/people/new/", _person_post(confirm_not_duplicate="on"))
    assert response.status_code == 302 and Person.objects.count() == before + 1
    created = Person.objects.latest("pk")
    assert (created.given_name, created.family_name_key) == ("Jonathon", "S530")


@pytest.mark.django_db
def test_bad_nhs_number_shows_a_field_error_and_creates_nothing(world, client):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    before = Person.objects.count()
    response = client.post(
        "/people/new/", _person_post(given_name="Zara", family_name="Quinn", nhs_number="9434765918")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and 'href="#id_nhs_number"' in body
    assert "valid NHS number" in body
    assert Person.objects.count() == before
