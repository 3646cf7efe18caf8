"""Plain-English error messages that name the field, for every form field and every model save.

Django's defaults ("This field is required.", "Ensure this value has at most 200 characters (it
has 500).", "Constraint “x” is violated.") name neither the field nor the fix. Following the GOV.UK
Design System's error message guidance, each message here says which field and what to do:
"Enter the summary", "Summary must be 200 characters or fewer", "Choose the sex from the list".
A message a form or a validator chose itself is kept; only Django's defaults are replaced.
"""

import re

from django import forms
from django.core import validators as django_validators
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.FileField)


def field_name(label) -> str:
    """The label as a name in a sentence's subject: "Date of death (if they have died)" -> "Date of death"."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", str(label or "")).strip().rstrip(":").strip()
    return text or "This answer"


QUESTION_WORDS = {"how", "what", "why", "which", "who", "when", "where", "is", "are", "was", "were", "did", "does"}
QUESTION_WORDS |= {"do", "has", "have", "can", "should", "will", "this", "in", "missing"}


def is_question(label) -> bool:
    """A label that is a question or a phrase ("How did they come to the practice?", "In touch"),
    not a thing one can name ("Date of birth"): messages quote it rather than build a sentence on it."""
    text = str(label or "").strip()
    words = text.split()
    return text.endswith("?") or "..." in text or bool(words and words[0].lower() in QUESTION_WORDS)


def in_sentence(name: str) -> str:
    """"Date of birth" -> "the date of birth"; an acronym keeps its capitals ("the NHS number");
    a question is quoted ('"How did they come to the practice?"')."""
    if is_question(name):
        return f'an answer to "{name}"'
    if name.lower().startswith("the "):
        name = name[4:]
    if len(name) > 1 and name[1].isupper():
        return f"the {name}"
    return f"the {name[:1].lower()}{name[1:]}"


def subject(name: str) -> str:
    """The field as the subject of a sentence: "Summary", or 'The answer to "Why ...?"'."""
    return f'The answer to "{name}"' if is_question(name) else name


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def message_for(code: str, name: str, params: dict | None = None, *, choose: bool = False) -> str | None:
    """The plain message for one of Django's error codes about the field called ``name``, or None."""
    params = params or {}
    limit = params.get("limit_value", params.get("max", ""))
    the = in_sentence(name)
    name = subject(name)
    messages = {
        "required": f"Select {the}" if choose else f"Enter {the}",
        "blank": f"Enter {the}",
        "null": f"Enter {the}",
        "max_length": f"{name} must be {_number(limit)} characters or fewer",
        "min_length": f"{name} must be {_number(limit)} characters or more",
        "max_value": f"{name} must be {_number(limit)} or less",
        "min_value": f"{name} must be {_number(limit)} or more",
        "step_size": f"{name} must be a multiple of {_number(limit)}",
        "max_digits": f"{name} must have no more than {_number(params.get('max', ''))} digits",
        "max_decimal_places": f"{name} must have no more than {_number(params.get('max', ''))} decimal places",
        "max_whole_digits": f"{name} must have no more than {_number(params.get('max', ''))} digits before the "
        "decimal point",
        "invalid_choice": f"Choose {the} from the list",
        "invalid_list": f"Choose {the} from the list",
        "invalid_pk_value": f"Choose {the} from the list",
        "null_characters_not_allowed": f"{name} must not contain unusual characters",
        "missing": f"Select a file for {the}",
        "empty": f"The file for {the} is empty",
        "contradiction": f"Either choose a file for {the} or remove it, not both",
    }
    return messages.get(code)


def _defaults(field: forms.Field) -> dict:
    defaults = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


def _invalid_message(field: forms.Field, name: str) -> str:
    name = subject(name)
    if isinstance(field, forms.IntegerField):
        return f"{name} must be a whole number"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return f"{name} must be a number"
    if isinstance(field, forms.FileField):
        return f"{name} must be a file"
    return f"Enter {in_sentence(name)} in the right form"


