"""The OpenAPI schema: served at /api/schema/ to anyone signed in or holding a token, valid with no
warnings, and documenting the error shape on every operation."""

import pytest
import yaml
from django.core.management import call_command

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
