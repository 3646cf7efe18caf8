from django import forms

from casework.cases.models import Case, CaseNote
from casework.core.codes import ServiceType, SocialWorkerChangeReason
from casework.core.forms import GdsForm, VersionedForm, choice_field, date_field
from casework.looked_after.forms import CARE_ENDED_REASONS


class WorkerChoiceField(forms.ModelChoiceField):
    """A worker offered with their team and weighted caseload against the threshold:
    "Sam Jones (Looked-after children) - weighted caseload 18.5 of 20" (``caseloads`` from
    ``cases.selectors.worker_picker``)."""

    caseloads: dict = {}

    def label_from_instance(self, obj):
        row = self.caseloads.get(obj.pk)
        if row is None:
            return str(obj)
        return row.figures.picker_label(str(obj), row.worker.team.name if row.worker.team else "no team")


class AllocatesWorker(GdsForm):
    """A form that allocates a worker: the picker shows each one's caseload, and a worker who would go
    over the caseload threshold is allocated only once the box to allocate anyway is ticked (the view
    shows the warning and the box)."""

    def __init__(self, *args, workers, caseloads, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].caseloads = caseloads
        if show_confirm:
            self.fields["confirm_over_threshold"] = forms.BooleanField(
                label="Allocate anyway, over the caseload threshold", required=False
            )
            self.build_helper()

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_over_threshold"}


class CaseOpenForm(AllocatesWorker):
    submit_label = "Open case"
    service_type = choice_field("Service", ServiceType.choices)
    commissioner = forms.ModelChoiceField(label="Commissioner the work is done for", queryset=None)
    opened_on = date_field("Date opened")
    open_reason = forms.CharField(label="Reason for opening", max_length=200)
    worker = WorkerChoiceField(label="Allocate to (optional)", queryset=None, required=False)

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class AllocateForm(AllocatesWorker):
    submit_label = "Allocate"
    worker = WorkerChoiceField(label="Worker", queryset=None)
    start_date = date_field("Allocated from")
    change_reason = choice_field("Reason for the change (DfE code)", SocialWorkerChangeReason.choices)


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
    reason_ceased = choice_field("Why care ended (when ending care)", CARE_ENDED_REASONS, required=False)

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
