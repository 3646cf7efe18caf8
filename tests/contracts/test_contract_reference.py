"""A contract reference is letters, digits, spaces and - / . _ (issue 13, finding 7): it names the
files a commissioner downloads, so a quote, a semicolon or a line break in it is refused on the form
and by the service (downloads of rows from before are named safely: tests/core/test_downloads_safe.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.contracts import services
from casework.contracts.models import Contract
from tests.contracts.test_contract_management import _letting, officer  # noqa: F401

REFUSED = ["a\";filename*=UTF-8''e.html;b=", "B-1\nSet-Cookie: x=1", "=1+2", "-A1", "../etc", "A\tB", "Ré-1"]
TAKEN = ["TBC-LAC-2027", "LA/2025/001", "E08000035 SWP.1", "lot_3"]


@pytest.mark.parametrize("reference", REFUSED)
def test_a_reference_outside_the_set_is_refused_on_the_form(world, client, officer, reference):  # noqa: F811
    response = client.post(reverse("contract_let"), _letting(world, reference=reference))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_reference' in page
    assert "letters, digits, spaces" in page
    assert not Contract.objects.filter(title="Case holding for children looked after in the north").exists()


@pytest.mark.parametrize("reference", REFUSED)
def test_the_service_refuses_it_whoever_calls(world, reference):
    contract = Contract.objects.get(practice=world.a.org)
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            actor=None,
            commissioner=world.commissioner,
            practice=world.a.org,
            reference=reference,
            title="A contract",
            functions=list(contract.functions),
            cohort="Children",
            start_date=contract.start_date,
        )
    assert "reference" in refused.value.message_dict


@pytest.mark.parametrize("reference", TAKEN)
def test_ordinary_references_are_taken(world, client, officer, reference):  # noqa: F811
    response = client.post(reverse("contract_let"), _letting(world, reference=reference))
    assert response.status_code == 302
    assert Contract.objects.filter(reference=reference).exists()
