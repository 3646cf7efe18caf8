"""Registering a family without knowing anyone's id: add members to a household by searching for
them by name (or recording someone new into it), pick the other person for each relationship from
the household or a search, then register the household (tests/registration/test_household_register.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.people import services
from casework.people.models import HouseholdMembership, Person, Relationship
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.fixture
def household(world):
    """The Okafor family: Amara only, so far."""
    return services.household_create(
        actor=world.a.users[Role.PRACTITIONER], name="The Okafor family", members=[world.a.people[0]], joined_on=TODAY
    )


# -- services ---------------------------------------------------------------------------------


def test_a_member_is_added_and_audited(world, household):
    jonathan = world.a.people[1]
    services.household_member_add(
        actor=world.a.users[Role.PRACTITIONER], household=household, person=jonathan, joined_on=TODAY
    )
    assert set(household.members.values_list("pk", flat=True)) == {world.a.people[0].pk, jonathan.pk}
    assert AuditEvent.objects.filter(object_type="people.householdmembership", person_id=jonathan.pk).exists()


def test_a_member_already_living_there_is_refused_plainly(world, household):
    with pytest.raises(ValidationError) as refused:
        services.household_member_add(
            actor=world.a.users[Role.PRACTITIONER], household=household, person=world.a.people[0], joined_on=TODAY
        )
    assert refused.value.message_dict == {"person": ["Amara Okafor already lives in this household"]}


def test_another_practices_household_cannot_be_changed(world, household):
    with pytest.raises(ValidationError):
        services.household_member_add(
            actor=world.b.users[Role.PRACTITIONER], household=household, person=world.b.people[0], joined_on=TODAY
        )


def test_a_person_of_another_practice_cannot_be_added_by_the_service_either(world, household):
    """The page offers only people in scope; the service refuses anyone else whoever calls it."""
    with pytest.raises(ValidationError) as refused:
        services.household_member_add(
            actor=world.a.users[Role.PRACTITIONER], household=household, person=world.b.people[0], joined_on=TODAY
        )
    assert "person" in refused.value.message_dict
    assert not household.members.filter(pk=world.b.people[0].pk).exists()


def test_someone_new_is_recorded_into_the_household_or_not_at_all(world, household):
    practitioner = world.a.users[Role.PRACTITIONER]
    details = {"given_name": "Chidi", "family_name": "Okafor", "sex": "M", "ethnicity": "BAFR"}
    with pytest.raises(ValidationError):
        services.person_create_in_household(
            actor=practitioner, household=household, joined_on=TODAY + timedelta(days=2), **details
        )
    assert not Person.objects.filter(given_name="Chidi").exists()
    chidi = services.person_create_in_household(actor=practitioner, household=household, joined_on=TODAY, **details)
    assert household.memberships.filter(person=chidi, left_on__isnull=True).exists()


def test_a_relationship_recorded_twice_is_a_plain_refusal(world):
    practitioner = world.a.users[Role.PRACTITIONER]
    amara, jonathan = world.a.people[:2]
    services.relationship_create(actor=practitioner, person=amara, related_person=jonathan, relationship_type="sibling")
    with pytest.raises(ValidationError) as refused:
        services.relationship_create(
            actor=practitioner, person=amara, related_person=jonathan, relationship_type="sibling"
        )
    assert refused.value.message_dict == {"related_person": ["This relationship is already recorded"]}


# -- pages ------------------------------------------------------------------------------------


def test_add_a_member_by_searching_for_a_misspelt_name(world, client, household):
    client.force_login(world.a.users[Role.PRACTITIONER])
    url = reverse("household_member_add", args=[household.pk])
    jonathan = world.a.people[1]
    page = client.get(url, {"name": "Jonathon Smyth"}).content.decode()
    assert "Jonathan Smith (born 3 Feb 2012)" in page
    assert "Amara Okafor" not in page  # lives there already
    response = client.post(
        f"{url}?name=Jonathon+Smyth", {"person": jonathan.pk, **_date("joined_on", TODAY)}, follow=True
    )
    assert household.memberships.filter(person=jonathan).exists()
    assert "Jonathan Smith added to The Okafor family" in response.content.decode()


def test_add_a_member_refuses_someone_out_of_scope_without_a_500(world, client, household):
    client.force_login(world.a.users[Role.PRACTITIONER])
    response = client.post(
        reverse("household_member_add", args=[household.pk]),
        {"person": world.b.people[0].pk, **_date("joined_on", TODAY)},
    )
    assert response.status_code == 200
    assert "Choose the person to add" in response.content.decode()
    assert not household.memberships.filter(person=world.b.people[0]).exists()


def test_someone_new_added_from_the_household_page(world, client, household):
    client.force_login(world.a.users[Role.PRACTITIONER])
    url = reverse("household_person_create", args=[household.pk])
    data = {
        "given_name": "Chidi",
        "family_name": "Okafor",
        "sex": "M",
        "ethnicity": "BAFR",
        **_date("date_of_birth", date(1985, 3, 9)),
        **_date("joined_on", TODAY),
    }
    response = client.post(url, data, follow=True)
    chidi = Person.objects.get(given_name="Chidi")
    assert HouseholdMembership.objects.filter(household=household, person=chidi).exists()
    assert "Chidi Okafor added to The Okafor family" in response.content.decode()


def test_the_relationship_page_offers_people_not_an_id_box(world, client, household):
    amara, jonathan = world.a.people[:2]
    services.household_member_add(
        actor=world.a.users[Role.PRACTITIONER], household=household, person=jonathan, joined_on=TODAY
    )
    client.force_login(world.a.users[Role.PRACTITIONER])
    url = reverse("relationship_create", args=[amara.pk])
    page = client.get(url, {"household": household.pk}).content.decode()
    assert "Casework ID" not in page
    assert "Jonathan Smith (born 3 Feb 2012)" in page and 'type="radio"' in page
    response = client.post(
        f"{url}?household={household.pk}", {"related_person": jonathan.pk, "relationship_type": "sibling"}
    )
    assert response.status_code == 302 and response.url == reverse("household_detail", args=[household.pk])
    assert Relationship.objects.filter(person=amara, related_person=jonathan, relationship_type="sibling").exists()
    assert Relationship.objects.filter(person=jonathan, related_person=amara, relationship_type="sibling").exists()


def test_the_relationship_page_finds_someone_else_by_name(world, client):
    amara, jonathan = world.a.people[:2]
    client.force_login(world.a.users[Role.PRACTITIONER])
    url = reverse("relationship_create", args=[amara.pk])
    assert "Jonathan Smith" not in client.get(url).content.decode()
    assert "Jonathan Smith (born 3 Feb 2012)" in client.get(url, {"name": "jon smiht"}).content.decode()
    assert "Bethany Whitaker (born" not in client.get(url, {"name": "Bethany Whitaker"}).content.decode()  # B's


def test_the_relationship_page_refuses_a_person_out_of_scope_on_the_field(world, client):
    client.force_login(world.a.users[Role.PRACTITIONER])
    response = client.post(
        reverse("relationship_create", args=[world.a.people[0].pk]),
        {"related_person": world.b.people[0].pk, "relationship_type": "sibling"},
    )
    assert response.status_code == 200 and "Choose the other person" in response.content.decode()
    assert not Relationship.objects.exists()


def test_the_household_page_leads_to_each_step(world, client, household):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    body = client.get(reverse("household_detail", args=[household.pk])).content.decode()
    assert reverse("household_member_add", args=[household.pk]) in body
    assert f"{reverse('relationship_create', args=[world.a.people[0].pk])}?household={household.pk}" in body
    assert "Register the household" in body


def test_someone_just_recorded_can_start_a_household_from_their_page(world, client):
    """The first person of a new family is not registered yet: their page still leads on."""
    practitioner = world.a.users[Role.PRACTITIONER]
    ngozi = services.person_create(
        actor=practitioner, given_name="Ngozi", family_name="Hartwell", sex="F", ethnicity="BAFR"
    )
    client.force_login(practitioner)
    body = client.get(reverse("person_detail", args=[ngozi.pk])).content.decode()
    assert reverse("household_create", args=[ngozi.pk]) in body
    assert reverse("relationship_create", args=[ngozi.pk]) in body
