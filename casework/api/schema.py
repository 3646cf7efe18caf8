"""The OpenAPI schema: every operation documents the error shape for each status it can answer
with, so a client (and schemathesis, in tests/api/test_schemathesis.py) can rely on it."""

import threading

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from casework.api.errors import ErrorSerializer

ALWAYS = {
    "400": "The query parameters or the body have problems: see the fields",
    "401": "No credentials, or a token that is unknown or revoked",
    "403": "Your role, or a read-only token, does not allow this; or the record is restricted",
    "404": "Nothing there in your scope (records outside it are never confirmed to exist)",
    "405": "The method is not allowed here",
    "406": "The response cannot be given in the format asked for",
    "429": "Too many requests: wait for the number of seconds in Retry-After",
    "500": "Something went wrong on our side (logged; never the answer to bad input)",
}
WITH_BODY = {"415": "Send the body as application/json"}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ALWAYS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors |= WITH_BODY
        for status, description in errors.items():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), status, direction=direction
                )
        return responses


def response_fields_always_present(result, generator, request, public):
    """Every field of a response body is always there (null when empty): say so, so clients need
    not guard against a missing key and schemathesis checks that none is ever left out. Request
    bodies (components named ...Request) keep their own optional fields."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request") and component.get("properties"):
            component["required"] = sorted(component["properties"])
    return result


class GeneratedOnce(SchemaGenerator):
    """The schema served at /api/schema/, generated once per process and then served from memory.

    drf-spectacular's generation is not thread-safe: each view class shares one inspector, which
    generation points at the view instance it is looking at, so two requests generating at once
    under a threaded server broke each other (500s, or schemas that differed; issue 13). The
    schema is the same for every caller (served public), so it is made under a lock, once for
    each API version and language, and every request after that gets the same one.
    """

    _lock = threading.Lock()
    _made: dict[tuple, dict] = {}

    def get_schema(self, request=None, public=False):
        key = (self.api_version, public, translation.get_language())
        with self._lock:
            if key not in self._made:
                self._made[key] = super().get_schema(request=request, public=public)
            return self._made[key]
