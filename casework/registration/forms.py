from django import forms

from casework.core.forms import GdsForm, choice_field, date_field
from casework.registration.models import Registration


class RegisterForm(GdsForm):
    submit_label = "Register"
    start_date = date_field("Registration date")
    route = choice_field(
        "How did they come to the practice?",
        [c for c in Registration.Route.choices if c[0] != Registration.Route.TRANSFER_IN],
    )
    referred_by = forms.ModelChoiceField(label="Referring commissioner (for referrals)", queryset=None, required=False)
    named_worker = forms.ModelChoiceField(label="Named worker", queryset=None, required=False)

    def __init__(self, *args, workers, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_worker"].queryset = workers
        self.fields["referred_by"].queryset = commissioners


class EndRegistrationForm(GdsForm):
    submit_label = "End registration"
    end_date = date_field("Date the registration ended")
    end_reason = choice_field(
        "Why did it end?", [c for c in Registration.EndReason.choices if c[0] != Registration.EndReason.TRANSFERRED]
    )


class TransferForm(GdsForm):
    submit_label = "Transfer"
    to_practice = forms.ModelChoiceField(label="Practice to transfer to", queryset=None)
    transfer_date = date_field("Date of transfer")

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_practice"].queryset = practices


class NamedWorkerForm(GdsForm):
    named_worker = forms.ModelChoiceField(label="Named worker", queryset=None)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_worker"].queryset = workers
