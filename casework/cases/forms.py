from django import forms

from casework.cases.models import Case, CaseNote
from casework.core.codes import ServiceType, SocialWorkerChangeReason
from casework.core.forms import GdsForm, VersionedForm, choice_field, date_field
from casework.looked_after.forms import CARE_ENDED_REASONS


class CaseOpenForm(GdsForm):
    submit_label = "Open case"
    service_type = choice_field("Service", ServiceType.choices)
    commissioner = forms.ModelChoiceField(label="Commissioner the work is done for", queryset=None)
    opened_on = date_field("Date opened")
    open_reason = forms.CharField(label="Reason for opening", max_length=200)
    worker = forms.ModelChoiceField(label="Allocate to (optional)", queryset=None, required=False)

    def __init__(self, *args, workers, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["commissioner"].queryset = commissioners


class AllocateForm(GdsForm):
    submit_label = "Allocate"
    worker = forms.ModelChoiceField(label="Worker", queryset=None)
    start_date = date_field("Allocated from")
    change_reason = choice_field("Reason for the change (DfE code)", SocialWorkerChangeReason.choices)

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class CloseCaseForm(GdsForm):
    submit_label = "Close case"
    closed_on = date_field("Date closed")
    close_reason = choice_field("Reason", Case.CloseReason.choices)


class CloseLookedAfterCaseForm(CloseCaseForm):
    """For a child who is looked after now: the case closes only with the period of care, in one action."""

    end_care = forms.BooleanField(
        label="End care and close the case",
        required=False,
        help_text="The period of care ends on the date the case closes",
    )
    reason_ceased = choice_field("Why care ended", CARE_ENDED_REASONS, required=False)

    def clean(self):
        data = super().clean()
        if data.get("end_care") and not data.get("reason_ceased"):
            self.add_error("reason_ceased", "Choose why care ended")
        return data


class KeepsDraft:
    """The browser keeps what is typed in this tab until the form is sent (frontend/init.js)."""

    def build_helper(self) -> None:
        super().build_helper()
        self.helper.attrs["data-cw-keep-draft"] = ""


class CaseNoteForm(KeepsDraft, GdsForm):
    submit_label = "Save note"
    note_type = choice_field("Type of note", CaseNote.NoteType.choices)
    occurred_on = date_field("Date it happened")
    case = forms.ModelChoiceField(label="Case (optional)", queryset=None, required=False)
    summary = forms.CharField(label="Summary", max_length=200)
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases


class CaseNoteEditForm(KeepsDraft, VersionedForm):
    summary = forms.CharField(label="Summary", max_length=200)
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 8}))
