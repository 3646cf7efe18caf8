"""Closing a looked-after child's case: refused while the child is looked after, unless care ends
in the same action (the looked-after service's own rules decide whether care may end)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.cases import services
from casework.cases.models import Case
from casework.looked_after import services as looked_after_services
from casework.looked_after.models import Episode
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care

START = TODAY - timedelta(days=200)
CLOSED = TODAY - timedelta(days=10)


def _date(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.fixture
def in_care(world):
    return child_in_care(world, START)


def test_a_looked_after_childs_case_cannot_close_while_the_child_is_looked_after(world, in_care):
    case = world.a.cases[0]
    with pytest.raises(ValidationError) as refused:
        services.case_close(
            actor=world.a.users[Role.TEAM_MANAGER], case=case, closed_on=CLOSED, close_reason=Case.CloseReason.OTHER
        )
    assert "This child is looked after" in refused.value.message_dict["end_care"][0]
    case.refresh_from_db()
    assert case.closed_on is None


def test_the_case_closes_once_care_has_ended(world, in_care):
    manager = world.a.users[Role.TEAM_MANAGER]
    looked_after_services.care_end(actor=manager, child=in_care, end_date=CLOSED, reason_ceased="E13")
    case = services.case_close(actor=manager, case=world.a.cases[0], closed_on=CLOSED, close_reason="other")
    assert case.closed_on == CLOSED


def test_a_case_of_another_kind_closes_while_the_child_is_looked_after(world, in_care):
    manager = world.a.users[Role.TEAM_MANAGER]
    other = services.case_open(
        actor=manager,
        person=world.a.people[0],
        service_type="cin",
        commissioner=world.commissioner,
        opened_on=START,
        open_reason="Support for the family",
    )
    assert services.case_close(actor=manager, case=other, closed_on=CLOSED, close_reason="other").closed_on == CLOSED


def test_end_care_and_close_the_case_in_one_action(world, in_care):
    case = services.case_close_ending_care(
        actor=world.a.users[Role.TEAM_MANAGER],
        case=world.a.cases[0],
        closed_on=CLOSED,
        close_reason=Case.CloseReason.OTHER,
        reason_ceased="E13",
    )
    assert case.closed_on == CLOSED
    episode = Episode.objects.get(child=in_care)
    assert (episode.end_date, episode.reason_ceased) == (CLOSED, "E13")
    assert AuditEvent.objects.filter(action="end", object_type="looked_after.episode").exists()


def test_when_care_cannot_end_neither_happens(world, in_care):
    """E17 (staying put) is only for care ending on the 18th birthday: the looked-after service
    refuses, and the case stays open (one transaction)."""
    with pytest.raises(ValidationError) as refused:
        services.case_close_ending_care(
            actor=world.a.users[Role.TEAM_MANAGER],
            case=world.a.cases[0],
            closed_on=CLOSED,
            close_reason=Case.CloseReason.OTHER,
            reason_ceased="E17",
        )
    assert "reason_ceased" in refused.value.message_dict
    assert Case.objects.get(pk=world.a.cases[0].pk).closed_on is None
    assert Episode.objects.get(child=in_care).end_date is None


def test_care_ending_date_refusals_name_the_closing_date(world, in_care):
    with pytest.raises(ValidationError) as refused:
        services.case_close_ending_care(
            actor=world.a.users[Role.TEAM_MANAGER],
            case=world.a.cases[0],
            closed_on=START - timedelta(days=1),
            close_reason=Case.CloseReason.OTHER,
            reason_ceased="E13",
        )
    assert "closed_on" in refused.value.message_dict


def test_the_close_page_refuses_on_the_field_and_offers_ending_care(world, client, in_care):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    url = reverse("case_close", args=[world.a.cases[0].pk])
    page = client.get(url).content.decode()
    assert "End care and close the case" in page and "E13" in page
    response = client.post(url, {**_date("closed_on", CLOSED), "close_reason": "other"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "This child is looked after" in body
    assert Case.objects.get(pk=world.a.cases[0].pk).closed_on is None


def test_the_close_page_ends_care_and_closes_with_a_banner(world, client, in_care):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    url = reverse("case_close", args=[world.a.cases[0].pk])
    response = client.post(
        url, {**_date("closed_on", CLOSED), "close_reason": "other", "end_care": "on", "reason_ceased": "E13"},
        follow=True,
    )
    assert Case.objects.get(pk=world.a.cases[0].pk).closed_on == CLOSED
    assert Episode.objects.get(child=in_care).reason_ceased == "E13"
    assert "Care ended and the case closed" in response.content.decode()


def test_ending_care_on_the_close_page_needs_a_reason(world, client, in_care):
    client.force_login(world.a.users[Role.TEAM_MANAGER])
    url = reverse("case_close", args=[world.a.cases[0].pk])
    response = client.post(url, {**_date("closed_on", CLOSED), "close_reason": "other", "end_care": "on"})
    assert response.status_code == 200
    assert "Choose why care ended" in response.content.decode()
    assert Case.objects.get(pk=world.a.cases[0].pk).closed_on is None


def test_leaving_the_list_does_not_close_the_case_of_a_child_still_looked_after(world, in_care):
    """Ending the registration (or transferring it) closes the person's open cases: not while the
    child is looked after, which would close the case by the back door."""
    from casework.registration import services as registration_services
    from casework.registration.models import Registration

    manager = world.a.users[Role.TEAM_MANAGER]
    registration = Registration.objects.get(person=world.a.people[0], end_date__isnull=True)
    with pytest.raises(ValidationError) as refused:
        registration_services.registration_end(
            actor=manager, registration=registration, end_date=CLOSED, end_reason="moved_away"
        )
    assert "looked after" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        registration_services.registration_transfer(
            actor=manager, registration=registration, to_practice=world.b.org, transfer_date=CLOSED
        )
    assert Case.objects.get(pk=world.a.cases[0].pk).closed_on is None
    assert Registration.objects.get(pk=registration.pk).end_date is None


def test_a_looked_after_record_with_no_episode_yet_is_not_in_care(world):
    """A child known to the authority with no episode recorded is not looked after: the case closes
    (a join on episodes with 'end date is null' once read such a child as in care)."""
    from casework.core.codes import ServiceType
    from casework.looked_after.models import LookedAfterChild

    manager = world.a.users[Role.TEAM_MANAGER]
    case = world.a.cases[0]
    assert case.service_type == ServiceType.LOOKED_AFTER_CHILD
    LookedAfterChild.objects.create(
        organisation=world.a.org, person=case.person, commissioner=world.commissioner, child_id="NOEPISODE"
    )
    case = services.case_close(actor=manager, case=case, closed_on=CLOSED, close_reason="other")
    assert case.closed_on == CLOSED
