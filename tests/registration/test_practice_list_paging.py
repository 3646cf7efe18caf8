"""The practice list sorted by named worker, a page at a time: found from the count of people per
worker and read from the one or two workers a page falls on (registration/selectors.py
practice_list_page), the same rows in the same order as the whole list sorted by the database,
forwards and backwards, with people who have no named worker and two workers of the same name."""

from datetime import date

import pytest

from casework.accounts.models import Role
from casework.registration import selectors
from casework.registration.models import Registration
from tests.conftest import add_person, make_worker

pytestmark = pytest.mark.django_db


def test_each_page_by_worker_is_that_slice_of_the_whole_list(world, client):
    a = world.a
    twin = a.workers[1]
    twin.family_name, twin.given_name = a.workers[0].family_name, a.workers[0].given_name
    twin.save(update_fields=["family_name", "given_name"])  # the same name as the first worker
    late = make_worker(None, a.org, a.team)
    workers = [a.workers[0], twin, a.workers[2], late]
    for n in range(23):
        person, _ = add_person(
            a,
            world.commissioner,
            given="P",
            family=f"Fam{(n * 7) % 11:02d}",
            dob=date(2010, 1, 1),
            service=None,
            worker=workers[n % 4],
        )
        if n % 6 == 0:
            Registration.objects.filter(person=person).update(named_worker=None)
    manager = a.users[Role.PRACTICE_MANAGER]
    for sort in ("worker", "-worker"):
        whole = [r.pk for r in selectors.practice_list(actor=manager, sort=sort)]
        assert len(whole) == 25  # with the world's own two
        paged = []
        for number in range(1, 7):
            page = selectors.practice_list_page(
                actor=manager, sort=sort, page_number=number if number < 6 else 99, per_page=5
            )
            assert page.paginator.num_pages == 5
            if number == 6:  # past the end: the last page, as before
                assert [r.pk for r in page.object_list] == whole[-5:]
                break
            paged += [r.pk for r in page.object_list]
        assert paged == whole, sort
    # the page itself, as the browser asks for it
    client.force_login(manager)
    html = client.get("/practice/list/", {"sort": "worker", "page": 1}).content.decode()
    assert "page=2" not in html  # 25 people: one page of 25


def test_a_restricted_person_stands_last_in_every_order_that_would_give_away_what_is_hidden(world):
    """Shown by name only, a restricted person's place in the list sorted by date of birth, named
    worker or date of registration would tell their date of birth, worker or registration date: in
    those orders they come after everyone else; sorted by name (which is shown) they keep their place."""
    from casework.people import services as people_services

    a = world.a
    manager, practitioner = a.users[Role.PRACTICE_MANAGER], a.users[Role.PRACTITIONER]
    for n, born in enumerate((date(2001, 1, 1), date(2005, 1, 1), date(2009, 1, 1))):
        add_person(a, world.commissioner, given="P", family=f"Middle{n}", dob=born, service=None, worker=a.workers[n])
    hidden = a.people[0]
    people_services.person_restrict(actor=manager, person=hidden, reason="A relative of a member of staff")
    for sort in ("dob", "-dob", "worker", "-worker", "registered", "-registered"):
        whole = list(selectors.practice_list(actor=practitioner, sort=sort))
        assert whole[-1].person_id == hidden.pk and whole[-1].is_restricted, sort
        assert not any(r.is_restricted for r in whole[:-1])
        paged = selectors.practice_list_page(actor=practitioner, sort=sort, page_number=1, per_page=100)
        assert [r.pk for r in paged.object_list] == [r.pk for r in whole], sort
    by_name = [r.person.family_name for r in selectors.practice_list(actor=practitioner, sort="name")]
    assert by_name == sorted(by_name)
