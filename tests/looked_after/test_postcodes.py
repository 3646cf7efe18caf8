"""Postcodes are stored in the usual form, a space before the inward code, whether typed on a care
page, written without the space in a 903 file (``test_import.py``) or taken from the ONS file for the
demonstration data; the migration puts the space into those stored without it before, and leaves
anything that is not a full postcode as it is."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from casework.looked_after.models import Episode
from casework.people.models import Person
from tests.looked_after.builders import child_in_care

pytestmark = pytest.mark.django_db

migration = importlib.import_module("casework.looked_after.migrations.0009_postcodes_with_their_space")


def test_a_postcode_typed_without_its_space_on_a_care_page_is_stored_with_it(world):
    from casework.accounts.models import Role
    from casework.looked_after import services

    manager = world.a.users[Role.TEAM_MANAGER]
    record = services.looked_after_child_create(
        actor=manager, person=world.a.people[0], commissioner=world.commissioner, child_id="T0002"
    )
    episode = services.care_start(
        actor=manager,
        child=record,
        start_date=date(2025, 5, 1),
        legal_status="C1",
        category_of_need="N1",
        placement_type="U6",
        placement_provider="PR1",
        placement_postcode="ls62aa ",
        urn="SC123456",
        home_postcode="LS27UE",
        is_mother=False,
    )
    episode.refresh_from_db()
    assert (episode.placement_postcode, episode.home_postcode) == ("LS6 2AA", "LS2 7UE")


def test_the_demonstration_datas_postcodes_have_their_space():
    from casework.core.postcodes import postcodes_in

    found = postcodes_in("E08000035", ("L",))  # Leeds, whose LS10 to LS29 the ONS file writes without
    assert "LS10 1AA" in found and all(" " in postcode for postcode in found)


def test_the_migration_adds_the_space_to_full_postcodes_only(world):
    episode = Episode.objects.get(child=child_in_care(world, date(2025, 5, 1)))
    stored = {"LS62AA": "LS6 2AA", "LS1 4AP": "LS1 4AP", "LS1": "LS1", "": ""}
    for placement, home in (("LS62AA", "LS1"), ("LS1 4AP", ""), ("SW1A1AA", "LS27UE")):
        Episode.objects.filter(pk=episode.pk).update(placement_postcode=placement, home_postcode=home)
        migration.add_the_space(apps, None)
        episode.refresh_from_db()
        want = (stored.get(placement, "SW1A 1AA"), stored.get(home, "LS2 7UE"))
        assert (episode.placement_postcode, episode.home_postcode) == want
    person = episode.child.person
    for stored, fixed in (("LS101AA", "LS10 1AA"), ("LS10", "LS10"), ("LS10 1AA", "LS10 1AA")):
        Person.objects.filter(pk=person.pk).update(postcode=stored)
        migration.add_the_space(apps, None)
        person.refresh_from_db()
        assert person.postcode == fixed