def plain_field_messages(field: forms.Field) -> None:
    """Replace Django's default messages on a form field (and its length and number validators) with
    ones naming the field. Messages the form's author wrote are left as they are."""
    if getattr(field, "_plain_messages", False):
        return
    name = field_name(field.label)
    choose = isinstance(field, CHOICE_FIELDS)
    defaults = _defaults(field)
    for code, message in list(field.error_messages.items()):
        if message != defaults.get(code):
            continue  # the author's own words
        plain = _invalid_message(field, name) if code == "invalid" else message_for(code, name, choose=choose)
        if plain:
            field.error_messages[code] = plain
    field.validators = [_plain_validator(v, name) for v in field.validators]
    field._plain_messages = True


def _plain_validator(validator, name: str):
    if isinstance(validator, django_validators.BaseValidator) and validator.message == type(validator).message:
        plain = message_for(validator.code, name, {"limit_value": validator.limit_value})
        if plain:
            clone = type(validator)(validator.limit_value, message=plain)
            return clone
    if isinstance(validator, django_validators.DecimalValidator):
        clone = django_validators.DecimalValidator(validator.max_digits, validator.decimal_places)
        clone.messages = {
            code: message_for(code, name, {"max": "%(max)s"}) or f"{name} must be a number"
            for code in validator.messages
        }
        return clone
    if isinstance(validator, django_validators.ProhibitNullCharactersValidator):
        return django_validators.ProhibitNullCharactersValidator(message=message_for(validator.code, name))
    return validator


# Model saves: full_clean's field messages and constraint violations in words.

CONSTRAINT_WORDS = {
    "dates_in_order": "The end date must be the same as or after the start date",
    "one_current_registration": "This person is already registered: end the current registration first",
    "one_open_case_per_service": "This person already has an open case for this service",
    "one_current_allocation": "This case already has an allocated worker",
    "one_current_membership": "This person is already a member of the household",
    "unique_relationship": "This relationship is already recorded",
    "not_related_to_self": "A person cannot be related to themself",
    "one_live_restriction_per_person": "This record is already restricted",
    "unique_team_name": "There is already a team with this name",
    "fte_in_range": "Full-time equivalent must be more than 0 and no more than 1",
}


def constraint_message(name: str) -> str:
    """A constraint's rule in words: a known one's own sentence, otherwise its name read as words."""
    for key, words in CONSTRAINT_WORDS.items():
        if name == key or name.endswith(key):
            return words
    return f"These details cannot be saved together: {name.replace('_', ' ')}"


def plain_model_error(error: ValidationError, model) -> ValidationError:
    """The same refusal with each of Django's default messages put in words naming the field."""
    if not hasattr(error, "error_dict"):
        return ValidationError([_model_message(e, model, None) for e in error.error_list])
    return ValidationError(
        {field: [_model_message(e, model, field) for e in errors] for field, errors in error.error_dict.items()}
    )


def _model_message(error: ValidationError, model, field: str | None) -> str:
    message = error.message % error.params if error.params else error.message
    code = error.code or ""
    if code == "constraint" or "violated" in str(message):
        name = (error.params or {}).get("name", "")
        if not name:
            found = re.search(r"“([^”]+)”", str(message))
            name = found.group(1) if found else ""
        return constraint_message(name) if name else "These details cannot be saved together"
    if field in (None, NON_FIELD_ERRORS):
        return "This is already recorded" if code in ("unique", "unique_together") else str(message)
    try:
        model_field = model._meta.get_field(field)
    except Exception:  # a key that is not a model field: the service's own words, or the key in words
        plain = message_for(code, field.replace("_", " ").capitalize(), error.params)
        return plain if plain and code in ("max_length", "min_length", "max_value", "min_value") else str(message)
    name = field_name(str(model_field.verbose_name).capitalize())
    if code == "invalid_choice" and "value" in (error.params or {}):
        return message_for(code, name) or str(message)
    if code == "unique":
        return f"{name} is already used: enter a different one"
    if code == "invalid":
        if model_field.get_internal_type() in ("DateField", "DateTimeField"):
            return f"{name} must be a real date"
        return f"Enter {in_sentence(name)} in the right form"
    default = getattr(model_field, "default_error_messages", {}).get(code)
    is_default = code in ("max_length", "min_length", "max_value", "min_value") or str(error.message) == str(default)
    plain = message_for(code, name, error.params) if is_default else None
    return plain or str(message)
