"""Form plumbing shared by every page: GOV.UK rendering and service errors on the form."""

import re
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from casework.core.error_messages import field_name, in_sentence, plain_field_messages, subject

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


class GdsForm(forms.Form):
    submit_label = "Save"
    form_method = "post"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_field_messages(field)
        self.build_helper()

    def build_helper(self) -> None:
        """(Re)build the GOV.UK layout from the form's current fields."""
        self.helper = FormHelper(self)
        self.helper.form_method = self.form_method
        self.helper.add_input(Submit("submit", self.submit_label))

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names, or at the top of the form."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        else:
            for message in error.messages:
                self.add_error(None, message)


class VersionedForm(GdsForm):
    """A form that edits an existing record: it carries the record's version from when the page was
    opened, so the service can refuse a save that would overwrite someone else's (core/concurrency.py)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class GdsDateField(DateInputField):
    """The GOV.UK date input (day, month, year boxes) with the Design System's messages, naming the
    field: "Enter the date of birth", "Date of birth must include a month", "Date of birth must be a
    real date" (never Python's "day is out of range for month"). A date half typed in is an error,
    even when the date is optional; the message sits on the first box to correct.

    Each box takes ASCII digits only (spaces round them forgiven): a day or month of 1 or 2, a year of
    exactly 4. Anything else (20 digits, "-1", "1e5", "１２", a NUL byte) is refused in words before any
    arithmetic, so no answer raises. A date outside ``earliest``..``latest`` (1900 to 2999 unless the
    field says) is refused too, so the services' date arithmetic never meets year 1 or 9999."""

    PARTS = ("day", "month", "year")
    DAY_OR_MONTH, YEAR = re.compile(r"[0-9]{1,2}"), re.compile(r"[0-9]{4}")

    def __init__(self, *args, earliest: date = EARLIEST, latest: date = LATEST, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(*args, **kwargs)

    def clean(self, value):
        for subfield in self.fields:
            subfield.widget.errors = []
        parts = [str(v).strip() if v is not None else "" for v in (list(value or []) + ["", "", ""])[:3]]
        label = field_name(self.label)
        name = subject(label)
        if not any(parts):
            if self.required:
                what = in_sentence(label) if "date" in label.lower() else f'a date for "{label}"'
                raise ValidationError(f"Enter {what}", code="required")
            return None
        missing = [part for part, text in zip(self.PARTS, parts, strict=True) if not text]
        if missing:
            words = " and ".join(missing) if len(missing) < 3 else "day, month and year"
            self._fail(self.PARTS.index(missing[0]), f"{name} must include a {words}", "incomplete")
        numbers = [text.isascii() and text.isdigit() for text in parts]
        if not all(numbers):
            self._fail(numbers.index(False), f"{name} must be a real date")
        if not self.YEAR.fullmatch(parts[2]):
            self._fail(2, f"{name} must include a year with 4 numbers, for example 2024")
        wrong = [i for i in (0, 1) if not self.DAY_OR_MONTH.fullmatch(parts[i])]
        if wrong:
            self._fail(wrong[0], f"{name} must be a real date")
        if not 1 <= int(parts[1]) <= 12:
            self._fail(1, f"{name} must be a real date")  # month 13: the month box is the one to correct
        try:
            out = date(day=int(parts[0]), month=int(parts[1]), year=int(parts[2]))
        except (ValueError, OverflowError):
            self._fail(0, f"{name} must be a real date")
        if not self.earliest <= out <= self.latest:
            self._fail(2, f"{name} must be {self.range_words()}")
        self.validate(out)
        self.run_validators(out)
        return out

    def range_words(self) -> str:
        """The range in words: "between 1900 and 2999" (whole years), or between the exact dates."""
        if (self.earliest.month, self.earliest.day, self.latest.month, self.latest.day) == (1, 1, 12, 31):
            return f"between {self.earliest.year} and {self.latest.year}"
        return f"between {self.earliest:%-d %B %Y} and {self.latest:%-d %B %Y}"

    def _fail(self, index: int, message: str, code: str = "invalid"):
        # on the box to correct, so the error summary links to it
        self.fields[index].widget.errors = [message]
        raise ValidationError(message, code=code)


def date_field(
    label: str,
    required: bool = True,
    help_text: str = "For example, 27 3 2024",
    *,
    earliest: date = EARLIEST,
    latest: date = LATEST,
) -> GdsDateField:
    return GdsDateField(label=label, required=required, help_text=help_text, earliest=earliest, latest=latest)


def choice_field(label: str, choices, required: bool = True, blank_label: str = "Choose") -> forms.ChoiceField:
    options = list(choices)
    if not required or len(options) > 6:
        options = [("", blank_label)] + options
    widget = forms.RadioSelect if len(options) <= 6 and required else forms.Select
    return forms.ChoiceField(label=label, choices=options, required=required, widget=widget)
