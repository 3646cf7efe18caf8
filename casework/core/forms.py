"""Form plumbing shared by every page: GOV.UK rendering and service errors on the form."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError


class GdsForm(forms.Form):
    submit_label = "Save"
    form_method = "post"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


def date_field(label: str, required: bool = True, help_text: str = "For example, 27 3 2024") -> DateInputField:
    return DateInputField(label=label, required=required, help_text=help_text)


def choice_field(label: str, choices, required: bool = True, blank_label: str = "Choose") -> forms.ChoiceField:
    options = list(choices)
    if not required or len(options) > 6:
        options = [("", blank_label)] + options
    widget = forms.RadioSelect if len(options) <= 6 and required else forms.Select
    return forms.ChoiceField(label=label, choices=options, required=required, widget=widget)
