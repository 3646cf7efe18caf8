"""Two people editing the same record: the second save is refused with what the first changed,
their own typing kept on the page; saving again, having seen it, is their deliberate choice."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.contracts.models import Contract
from tests.conftest import TODAY


def _person_form(person, **changes) -> dict:
    dob = person.date_of_birth
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "date_of_birth_0": str(dob.day),
        "date_of_birth_1": str(dob.month),
        "date_of_birth_2": str(dob.year),
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "nhs_number": person.nhs_number,
        "upn": person.upn,
        "postcode": person.postcode,
    }
    return data | changes


def _version_on(page: str) -> str:
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_second_save_of_a_person_is_refused_with_what_changed_and_keeps_their_typing(world):
    person = world.a.people[0]
    url = reverse("person_edit", args=[person.pk])
    first = _signed_in(world.a.users[Role.PRACTITIONER])
    second = _signed_in(world.a.users[Role.TEAM_MANAGER])
    # both open the page at the same version
    opened_first, opened_second = (
        _version_on(first.get(url).content.decode()),
        _version_on(second.get(url).content.decode()),
    )
    assert opened_first == opened_second == "1"

    saved = first.post(url, _person_form(person, preferred_name="Mara", version=opened_first))
    assert saved.status_code == 302

    refused = second.post(url, _person_form(person, town="Leeds", version=opened_second))
    page = refused.content.decode().replace("&#x27;", "'")
    assert refused.status_code == 200 and "govuk-error-summary" in page
    assert "a-practitioner saved this record" in page
    assert "(Preferred name: '' is now 'Mara')" in page
    assert 'value="Leeds"' in page  # what the second editor typed is still there
    assert _version_on(page) == "2"  # and the form now carries the version they have seen
    person.refresh_from_db()
    assert (person.preferred_name, person.town) == ("Mara", "")  # nothing of theirs saved

    # saving again, having seen the other change, is their choice: it now goes through
    again = second.post(url, _person_form(person, town="Leeds", version=_version_on(page)))
    assert again.status_code == 302
    person.refresh_from_db()
    assert (person.preferred_name, person.town, person.version) == ("Mara", "Leeds", 3)


@pytest.mark.django_db
def test_a_save_from_a_page_opened_before_an_unchanged_save_is_not_refused(world):
    """Saving without a change does not move the version, so it cannot refuse anyone."""
    person = world.a.people[0]
    url = reverse("person_edit", args=[person.pk])
    first = _signed_in(world.a.users[Role.PRACTITIONER])
    assert first.post(url, _person_form(person, version="1")).status_code == 302
    assert first.post(url, _person_form(person, preferred_name="Ami", version="1")).status_code == 302
    person.refresh_from_db()
    assert (person.preferred_name, person.version) == ("Ami", 2)


@pytest.mark.django_db
def test_a_case_note_corrected_twice_at_once_keeps_the_first_and_shows_it_to_the_second(world):
    author = world.a.users[Role.PRACTITIONER]
    note = case_services.case_note_add(
        actor=author,
        person=world.a.people[0],
        case=world.a.cases[0],
        note_type="visit",
        occurred_on=TODAY,
        summary="Home visit",
        text="Seen alone.",
    )
    url = reverse("case_note_edit", args=[note.pk])
    tab_one, tab_two = _signed_in(author), _signed_in(author)  # the author in two browser tabs
    version = _version_on(tab_one.get(url).content.decode())
    assert (
        tab_one.post(url, {"summary": "Home visit", "text": "Seen alone in her room.", "version": version}).status_code
        == 302
    )
    refused = tab_two.post(url, {"summary": "Home visit", "text": "Seen alone; tidy home.", "version": version})
    page = refused.content.decode().replace("&#x27;", "'")
    assert "Text: 'Seen alone.' is now 'Seen alone in her room.'" in page
    assert "Seen alone; tidy home." in page
    note.refresh_from_db()
    assert note.text == "Seen alone in her room."


@pytest.mark.django_db
def test_a_contract_changed_by_two_officers_at_once_refuses_the_second(world):
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    url = reverse("contract_change", args=[contract.pk])
    officer = world.commissioner_users[Role.COMMISSIONER_OFFICER]
    one, two = _signed_in(officer), _signed_in(officer)
    version = _version_on(one.get(url).content.decode())
    base = {"functions": contract.functions, "cohort": contract.cohort, "version": version}
    assert one.post(url, base | {"title": "Children's social work"}).status_code == 302
    page = two.post(url, base | {"title": "Adult social work"}).content.decode().replace("&#x27;", "'")
    assert "is now 'Children's social work'" in page
    contract.refresh_from_db()
    assert contract.title == "Children's social work"


@pytest.mark.django_db
def test_a_childs_uasc_status_set_by_two_workers_at_once_refuses_the_second(world):
    from casework.looked_after import services as looked_after_services

    manager = world.a.users[Role.TEAM_MANAGER]
    child = looked_after_services.looked_after_child_create(
        actor=manager, person=world.a.people[1], commissioner=world.commissioner, child_id="V0001"
    )
    url = reverse("looked_after_uasc", args=[child.pk])
    one, two = _signed_in(world.a.users[Role.PRACTITIONER]), _signed_in(manager)
    opened = one.get(url).content.decode()
    assert re.search(r'value="no"[^>]*checked', opened), "the form opens showing the child's status now"
    version = _version_on(opened)
    assert version == _version_on(two.get(url).content.decode()) == "1"

    ceased = TODAY.replace(day=1)
    saved = one.post(
        url,
        {
            "uasc": "yes",
            "uasc_ceased_0": str(ceased.day),
            "uasc_ceased_1": str(ceased.month),
            "uasc_ceased_2": str(ceased.year),
            "version": version,
        },
    )
    assert saved.status_code == 302
    refused = two.post(url, {"uasc": "no", "version": version})
    page = refused.content.decode().replace("&#x27;", "'")
    assert refused.status_code == 200
    assert "saved this record" in page and "Unaccompanied asylum-seeking child: 'No' is now 'Yes'" in page
    child.refresh_from_db()
    assert child.uasc is True and child.uasc_ceased == ceased and child.version == 2
    # Having seen it, saving again (now at version 2) is their deliberate choice.
    assert _version_on(page) == "2"
    assert two.post(url, {"uasc": "no", "version": "2"}).status_code == 302
    child.refresh_from_db()
    assert child.uasc is False and child.uasc_ceased is None
