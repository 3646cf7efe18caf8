"""The import page's forms: the files to upload, and the buttons that confirm or reverse an import."""

from crispy_forms_gds.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from casework.core import uploads
from casework.core.forms import GdsForm
from casework.looked_after.forms import collection_year_field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once (Django's documented pattern for a multiple file input)."""

    def __init__(self, *args, size_name: str, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # the importer names an empty file itself
        super().__init__(*args, **kwargs)
        self.size_name = size_name  # the field in the message about size

    def clean(self, data, initial=None):
        if not data:
            # Django's required check lets an empty list through: no file chosen must be refused here
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        single = super().clean
        files = [single(item, initial) for item in data] if isinstance(data, list | tuple) else [single(data, initial)]
        uploads.check_total_size(files, name=self.size_name)  # by the recorded sizes: nothing is read
        return files


class ReturnImportForm(GdsForm):
    submit_label = "Check the files"
    commissioner = forms.ModelChoiceField(label="Local authority the files come from", queryset=None)
    year = collection_year_field("Collection year of the files")
    files = MultipleFileField(
        label="The year's 903 files",
        size_name="The year's 903 files",
        error_messages={"required": "Choose the 903 files for the year"},
        help_text="The zip the authority's commissioners download, or its CSV files (header.csv, episodes.csv, ...)",
    )
    earlier_files = MultipleFileField(
        label="The year before's files (zip or CSV), if you have them",
        size_name="The year before's files",
        required=False,
    )

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class _BatchActionForm(GdsForm):
    """A button that posts to the batch's confirm or reverse address (``action``)."""

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_action = action


class ConfirmImportForm(_BatchActionForm):
    submit_label = "Confirm and import"


class ReverseImportForm(_BatchActionForm):
    """The button on the page that asks "Reverse this import?": red, as it removes records."""

    submit_label = "Reverse this import"

    def build_helper(self) -> None:
        super().build_helper()
        # Submit, not crispy-forms-gds's Button.warning: as a helper input that renders as <input type="">
        self.helper.inputs = [Submit("submit", self.submit_label, css_class="govuk-button--warning")]
