"""A household with a restricted member, and restricting a record whose allocated worker is not named."""

import pytest
from django.urls import reverse

from casework.accounts.models import Role
from casework.people.models import PersonRestriction
from tests.people.test_restricted import restricted  # noqa: F401  (the fixture)


@pytest.mark.django_db
def test_the_household_page_shows_the_others_and_the_restricted_member_by_name_only(world, client, restricted):  # noqa: F811
    person, other = restricted["person"], restricted["other_person"]
    household_id = restricted["ids"]["household_id"]
    for user in (restricted["not_named"], world.a.users[Role.TEAM_MANAGER], restricted["manager"]):
        client.force_login(user)
        response = client.get(f"/households/{household_id}/")
        assert response.status_code == 200, user.username
        body = response.content.decode()
        # the other member as usual: a link to their record, their date of birth
        assert f'href="/people/{other.pk}/"' in body and other.date_of_birth.strftime("%-d %b %Y") in body
        # the restricted member by name, marked, and nothing else: no link, no date of birth
        assert person.full_name in body and "Restricted record" in body
        assert f"/people/{person.pk}/" not in body
        assert person.date_of_birth.strftime("%-d %b %Y") not in body
        # the actions that would touch the restricted member are not offered (they are refused)
        assert reverse("household_register", args=[household_id]) not in body
        assert client.get(reverse("household_register", args=[household_id])).status_code == 403
    # the named user sees everyone as usual
    client.force_login(restricted["named"])
    body = client.get(f"/households/{household_id}/").content.decode()
    assert f'href="/people/{person.pk}/"' in body and "Restricted record" not in body


@pytest.mark.django_db
def test_restricting_warns_when_the_allocated_worker_is_not_named_and_asks_to_confirm(world, client):
    a = world.a
    person = a.people[1]  # allocated to a.workers[0], the practitioner's worker
    manager = a.users[Role.PRACTICE_MANAGER]
    client.force_login(manager)
    url = reverse("person_restrict", args=[person.pk])
    data = {"reason": "A relative of a member of staff", "named_users": [a.users[Role.TEAM_MANAGER].pk]}

    warned = client.post(url, data)
    assert warned.status_code == 200
    body = warned.content.decode()
    assert "govuk-warning-text" in body and f"{a.workers[0]} is allocated to" in body.replace("&#x27;", "'")
    assert "govuk-error-summary" not in body  # a warning, not a refusal
    assert 'name="confirm_unnamed"' in body
    assert not PersonRestriction.objects.filter(person=person).exists()

    confirmed = client.post(url, {**data, "confirm_unnamed": "on"}, follow=True)
    assert confirmed.redirect_chain
    assert PersonRestriction.objects.filter(person=person, lifted_at=None).exists()
    assert f"{person.full_name}&#x27;s record restricted" in confirmed.content.decode()


@pytest.mark.django_db
def test_no_warning_when_the_allocated_worker_is_named(world, client):
    a = world.a
    person = a.people[1]
    client.force_login(a.users[Role.PRACTICE_MANAGER])
    response = client.post(
        reverse("person_restrict", args=[person.pk]),
        {"reason": "A relative of a member of staff", "named_users": [a.users[Role.PRACTITIONER].pk]},
    )
    assert response.status_code == 302
    assert PersonRestriction.objects.filter(person=person, lifted_at=None).exists()


@pytest.mark.django_db
def test_changing_who_is_named_warns_when_it_leaves_out_the_allocated_worker(world, client, restricted):  # noqa: F811
    person, restriction = restricted["person"], restricted["restriction"]
    client.force_login(restricted["manager"])
    url = reverse("person_restriction_named_users", args=[person.pk])
    data = {"named_users": [restricted["not_named"].pk]}  # leaves out the practitioner, allocated to her case

    warned = client.post(url, data)
    body = warned.content.decode().replace("&#x27;", "'")
    assert warned.status_code == 200
    assert f"{world.a.workers[0]} is allocated to {person.full_name}'s case but is not named" in body
    assert "govuk-error-summary" not in body and 'name="confirm_unnamed"' in body
    assert set(restriction.named.values_list("user_id", flat=True)) == {restricted["named"].pk}

    assert client.post(url, {**data, "confirm_unnamed": "on"}).status_code == 302
    assert set(restriction.named.values_list("user_id", flat=True)) == {restricted["not_named"].pk}
