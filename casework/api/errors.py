"""One error shape for every API answer that is not a success:

    {"error": {"status": 400, "code": "invalid", "message": "...", "fields": {"summary": ["..."]}}}

``code`` is DRF's machine-readable code (``invalid``, ``parse_error``, ``not_authenticated``,
``authentication_failed``, ``permission_denied``, ``not_found``, ``method_not_allowed``,
``not_acceptable``, ``unsupported_media_type``, ``throttled``, ``server_error``; and ``restricted``
for a restricted person's record; ``mfa_required`` for a session signed in with a password but not yet
its second factor); ``fields`` maps a field (or query parameter) to its messages
and is empty when the error is not about one field.
A service's ``django.core.exceptions.ValidationError`` becomes a 400 in this shape, ``Http404`` a
404 and ``PermissionDenied`` a 403. The URLconf's 400/403/404/500 handlers answer in the same shape
under ``/api/``, so an unknown API path or an unexpected failure is no different to a client.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from casework.core import access

API_PREFIX = "/api/"


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code, repeated")
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, permission_denied, ...")
    message = serializers.CharField(help_text="What went wrong, in plain English")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field or query parameter; empty when the error is not about a field",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


def error_body(status: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def _from_django(exc):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError(exc.messages)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    if isinstance(exc, DjangoPermissionDenied):
        # the capability name is for the log, not the caller
        return exceptions.PermissionDenied("Your role does not allow this")
    return exc


def _flatten(detail, prefix="") -> tuple[list[str], dict[str, list[str]]]:
    """Messages not about a field, and messages per field (nested fields as ``parent.child``)."""
    general: list[str] = []
    fields: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in (NON_FIELD_ERRORS, "non_field_errors"):
                sub_general, sub_fields = _flatten(value, prefix)
                general += sub_general
                fields.update(sub_fields)
                continue
            name = f"{prefix}{key}"
            sub_general, sub_fields = _flatten(value, f"{name}.")
            if sub_general:
                fields.setdefault(name, []).extend(sub_general)
            fields.update(sub_fields)
    elif isinstance(detail, list):
        for item in detail:
            sub_general, sub_fields = _flatten(item, prefix)
            general += sub_general
            fields.update(sub_fields)
    else:
        general.append(str(detail))
    return general, fields


def exception_handler(exc, context):
    if isinstance(exc, access.RecordRestricted):
        # the refusal is logged by the audit middleware from access.open_record's note
        return Response(error_body(403, "restricted", "This record is restricted"), status=403)
    exc = _from_django(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # raised on: Django logs it and the 500 handler below answers
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        general, fields = _flatten(exc.detail)
        message = " ".join(general) if general else "The request has problems: see the fields"
        code = "invalid"
    else:
        fields = {}
        message = str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    return Response(error_body(exc.status_code, code, message, fields), status=exc.status_code, headers=headers)


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


# The URLconf's handlers: the API's shape under /api/, Django's own pages everywhere else.


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(400, "bad_request", "The request could not be understood"), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(403, "permission_denied", "Your role does not allow this"), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body(404, "not_found", "Not found"), status=404)
    return defaults.page_not_found(request, exception)


@csrf_exempt
@login_not_required
def unmatched_path(request, *args, **kwargs):
    """Any path under /api/ that no endpoint matches (``api/urls.py``): the 404 above, with DEBUG on
    too, where Django would answer an unmatched path with its HTML debug page instead of the
    handler. Nothing is done, so there is no CSRF token or sign-in to ask for."""
    return page_not_found(request)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            error_body(500, "server_error", "Something went wrong on our side: it has been logged"), status=500
        )
    return defaults.server_error(request)
