"""Query parameters, read strictly: a value the schema does not allow is a 400 naming the
parameter, never ignored and never a database error."""

from datetime import date

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

# Ids are 64-bit on both databases; a larger number can match nothing (and SQLite cannot bind it).
MAX_ID = 2**63 - 1


def positive_int(request, name: str, maximum: int = MAX_ID) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise ValidationError({name: f"Give a whole number from 1 to {maximum}"})
    return int(value)


def boolean(request, name: str) -> bool | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ValidationError({name: "Give true or false"})
    return value == "true"


def choice(request, name: str, choices) -> str | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if value not in choices:
        raise ValidationError({name: f"Give one of: {', '.join(choices)}"})
    return value


def text(request, name: str, max_length: int) -> str:
    value = request.query_params.get(name, "")
    if "\x00" in value:
        raise ValidationError({name: "The text holds a character that cannot be searched for"})
    if len(value) > max_length:
        raise ValidationError({name: f"Give at most {max_length} characters"})
    return value


def iso_date(request, name: str) -> date | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "Give a date as YYYY-MM-DD"}) from None


def id_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": 1, "maximum": MAX_ID, "format": "int64"}, description=description
    )


def bool_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.BOOL, description=description)


def text_param(name: str, max_length: int, description: str = "") -> OpenApiParameter:
    # no NUL: PostgreSQL cannot hold one in text, so no record could ever match it
    schema = {"type": "string", "maxLength": max_length, "pattern": "^[^\\u0000]*$"}
    return OpenApiParameter(name, schema, description=description)
