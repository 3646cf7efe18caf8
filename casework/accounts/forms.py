from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm

from casework.core.error_messages import plain_field_messages
from casework.core.forms import GdsForm


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            plain_field_messages(field)  # "Enter the username", not "This field is required."
        self.helper = FormHelper(self)
        self.helper.add_input(Submit("submit", "Sign in"))


class AuthenticatorCodeForm(GdsForm):
    """The 6-digit code an authenticator app shows (set-up and sign-in)."""

    submit_label = "Continue"
    code = forms.RegexField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now, for example 123456",
        regex=r"^\s*\d{3}[\s-]?\d{3}\s*$",
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "invalid": "Enter the code as 6 digits, for example 123456",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "autofocus": True}
        ),
    )

    def build_helper(self) -> None:
        super().build_helper()
        self.helper.layout = Layout(Field.text("code", field_width=Fixed.TEN))


class RecoveryCodeForm(GdsForm):
    submit_label = "Continue"
    code = forms.RegexField(
        label="Recovery code",
        help_text="One of the recovery codes you were given when you set up your authenticator app",
        regex=r"^\s*[A-Za-z2-7]{4}[\s-]?[A-Za-z2-7]{4}\s*$",
        error_messages={
            "required": "Enter a recovery code",
            "invalid": "Enter the recovery code as 8 letters and numbers, as it was given to you",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autofocus": True}),
    )

    def build_helper(self) -> None:
        super().build_helper()
        self.helper.layout = Layout(Field.text("code", field_width=Fixed.TEN))
