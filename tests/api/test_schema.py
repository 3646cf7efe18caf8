"""The OpenAPI schema: served at /api/schema/ to anyone signed in or holding a token, valid with no
warnings, and documenting the error shape on every operation."""

import threading

import pytest
import yaml
from django.core.management import call_command
from django.urls import resolve
from rest_framework.test import APIRequestFactory, force_authenticate

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/people/",
    "/api/people/{person_id}/",
    "/api/registrations/",
    "/api/registrations/{registration_id}/",
    "/api/cases/",
    "/api/cases/{case_id}/",
    "/api/allocations/",
    "/api/allocations/{allocation_id}/",
    "/api/case-notes/",
    "/api/case-notes/{note_id}/",
    "/api/looked-after-children/",
    "/api/looked-after-children/{looked_after_child_id}/",
    "/api/looked-after-children/{looked_after_child_id}/episodes/",
    "/api/contracts/",
    "/api/contracts/{contract_id}/",
    "/api/contracts/{contract_id}/report/",
}


def test_the_schema_is_served_and_names_every_operation_and_its_errors(world, api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == PATHS
    assert set(schema["paths"]["/api/case-notes/"]) == {"get", "post"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "429"):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method, status)
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["required"]) == {"status", "code", "message", "fields"}
    assert set(schema["components"]["securitySchemes"]) == {"bearerToken", "cookieAuth"}


def test_the_schema_generates_with_no_warnings(tmp_path):
    # the same command `make test` runs before the suite
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/contracts/{contract_id}/report/" in (tmp_path / "schema.yml").read_text()


def _schema_answer(user) -> tuple[int, bytes]:
    """The schema as the URLconf's view serves it to ``user``, or the failure's repr as a 500."""
    request = APIRequestFactory().get("/api/schema/")
    force_authenticate(request, user=user)
    try:
        response = resolve("/api/schema/").func(request)
        response.render()
    except Exception as failure:  # noqa: BLE001 (what went wrong is the finding)
        return 500, repr(failure).encode()
    return response.status_code, response.content


def test_eight_simultaneous_schema_requests_all_get_the_same_schema(world, a_service):
    """drf-spectacular's generation is not thread-safe (its inspectors are shared by every
    instance of a view): under a threaded server, simultaneous requests failed or got schemas
    that differed. Eight at once all get the schema, the same one a request alone gets."""
    barrier = threading.Barrier(8)
    answers = []

    def get():
        barrier.wait(timeout=60)
        answers.append(_schema_answer(a_service))

    threads = [threading.Thread(target=get) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * 8, [body[:200] for _, body in answers]
    assert {body for _, body in answers} == {_schema_answer(a_service)[1]}
