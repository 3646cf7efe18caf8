"""The one way services save a model: validate fully, record who made the change, save."""

from django.db.models import Model


def clean_and_save(obj: Model, *, actor, exclude: list[str] | None = None) -> Model:
    # full_clean runs field validators (NHS number, postcode ...) and the model's constraints,
    # so a bad value is a ValidationError with a field message, never a database error.
    obj.full_clean(exclude=exclude)
    # django-simple-history reads this to fill history_user on the field-level history row.
    obj._history_user = actor
    obj.save()
    return obj
