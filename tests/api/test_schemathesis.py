"""schemathesis against the API through the WSGI app: generated requests (valid and invalid) for
every operation in /api/schema/, as practice A's service account on the `world` fixture. No
answer may be a server error, and every answer must be what the schema says (status code,
content type, headers, body).

Examples per operation: API_FUZZ_EXAMPLES (10 by default, for `make test`; raise it to search
harder, e.g. API_FUZZ_EXAMPLES=200)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from casework.accounts.models import Role
from casework.cases import services as case_services
from casework.contracts.models import Contract
from casework.looked_after import services as looked_after_services
from tests.api.conftest import token_client

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


@pytest.fixture
def known_ids(world) -> dict[str, int]:
    """Ids of practice A's records: generated ids are swapped for these half the time, so the
    fuzzing reaches real records as well as 404s."""
    manager = world.a.users[Role.TEAM_MANAGER]
    person, case = world.a.people[0], world.a.cases[0]
    note = case_services.case_note_add(
        actor=manager,
        person=person,
        note_type="visit",
        occurred_on=case.opened_on,
        summary="Visit",
        text="Seen at home",
        case=case,
    )
    child = looked_after_services.looked_after_child_create(
        actor=manager, person=person, commissioner=world.commissioner, child_id="F0001"
    )
    contract = Contract.objects.get(practice=world.a.org, commissioner=world.commissioner)
    return {
        "person_id": person.pk,
        "case_id": case.pk,
        "allocation_id": case.allocations.get().pk,
        "note_id": note.pk,
        "registration_id": person.registrations.get().pk,
        "looked_after_child_id": child.pk,
        "contract_id": contract.pk,
        "person": person.pk,
        "case": case.pk,
        "year": contract.years.order_by("start_date").last().pk,
    }


@pytest.fixture
def api_schema(world, known_ids, a_service):
    # Django's own test client keeps the test's connection (and its transaction) open across
    # requests; the bare WSGI handler would close it at each request's start and end.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = token_client(a_service, can_write=True)
    headers = {"Authorization": f"Bearer {client.raw_token}"}
    try:
        application = get_wsgi_application()
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
        schema.config.update(headers=headers)
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _swap_for_known(values: dict | None, known_ids: dict[str, int]) -> None:
    for name, value in (values or {}).items():
        if name in known_ids and isinstance(value, int) and value % 2 == 0:
            values[name] = known_ids[name]


def _operation_test(operation, mode, known_ids):
    # A schema-valid note can still break the recording rules (a date before the person was born,
    # or in the future): the service's 400 is right there, and tests/api/test_case_notes.py checks
    # those answers one by one.
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        _swap_for_known(case.path_parameters, known_ids)
        _swap_for_known(case.query, known_ids)
        if isinstance(case.body, dict):
            _swap_for_known(case.body, known_ids)
        case.call_and_validate(excluded_checks=excluded)

    return answers_as_documented


# schemathesis's own pytest integration (schema.parametrize) reaches into pytest internals that
# pytest 9.2 no longer has, so each operation gets a plain Hypothesis test here instead.
@pytest.mark.django_db
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_its_schema_says(api_schema, known_ids, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 17  # every operation in the schema is exercised
    for operation in operations:
        _operation_test(operation, mode, known_ids)()
