from django import forms
from django.utils import timezone

from casework.core import identifiers
from casework.core.codes import Ethnicity, Sex
from casework.core.forms import GdsForm, VersionedForm, choice_field, date_field
from casework.core.validators import validate_nhs_number, validate_postcode, validate_upn
from casework.people import rules
from casework.people.models import Relationship


class PersonSearchForm(GdsForm):
    submit_label = "Search"
    form_method = "get"
    name = forms.CharField(label="Name", required=False, max_length=200)
    date_of_birth = date_field("Date of birth", required=False)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=14)
    upn = forms.CharField(label="Unique pupil number", required=False, max_length=13)

    def clean_nhs_number(self):
        value = identifiers.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in ("name", "date_of_birth", "nhs_number", "upn")):
            raise forms.ValidationError("Enter a name, date of birth, NHS number or unique pupil number to search")
        return data


class PersonForm(GdsForm):
    given_name = forms.CharField(label="Given name", max_length=100)
    family_name = forms.CharField(label="Family name", max_length=100)
    preferred_name = forms.CharField(label="Preferred name (optional)", max_length=100, required=False)
    date_of_birth = date_field("Date of birth", required=False, help_text="Leave blank for an unborn child")
    expected_date_of_birth = date_field("Expected date of birth (unborn child only)", required=False)
    sex = choice_field("Sex", Sex.choices)
    ethnicity = choice_field("Ethnicity", Ethnicity.choices)
    nhs_number = forms.CharField(label="NHS number (optional)", max_length=14, required=False)
    upn = forms.CharField(
        label="Unique pupil number (optional)",
        max_length=13,
        required=False,
        help_text="Or UN1 to UN5 when it is not known",
    )
    address_line_1 = forms.CharField(label="Address line 1 (optional)", max_length=200, required=False)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", max_length=200, required=False)
    town = forms.CharField(label="Town or city (optional)", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    date_of_death = date_field("Date of death (if they have died)", required=False, help_text="")
    confirm_not_duplicate = forms.BooleanField(
        label="I have checked these records and this is a different person", required=False
    )

    def __init__(self, *args, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_confirm:
            del self.fields["confirm_not_duplicate"]
            self.build_helper()

    def clean_nhs_number(self):
        value = identifiers.normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean_upn(self):
        value = self.cleaned_data["upn"].strip().upper()
        if value:
            validate_upn(value)
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        if value:
            value = identifiers.normalise_postcode(value)
            validate_postcode(value)
        return value

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        problem = rules.date_of_birth_problem(value, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self):
        data = super().clean()
        if data.get("date_of_birth") and data.get("expected_date_of_birth"):
            self.add_error("expected_date_of_birth", "Give a date of birth or an expected date, not both")
        return data

    def person_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("confirm_not_duplicate", "version")}


class PersonEditForm(VersionedForm, PersonForm):
    pass


class PersonInHouseholdForm(PersonForm):
    """A new person who lives in a household: their details and since when they have lived there."""

    submit_label = "Add to the household"
    joined_on = date_field("Living in the household since")

    def person_fields(self) -> dict:
        return {k: v for k, v in super().person_fields().items() if k != "joined_on"}


class PersonChoiceField(forms.ModelChoiceField):
    """One person picked from those shown (radios), never an id typed: the field's choices are the
    people offered; the queryset, everyone the user may see, is what a choice is checked against."""

    widget = forms.RadioSelect

    def __init__(self, label: str, **kwargs):
        super().__init__(queryset=None, label=label, empty_label=None, **kwargs)

    def label_from_instance(self, person):
        born = f"born {person.date_of_birth:%-d %b %Y}" if person.date_of_birth else "date of birth not known"
        return f"{person.full_name} ({born})"

    def offer(self, people, queryset) -> None:
        self.queryset = queryset
        self.choices = [(p.pk, self.label_from_instance(p)) for p in people]


class RelationshipForm(GdsForm):
    submit_label = "Save the relationship"
    related_person = PersonChoiceField(
        "Who is the other person?",
        error_messages={"required": "Choose the other person", "invalid_choice": "Choose the other person"},
    )
    relationship_type = choice_field("Relationship", Relationship.Type.choices)

    def __init__(self, *args, person, candidates, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_person"].offer(candidates, people)
        self.fields["relationship_type"].label = f"What is {person.full_name} to the other person?"


class HouseholdMemberForm(GdsForm):
    submit_label = "Add to the household"
    person = PersonChoiceField(
        "Who is joining the household?",
        error_messages={"required": "Choose the person to add", "invalid_choice": "Choose the person to add"},
    )
    joined_on = date_field("Living in the household since")

    def __init__(self, *args, candidates, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].offer(candidates, people)


class HouseholdForm(GdsForm):
    name = forms.CharField(label="Name of the household", max_length=200, help_text="For example, the Okafor family")
    members = forms.ModelMultipleChoiceField(
        label="Members",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="This person and the relatives recorded on their page",
    )
    joined_on = date_field("Living together since")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = people


class _NamedUsersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} ({user.get_role_display()})"


def _named_users_field():
    return _NamedUsersField(
        label="Who may see the record",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only the people you tick see anything beyond the name. Restricting the record does not "
        "let you see it: tick yourself if you need to.",
    )


class NamesUsers(GdsForm):
    """A form that names who may see a restricted record. Once the page has warned that a worker
    allocated now is left out, it carries the box to go ahead anyway (``show_confirm``)."""

    confirm_label = "Go ahead anyway: the allocated worker will see only the name"

    def __init__(self, *args, users, show_confirm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_users"].queryset = users
        if show_confirm:
            self.fields["confirm_unnamed"] = forms.BooleanField(label=self.confirm_label, required=False)
            self.build_helper()


class RestrictForm(NamesUsers):
    submit_label = "Restrict the record"
    confirm_label = "Restrict the record anyway: the allocated worker will see only the name"
    reason = forms.CharField(
        label="Why is this record restricted?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the person is a relative of a member of staff. Only practice managers see this.",
        error_messages={"required": "Enter why the record is restricted"},
    )
    named_users = _named_users_field()


class NamedUsersForm(NamesUsers):
    submit_label = "Save who may see the record"
    named_users = _named_users_field()


class LiftRestrictionForm(GdsForm):
    submit_label = "Lift the restriction"
    reason = forms.CharField(
        label="Why is the restriction being lifted?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Everyone in the practice who works with this person will see the whole record again.",
        error_messages={"required": "Enter why the restriction is being lifted"},
    )
