"""Forms for recording about looked-after children. Each offers the DfE's own codes from
``looked_after/codes.py``; which code is valid on which date is the service's check, so a code that
ended (H5, P2, Z1) or starts later (K3, Z11-Z14) is refused with a message against the field."""

from django import forms

from casework.core import identifiers
from casework.core.forms import GdsForm, VersionedForm, choice_field, date_field
from casework.core.validators import validate_urn
from casework.looked_after import codes
from casework.looked_after.models import HealthCheck

YES_NO = [("yes", "Yes"), ("no", "No")]


def code_field(label: str, code_list: codes.CodeList, required: bool = True) -> forms.ChoiceField:
    return choice_field(label, code_list.choices(), required=required)


def collection_year_field(label: str = "Collection year") -> forms.TypedChoiceField:
    """A 903 collection year, the latest first, shown as 2025/26."""
    return forms.TypedChoiceField(
        label=label, coerce=int, choices=[(str(y), codes.year_label(y)) for y in reversed(codes.SUPPORTED_YEARS)]
    )


class YesNoField(forms.TypedChoiceField):
    """A yes/no question as GOV.UK radios; blank (when optional) is None, never False."""

    def __init__(self, label: str, required: bool = True):
        super().__init__(
            label=label,
            choices=YES_NO if required else [("", "Not known"), *YES_NO],
            coerce=lambda v: v == "yes",
            empty_value=None,
            required=required,
            widget=forms.RadioSelect,
        )


def postcode_field(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=8, required=required)


class LookedAfterChildForm(GdsForm):
    submit_label = "Start the looked-after record"
    commissioner = forms.ModelChoiceField(label="Local authority the child is looked after by", queryset=None)
    child_id = forms.CharField(label="The authority's child identifier (903 CHILD)", max_length=10)

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class PlacementFields(GdsForm):
    placement_type = code_field("Placement type", codes.PLACEMENT_TYPE)
    placement_provider = code_field("Placement provider", codes.PLACEMENT_PROVIDER, required=False)
    placement_postcode = postcode_field("Placement postcode", required=False)
    urn = forms.CharField(
        label="Ofsted URN of the placement",
        max_length=10,
        required=False,
        help_text="SC and 6 digits, or 6 or 7 digits; XXXXXXX for a regional adoption agency",
    )
    intended_until_18 = YesNoField("Is the placement meant to last until the child is 18?")

    def clean_urn(self):
        value = identifiers.normalise_urn(self.cleaned_data["urn"])
        if value:
            validate_urn(value)
        return value


class CareStartForm(PlacementFields):
    submit_label = "Start the period of care"
    field_order = ["start_date", "legal_status", "category_of_need", "home_postcode"]
    start_date = date_field("Date the child started to be looked after")
    legal_status = code_field("Legal status", codes.LEGAL_STATUS)
    category_of_need = code_field("Category of need", codes.CATEGORY_OF_NEED)
    home_postcode = postcode_field("Home postcode (where the child lived before)", required=False)
    previous_permanence = code_field("Permanence before this period of care", codes.PREVIOUS_PERMANENCE)
    permanence_arranged_by = forms.CharField(
        label="Authority that arranged it (3-digit number)", max_length=3, required=False
    )
    permanence_order_date = forms.CharField(
        label="Date of that order", help_text="DD/MM/YYYY, with ZZ for a day or month not known", required=False
    )
    is_mother = YesNoField("For a girl: is she a mother?", required=False)


class EpisodeChangeForm(PlacementFields):
    submit_label = "Record the change"
    field_order = ["change_date", "legal_status", "same_carers"]
    change_date = date_field("Date of the change")
    legal_status = code_field("Legal status from that date", codes.LEGAL_STATUS)
    same_carers = YesNoField("Is the child staying with the same carers?")
    reason_place_change = code_field("Reason for the change of placement", codes.REASON_PLACE_CHANGE, required=False)


# why a period of care ends: every REC code but X1 (an episode ending for the next one)
CARE_ENDED_REASONS = [c for c in codes.REASON_EPISODE_CEASED.choices() if not c[0].startswith("X1")]


class CareEndForm(GdsForm):
    submit_label = "Record that care ended"
    end_date = date_field("Date the child stopped being looked after")
    reason_ceased = choice_field("Why care ended", CARE_ENDED_REASONS)


class ReviewForm(GdsForm):
    submit_label = "Save the review"
    review_date = date_field("Date of the review")
    participation = code_field("How the child took part", codes.REVIEW_PARTICIPATION)


