"""Ofsted URNs as the 903 guide takes them: SC and 6 digits, 6 or 7 digits, or XXXXXXX (a regional
adoption agency's placement, DfE rule 242), refused with a plain message on the form and in the service."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.accounts.models import Role
from casework.core import identifiers
from casework.core.validators import validate_urn
from casework.looked_after import rules, services
from casework.looked_after.models import Episode
from tests.conftest import TODAY
from tests.looked_after.builders import child_in_care

START = TODAY - timedelta(days=200)


@pytest.mark.parametrize("urn", ["SC123456", "sc123456", " SC055123 ", "123456", "1234567", "XXXXXXX"])
def test_urns_in_the_903_format(urn):
    assert identifiers.is_valid_urn(urn)
    validate_urn(identifiers.normalise_urn(urn))


@pytest.mark.parametrize(
    "urn", ["", "SC12345", "SC1234567", "12345", "12345678", "AB123456", "SC12345A", "XXXXXX", "PR4", "SC 123"]
)
def test_urns_not_in_the_903_format(urn):
    assert not identifiers.is_valid_urn(urn)
    with pytest.raises(ValidationError) as refused:
        validate_urn(urn)
    assert "Ofsted" in refused.value.messages[0]


def test_the_placement_rules_refuse_a_malformed_urn_and_xxxxxxx_outside_adoption_placements():
    assert rules.placement_problems("K2", "PR4", "SC12", 2026) == {"urn": rules.URN_FORMAT}
    assert "regional adoption" in rules.placement_problems("K2", "PR4", "XXXXXXX", 2026)["urn"]
    assert rules.placement_problems("U6", "PR1", "XXXXXXX", 2026) == {}
    assert rules.placement_problems("U6", "PR1", "1234567", 2026) == {}


@pytest.mark.django_db
def test_the_service_refuses_a_malformed_urn(world):
    child = child_in_care(world, START)
    with pytest.raises(ValidationError) as refused:
        services.episode_change(
            actor=world.a.users[Role.PRACTITIONER],
            child=child,
            change_date=START + timedelta(days=10),
            legal_status="C1",
            placement_type="K2",
            placement_provider="PR4",
            placement_postcode="LS1 4AP",
            urn="SC12",
            reason_place_change="CHILD",
        )
    assert "urn" in refused.value.message_dict


@pytest.mark.django_db
def test_the_placement_form_refuses_a_malformed_urn_next_to_the_field(world, client):
    child = child_in_care(world, START)
    client.force_login(world.a.users[Role.PRACTITIONER])
    changed_on = START + timedelta(days=10)
    response = client.post(
        reverse("looked_after_change", args=[child.pk]),
        {
            "change_date_0": str(changed_on.day),
            "change_date_1": str(changed_on.month),
            "change_date_2": str(changed_on.year),
            "legal_status": "C1",
            "same_carers": "no",
            "placement_type": "K2",
            "placement_provider": "PR4",
            "placement_postcode": "LS1 4AP",
            "urn": "HOME1",
            "intended_until_18": "no",
            "reason_place_change": "CHILD",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Ofsted URN" in body
    assert Episode.objects.filter(child=child).count() == 1
