"""Django validators wrapping the pure identifier rules in ``identifiers.py``."""

from django.core.exceptions import ValidationError

from casework.core import identifiers


def validate_nhs_number(value: str) -> None:
    if not identifiers.is_valid_nhs_number(value):
        raise ValidationError(
            "Enter a valid NHS number: 10 digits, like 943 476 5919, with a correct check digit",
            code="invalid_nhs_number",
        )


def validate_upn(value: str) -> None:
    if not identifiers.is_valid_upn(value):
        raise ValidationError(
            "Enter a valid unique pupil number: 13 characters starting with the check letter, "
            "or UN1 to UN5 when it is not known",
            code="invalid_upn",
        )


def validate_swe_registration(value: str) -> None:
    if not identifiers.is_valid_swe_registration(value):
        raise ValidationError(
            "Enter a Social Work England registration number: SW followed by digits, like SW123456",
            code="invalid_swe_registration",
        )


def validate_postcode(value: str) -> None:
    if not identifiers.is_valid_postcode(value):
        raise ValidationError("Enter a real UK postcode, like LS1 4AP", code="invalid_postcode")


URN_MESSAGE = identifiers.URN_MESSAGE


def validate_urn(value: str) -> None:
    if not identifiers.is_valid_urn(value):
        raise ValidationError(URN_MESSAGE, code="invalid_urn")