class VisitForm(GdsForm):
    submit_label = "Save the visit"
    visit_date = date_field("Date of the visit")
    child_seen = YesNoField("Was the child seen?")
    seen_alone = YesNoField("Was the child seen alone?")


class HealthCheckForm(GdsForm):
    submit_label = "Save"
    kind = choice_field("What was done", HealthCheck.Kind.choices)
    check_date = date_field("Date")


class StrengthsDifficultiesForm(GdsForm):
    submit_label = "Save the SDQ"
    assessed_on = date_field("Date of the questionnaire")
    score = forms.IntegerField(label="Total difficulties score (0 to 40)", required=False, min_value=0, max_value=40)
    reason_not_done = code_field("Or: why there is no score", codes.SDQ_REASON, required=False)


class SubstanceMisuseForm(GdsForm):
    submit_label = "Save"
    identified_on = date_field("Date the substance misuse problem was identified")
    intervention_received = YesNoField("Did the child receive an intervention?")
    intervention_offered_refused = YesNoField("Was an intervention offered and refused?")


class ConvictionForm(GdsForm):
    submit_label = "Save"
    convicted_on = date_field("Date of the conviction, final warning or youth caution")


class MissingForm(GdsForm):
    """Missing now: leave the return blank and record it later. Back already: give the return."""

    submit_label = "Save"
    kind = code_field("Missing or away", codes.MISSING_TYPE)
    start_date = date_field("Date the child went missing or away")
    end_date = date_field("Date the child came back (leave blank if the child is still missing)", required=False)
    return_interview_offered = YesNoField("If the child is back: was a return interview offered?", required=False)
    return_interview_accepted = YesNoField("Was the return interview accepted?", required=False)


class MissingReturnForm(GdsForm):
    submit_label = "Record the return"
    end_date = date_field("Date the child came back")
    return_interview_offered = YesNoField("Was a return interview offered?")
    return_interview_accepted = YesNoField("Was the return interview accepted?", required=False)


class UascForm(VersionedForm):
    submit_label = "Save"
    uasc = YesNoField("Is the child an unaccompanied asylum-seeking child?")
    uasc_ceased = date_field("Date UASC status ceased (if it has)", required=False)


class MotherForm(VersionedForm):
    submit_label = "Save"
    is_mother = YesNoField("Is she a mother?")
    mother_child_dob = date_field("Date of birth of her first child", required=False)


class AdoptionDecisionForm(GdsForm):
    submit_label = "Save the decision"
    decided_on = date_field("Date of the decision that the child should be placed for adoption")


class AdoptionDecisionCeasedForm(GdsForm):
    submit_label = "Save"
    ceased_on = date_field("Date the decision ceased")
    ceased_reason = code_field("Why", codes.PLACED_FOR_ADOPTION_CEASED)


class AdoptionForm(GdsForm):
    submit_label = "Save the adoption details"
    matched_on = date_field("Date the child was matched with the adopters")
    by_foster_carers = YesNoField("Are the adopters the child's foster carers?")
    number_of_adopters = forms.TypedChoiceField(
        label="Number of adopters", choices=[("1", "1"), ("2", "2")], coerce=int, widget=forms.RadioSelect
    )
    adopter_sex = code_field("Adopters", codes.ADOPTER_SEX)
    adopter_legal_status = code_field("Adopters' legal status", codes.ADOPTER_LEGAL_STATUS)


class CareLeaverContactForm(GdsForm):
    submit_label = "Save"
    birthday_age = forms.TypedChoiceField(
        label="Which birthday", choices=[(str(a), f"{a}th") for a in range(17, 22)], coerce=int
    )
    contacted_on = date_field("Date of contact")
    in_touch = code_field("In touch", codes.CARE_LEAVER_IN_TOUCH)
    activity = code_field("Main activity", codes.CARE_LEAVER_ACTIVITY, required=False)
    accommodation = code_field("Accommodation", codes.CARE_LEAVER_ACCOMMODATION, required=False)
    accommodation_suitable = YesNoField("Is the accommodation suitable?", required=False)


class DeprivationOfLibertyForm(GdsForm):
    submit_label = "Save"
    start_date = date_field("Date the order started")
    end_date = date_field("Date the order ended (leave blank if in force)", required=False)


class DeprivationOfLibertyEndForm(GdsForm):
    submit_label = "Save"
    end_date = date_field("Date the order ended")


class ReturnCheckForm(GdsForm):
    submit_label = "Check the return"
    commissioner = forms.ModelChoiceField(label="Local authority", queryset=None)
    year = collection_year_field()

    def __init__(self, *args, commissioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners


class ReturnDownloadForm(GdsForm):
    submit_label = "Make the return (zip)"
    year = collection_year_field()
