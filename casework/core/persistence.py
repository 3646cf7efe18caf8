"""The one way services save a model: validate fully, record who made the change, save."""

from django.core.exceptions import ValidationError
from django.db.models import Model

from casework.core.error_messages import plain_model_error


def full_clean_plainly(obj: Model, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()``, with each of Django's default messages (a raw maximum length, "Constraint
    ... is violated") put in plain words naming the field (core/error_messages.py)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise plain_model_error(error, type(obj)) from None


def clean_and_save(obj: Model, *, actor, exclude: list[str] | None = None) -> Model:
    # full_clean runs field validators (NHS number, postcode ...) and the model's constraints,
    # so a bad value is a ValidationError with a field message, never a database error.
    full_clean_plainly(obj, exclude=exclude)
    # django-simple-history reads this to fill history_user on the field-level history row.
    obj._history_user = actor
    obj.save()
    return obj
