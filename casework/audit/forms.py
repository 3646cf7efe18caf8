"""The audit log page's filters (a GET form)."""

from django import forms

from casework.audit import selectors
from casework.core.forms import GdsDateField, GdsForm, choice_field

CASEWORK_ID_MESSAGE = "Enter a Casework ID as a number, for example 1234"


class LogDateField(GdsDateField):
    """The project's GOV.UK date input (``core.forms.GdsDateField``), optional: its messages name the
    field ("Date to must be a real date"), and a date half typed in is an error rather than no date."""

    def __init__(self, label: str):
        super().__init__(label=label, required=False, help_text="For example, 27 3 2026")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return selectors.user_label(obj)


class AuditLogFilterForm(GdsForm):
    submit_label = "Show entries"
    form_method = "get"
    kind = choice_field(
        "Kind of event",
        [(code, label) for code, (label, _) in selectors.KINDS.items()],
        required=False,
        blank_label="All",
    )
    user = UserChoiceField(
        label="User",
        queryset=None,
        required=False,
        empty_label="Anyone",
        help_text="What they did, and failed sign-ins to their account",
        error_messages={"invalid_choice": "Choose a user of your organisation from the list"},
    )
    date_from = LogDateField("Date from")
    date_to = LogDateField("Date to")
    person_id = forms.IntegerField(
        label="Casework ID of a person (optional)",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        # a text box for a number, as the GOV.UK Design System asks (no spinner, no rounding)
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}),
        error_messages={
            "invalid": CASEWORK_ID_MESSAGE,
            "min_value": CASEWORK_ID_MESSAGE,
            "max_value": CASEWORK_ID_MESSAGE,
        },
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return data
