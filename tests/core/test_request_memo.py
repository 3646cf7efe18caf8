"""What a request works out once for its reader (``access.REQUEST_MEMO``: the people restricted from
them, each scoped queryset's base) must never outlive a change: a restriction set, lifted, or a name
added or taken off within the same request is read at once; outside a request nothing is kept."""

import pytest

from casework.accounts.models import Role
from casework.core import access
from casework.people import services
from casework.people.models import Person


@pytest.fixture
def in_a_request():
    token = access.REQUEST_MEMO.set({})
    yield
    access.REQUEST_MEMO.reset(token)


def _seen(actor, person) -> bool:
    return access.scoped(actor, Person).filter(pk=person.pk).exists()


def _marked(actor, person) -> bool:
    return access.scoped(actor, Person, restricted="mark").get(pk=person.pk).is_restricted


@pytest.mark.django_db
def test_a_restriction_set_in_the_request_is_read_at_once(world, in_a_request):
    practitioner, manager = world.a.users[Role.PRACTITIONER], world.a.users[Role.PRACTICE_MANAGER]
    person = world.a.people[0]
    assert _seen(practitioner, person) and not _marked(practitioner, person)  # read and kept

    restriction = services.person_restrict(actor=manager, person=person, reason="A relative of staff")
    assert not _seen(practitioner, person)
    assert _marked(practitioner, person)

    services.restriction_access_grant(actor=manager, restriction=restriction, user=practitioner)
    assert _seen(practitioner, person) and not _marked(practitioner, person)

    services.restriction_access_revoke(actor=manager, restriction=restriction, user=practitioner)
    assert not _seen(practitioner, person)

    services.person_restriction_lift(actor=manager, restriction=restriction, reason="No longer needed")
    assert _seen(practitioner, person)


@pytest.mark.django_db
def test_each_kind_of_record_leaves_out_the_restricted_person_from_the_kept_list(world, in_a_request):
    """The restricted ids read once as a list give the same rows as the subquery outside a request."""
    from casework.cases.models import Allocation, Case, CaseNote
    from casework.people.models import Household, Relationship
    from casework.registration.models import Registration

    practitioner, manager = world.a.users[Role.PRACTITIONER], world.a.users[Role.PRACTICE_MANAGER]
    services.person_restrict(actor=manager, person=world.a.people[0], reason="A relative of staff")
    models = (Person, Case, CaseNote, Allocation, Registration, Household, Relationship)
    for restricted in ("exclude", "mark"):
        in_request = {
            m: sorted(access.scoped(practitioner, m, restricted=restricted).values_list("pk", flat=True))
            for m in models
        }
        token = access.REQUEST_MEMO.set(None)  # outside a request: the subquery
        try:
            outside = {
                m: sorted(access.scoped(practitioner, m, restricted=restricted).values_list("pk", flat=True))
                for m in models
            }
        finally:
            access.REQUEST_MEMO.reset(token)
        assert in_request == outside, restricted
    assert world.a.people[0].pk not in {p for p in access.scoped(practitioner, Person).values_list("pk", flat=True)}
    marked = access.scoped(practitioner, Person, restricted="mark").get(pk=world.a.people[0].pk)
    assert marked.is_restricted


@pytest.mark.django_db
def test_a_kept_queryset_is_never_evaluated_itself(world, in_a_request):
    """Each call hands out a fresh clone: evaluating one caller's rows caches nothing another sees."""
    practitioner = world.a.users[Role.PRACTITIONER]
    first = access.scoped(practitioner, Person)
    list(first)
    person = world.a.people[1]
    services.person_update(actor=world.a.users[Role.TEAM_MANAGER], person=person, family_name="Changed")
    second = access.scoped(practitioner, Person)
    assert second._result_cache is None
    assert second.get(pk=person.pk).family_name == "Changed"


def test_nothing_is_kept_outside_a_request():
    assert access.REQUEST_MEMO.get() is None
