import pytest
from django.core.exceptions import ValidationError

from casework.accounts.models import Role
from casework.people import services as people_services
from casework.registration import services
from casework.registration.models import Registration
from tests.conftest import TODAY


@pytest.mark.django_db
def test_a_whole_family_transfers_in_one_action(world):
    a, manager = world.a, world.a.users[Role.TEAM_MANAGER]
    family = a.people[:2]
    household = people_services.household_create(
        actor=manager, name="The Okafor-Smith family", members=family, joined_on=TODAY
    )
    Registration.objects.filter(person__in=family).update(household=household)

    moved = services.household_transfer(
        actor=manager, household=household, to_practice=world.b.org, transfer_date=TODAY
    )

    assert sorted(r.person_id for r in moved) == sorted(p.pk for p in family)
    assert all(r.practice_id == world.b.org.pk and r.route == "transfer_in" for r in moved)
    ended = Registration.objects.filter(person__in=family, practice=a.org)
    assert all(r.end_date == TODAY and r.end_reason == "transferred" for r in ended)
    with pytest.raises(ValidationError):  # nobody left to transfer
        services.household_transfer(actor=manager, household=household, to_practice=world.b.org, transfer_date=TODAY)
