"""Lists come in pages: 25 rows unless asked, never more than 100, with links to the next and
previous pages and the total count."""

from datetime import date

import pytest

from casework.people.models import Person
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_people(world):
    """103 more people recorded by practice A (so in its scope), named to sort after the world's."""
    Person.objects.bulk_create(
        Person(
            organisation=world.a.org,
            given_name="Test",
            family_name=f"Zz{n:03d}",
            date_of_birth=date(2010, 1, 1),
            sex="F",
            given_name_key="T230",
            family_name_key="Z000",
        )
        for n in range(103)
    )
    return 2 + 103  # Amara Okafor and Jonathan Smith, then Zz000 to Zz102


def test_pages_follow_each_other_by_family_name(world, many_people, api):
    first = api.get("/api/people/?page_size=40").json()
    assert first["count"] == 105
    names = [row["family_name"] for row in first["results"]]
    assert names == ["Okafor", "Smith"] + [f"Zz{n:03d}" for n in range(38)]
    assert first["previous"] is None
    assert first["next"].endswith("/api/people/?page=2&page_size=40")
    last = api.get("/api/people/?page=3&page_size=40").json()
    assert [row["family_name"] for row in last["results"]] == [f"Zz{n:03d}" for n in range(78, 103)]
    assert last["next"] is None
    assert last["previous"].endswith("/api/people/?page=2&page_size=40")


def test_25_rows_unless_asked_and_never_more_than_100(world, many_people, api):
    assert len(api.get("/api/people/").json()["results"]) == 25
    assert len(api.get("/api/people/?page_size=1000").json()["results"]) == 100


def test_a_page_past_the_last_is_404_and_a_page_that_is_not_a_number_is_400(world, many_people, api):
    assert_error(api.get("/api/people/?page=4&page_size=40"), 404, "not_found")
    error = assert_error(api.get("/api/people/?page=zz"), 400, "invalid")
    assert list(error["fields"]) == ["page"]
    error = assert_error(api.get("/api/people/?page_size=0"), 400, "invalid")
    assert list(error["fields"]) == ["page_size"]
