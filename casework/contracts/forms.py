"""Forms a commissioner officer uses to let, change and renew contracts and to choose each contract
year's outcome measures. The services decide what is allowed; the forms only ask."""

from decimal import Decimal

from django import forms

from casework.contracts.models import ContractMeasure, ContractYear, DelegatedFunction
from casework.contracts.rules import EARLIEST_CONTRACT_DATE, LATEST_CONTRACT_DATE
from casework.core.forms import GdsForm, VersionedForm, choice_field, date_field


def _money(label: str, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0"), max_digits=12, decimal_places=2, help_text=help_text
    )


def _contract_date(label: str, required: bool = True, help_text: str = "For example, 27 3 2024"):
    """A contract's dates are between 1990 and 2100 (``contracts/rules.py``)."""
    return date_field(
        label, required=required, help_text=help_text, earliest=EARLIEST_CONTRACT_DATE, latest=LATEST_CONTRACT_DATE
    )


RUNS_UNTIL_ENDED = "Leave blank if it runs until ended"


def _functions_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Functions delegated",
        choices=DelegatedFunction.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the functions the contract delegates"},
    )


class YearTermsForm(GdsForm):
    """A contract year's own terms."""

    price_model = choice_field("Price model", ContractYear.PriceModel.choices)
    price = _money("Price (£)", help_text="For the price model's unit: the year, a case, or a child for a week")
    caseload_cap_per_fte = forms.DecimalField(
        label="Caseload cap per full-time worker",
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        help_text="The most cases a full-time social worker may hold under the contract",
    )


class ContractLetForm(YearTermsForm):
    submit_label = "Let the contract"
    field_order = [
        "practice",
        "reference",
        "title",
        "functions",
        "cohort",
        "start_date",
        "end_date",
        "first_year_end",
        "price_model",
        "price",
        "caseload_cap_per_fte",
    ]
    practice = forms.ModelChoiceField(label="Practice", queryset=None, empty_label="Choose")
    reference = forms.CharField(label="Contract reference", max_length=30)
    title = forms.CharField(label="Title", max_length=200)
    functions = _functions_field()
    cohort = forms.CharField(
        label="Who the contract covers",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In the contract's own words, for example 'Children looked after by the council placed in the north'",
    )
    start_date = _contract_date("Contract starts")
    end_date = _contract_date("Contract ends (optional)", required=False, help_text=RUNS_UNTIL_ENDED)
    first_year_end = _contract_date("First contract year ends", help_text="Usually a year after it starts, less a day")

    def __init__(self, *args, practices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practice"].queryset = practices
        self.order_fields(self.field_order)
        self.build_helper()


class ContractChangeForm(VersionedForm):
    submit_label = "Save changes"
    title = forms.CharField(label="Title", max_length=200)
    functions = _functions_field()
    cohort = forms.CharField(label="Who the contract covers", widget=forms.Textarea(attrs={"rows": 3}))
    end_date = _contract_date("Contract ends (optional)", required=False, help_text=RUNS_UNTIL_ENDED)


class ContractRenewForm(YearTermsForm):
    submit_label = "Renew"
    field_order = ["end_date", "price_model", "price", "caseload_cap_per_fte", "carry_measures"]
    end_date = _contract_date("New contract year ends")
    carry_measures = forms.BooleanField(
        label="Carry over this year's outcome measures, targets and payment terms",
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.build_helper()


def _indicator_choices():
    from casework.outcomes.indicators import INDICATORS

    return [("", "Choose")] + [(i.id, i.title) for i in sorted(INDICATORS.values(), key=lambda i: i.title)]


class MeasureForm(VersionedForm):
    submit_label = "Save measure"
    indicator = forms.ChoiceField(label="Outcome measure", choices=_indicator_choices)
    age_band = forms.ChoiceField(
        label="For which children",
        choices=ContractMeasure.AgeBand.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Age at the end of the period",
    )
    target = forms.DecimalField(
        label="Target",
        max_digits=9,
        decimal_places=2,
        help_text="In the measure's unit: a percentage from 0 to 100, a mean, a number per child or days",
    )
    payment_rule = forms.ChoiceField(
        label="Payment by outcome",
        choices=ContractMeasure.PaymentRule.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    payment_basis = forms.ChoiceField(
        label="Paid",
        choices=[("", "Not paid")] + list(ContractMeasure.PaymentBasis.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    amount_at_stake = _money(
        "Amount at stake (£)", required=False, help_text="For the cohort, or for each child who meets the measure"
    )
    floor = forms.DecimalField(
        label="Floor (sliding scale only)",
        required=False,
        max_digits=9,
        decimal_places=2,
        help_text="Nothing is paid at or beyond the floor; in full at the target",
    )

    def __init__(self, *args, fixed_indicator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_indicator:
            # changing a measure keeps what it measures: choose another measure to measure something else
            for name in ("indicator", "age_band"):
                self.fields[name].disabled = True
            self.build_helper()

    def clean(self):
        data = super().clean()
        rule = data.get("payment_rule")
        if rule:
            if not data.get("payment_basis"):
                self.add_error("payment_basis", "Choose whether payment is for the cohort or per child")
            if data.get("amount_at_stake") is None:
                self.add_error("amount_at_stake", "Enter the amount at stake")
            if rule == ContractMeasure.PaymentRule.SLIDING and data.get("floor") is None:
                self.add_error("floor", "A sliding scale needs a floor, where payment starts")
        return data


class ConfirmForm(GdsForm):
    submit_label = "Remove"


class RecalculateForm(GdsForm):
    """Which settled period of an ended contract year to work out again from today's records."""

    submit_label = "Recalculate"
    quarter = choice_field(
        "Which figures",
        [("0", "The whole year")] + [(str(q), f"The year to the end of quarter {q}") for q in (1, 2, 3, 4)],
    )
