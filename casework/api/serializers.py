"""What the API shows of each record, field names as the models (and the field) use them.

The read serializers are only ever used to show rows (nothing is written through them); their
fields are not marked read-only because DRF then drops ``allow_blank``, and the schema would
wrongly say a blank code (an open case's ``close_reason``) cannot be blank. They take rows
already fetched through ``api/selectors.py`` with everything they show joined or prefetched, so a
page of any size costs the same number of queries.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.api import params
from casework.cases.models import Allocation, Case, CaseNote
from casework.contracts.models import Contract, ContractMeasure, ContractYear, DelegatedFunction
from casework.core import access
from casework.looked_after.models import Episode, LookedAfterChild
from casework.people.models import Person
from casework.registration.models import Registration


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class WorkerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, worker) -> str:
        return f"{worker.given_name} {worker.family_name}"


class AddressSerializer(serializers.Serializer):
    line_1 = serializers.CharField(source="address_line_1")
    line_2 = serializers.CharField(source="address_line_2")
    town = serializers.CharField()
    postcode = serializers.CharField()


# Details another practice may have changed since the person left the reader's practice.
CURRENT_DETAILS = ("nhs_number", "upn")


def _held_elsewhere(context, people) -> set[int]:
    """Which of these people another practice holds now (one query for a whole page)."""
    actor = context["request"].user
    ids = [p.pk for p in people]
    return set(access.held_elsewhere(actor).filter(person_id__in=ids).values_list("person_id", flat=True))


class PersonListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        people = list(data.all() if hasattr(data, "all") else data)
        self.context["held_elsewhere"] = _held_elsewhere(self.context, people)
        return super().to_representation(people)


class PersonSerializer(serializers.ModelSerializer):
    on_our_list = serializers.SerializerMethodField(
        help_text="Registered with your practice now; when not, your practice sees only its own records "
        "about the person and not their address"
    )
    address = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "expected_date_of_birth",
            "sex",
            "ethnicity",
            "nhs_number",
            "upn",
            "date_of_death",
            "on_our_list",
            "address",
            "updated_at",
        ]
        list_serializer_class = PersonListSerializer

    def to_representation(self, person):
        data = super().to_representation(person)
        held = self.context.get("held_elsewhere")
        if held is None:
            held = self.context["held_elsewhere"] = _held_elsewhere(self.context, [person])
        if person.pk in held:
            # as on the person's page: the practice they left sees its own records, not what the
            # practice holding them now has recorded since (their NHS number, pupil number)
            data.update(dict.fromkeys(CURRENT_DETAILS, ""))
        return data

    def get_on_our_list(self, person) -> bool:
        return person.pk in self.context["on_our_list"]

    @extend_schema_field(AddressSerializer(allow_null=True))
    def get_address(self, person):
        # as on the person's page: the address only while the person is on the practice's list
        if person.pk not in self.context["on_our_list"]:
            return None
        return AddressSerializer(person).data


class RegistrationSerializer(serializers.ModelSerializer):
    practice = OrganisationRefSerializer()
    named_worker = WorkerRefSerializer(allow_null=True)
    referred_by = OrganisationRefSerializer(allow_null=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "person",
            "practice",
            "named_worker",
            "household",
            "start_date",
            "route",
            "referred_by",
            "end_date",
            "end_reason",
            "transferred_from",
        ]


class CaseSerializer(serializers.ModelSerializer):
    commissioner = OrganisationRefSerializer()
    status = serializers.SerializerMethodField()
    allocated_worker = serializers.SerializerMethodField(help_text="The worker allocated now; none once closed")

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "commissioner",
            "contract",
            "service_type",
            "status",
            "opened_on",
            "open_reason",
            "closed_on",
            "close_reason",
            "allocated_worker",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=["open", "closed"]))
    def get_status(self, case) -> str:
        return "open" if case.closed_on is None else "closed"

    @extend_schema_field(WorkerRefSerializer(allow_null=True))
    def get_allocated_worker(self, case):
        current = case.current_allocations  # prefetched by the selector
        return WorkerRefSerializer(current[0].worker).data if current else None


class AllocationSerializer(serializers.ModelSerializer):
    worker = WorkerRefSerializer()

    class Meta:
        model = Allocation
        fields = ["id", "case", "worker", "start_date", "end_date", "change_reason"]


class CaseNoteSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = CaseNote
        fields = [
            "id",
            "person",
            "case",
            "author",
            "note_type",
            "occurred_on",
            "summary",
            "text",
            "created_at",
            "updated_at",
        ]

    def get_author(self, note) -> str:
        return note.author.get_full_name() or note.author.username


class TextField(serializers.CharField):
    """Text that a database can store: JSON can carry a lone surrogate (an escaped half of a
    character), which neither database can encode, so it is refused here as bad input."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("The text holds a broken character (a lone surrogate)") from None
        return value


class CaseNoteCreateSerializer(serializers.Serializer):
    """A new case note. ``person`` and ``case`` are ids of records you can see."""

    person = serializers.IntegerField(min_value=1, max_value=params.MAX_ID)
    case = serializers.IntegerField(min_value=1, max_value=params.MAX_ID, required=False, allow_null=True)
    note_type = serializers.ChoiceField(choices=CaseNote.NoteType.choices)
    occurred_on = serializers.DateField()
    summary = TextField(max_length=200)
    text = TextField(max_length=100_000)


class LookedAfterChildSerializer(serializers.ModelSerializer):
    commissioner = OrganisationRefSerializer()

    class Meta:
        model = LookedAfterChild
        fields = [
            "id",
            "person",
            "commissioner",
            "child_id",
            "is_mother",
            "mother_child_dob",
            "uasc",
            "uasc_ceased",
            "upn_unknown_reason",
        ]


class EpisodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Episode
        fields = [
            "id",
            "child",
            "case",
            "start_date",
            "reason_new_episode",
            "legal_status",
            "category_of_need",
            "placement_type",
            "placement_provider",
            "placement_postcode",
            "urn",
            "home_postcode",
            "end_date",
            "reason_ceased",
            "reason_place_change",
            "intended_until_18",
        ]


class ContractMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContractMeasure
        fields = ["id", "indicator", "age_band", "target", "payment_rule", "payment_basis", "amount_at_stake", "floor"]


class ContractYearSerializer(serializers.ModelSerializer):
    measures = ContractMeasureSerializer(many=True)

    class Meta:
        model = ContractYear
        fields = ["id", "start_date", "end_date", "price_model", "price", "caseload_cap_per_fte", "measures"]


class ContractSerializer(serializers.ModelSerializer):
    commissioner = OrganisationRefSerializer()
    practice = OrganisationRefSerializer()
    functions = serializers.ListField(child=serializers.ChoiceField(choices=DelegatedFunction.choices))
    years = ContractYearSerializer(many=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "reference",
            "title",
            "commissioner",
            "practice",
            "functions",
            "cohort",
            "start_date",
            "end_date",
            "years",
        ]


# The contract monitoring report. Built from reporting.ContractReport (dataclasses, not models).


class BenchmarkSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="The England figure, in the indicator's unit")
    year = serializers.IntegerField(help_text="The DfE year it is for (2025 means 2024-25)")


class TrendPointSerializer(serializers.Serializer):
    year = serializers.CharField(help_text="The contract year, e.g. 2024/25")
    value = serializers.FloatField(allow_null=True, help_text="Null with no cohort, or when suppressed")
    suppressed = serializers.BooleanField(help_text="That year's value is withheld ('[c]' on the page)")


class ReportRowSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="The contract measure's id")
    indicator = serializers.CharField(help_text="The indicator's id in the outcome indicator library")
    title = serializers.CharField()
    age_band = serializers.CharField(help_text="Empty for all ages")
    unit = serializers.ChoiceField(choices=["percent", "mean", "per_child", "days", "ratio"])
    direction = serializers.ChoiceField(choices=["higher", "lower", "none"])
    numerator = serializers.FloatField(allow_null=True, help_text="Null when there is none, or when suppressed")
    numerator_suppressed = serializers.BooleanField(
        help_text="Withheld: a count under 5, or a figure one could be worked back from ('[c]' on the page and CSV)"
    )
    denominator = serializers.IntegerField(allow_null=True, help_text="Null when there is none, or when suppressed")
    denominator_suppressed = serializers.BooleanField()
    suppressed = serializers.BooleanField(
        help_text="The value, interval, status and payment workings are withheld: they would give a count under 5"
    )
    value = serializers.FloatField(allow_null=True)
    interval_low = serializers.FloatField(allow_null=True, help_text="95% Wilson interval, in percent")
    interval_high = serializers.FloatField(allow_null=True)
    target = serializers.DecimalField(max_digits=9, decimal_places=2)
    rag = serializers.ChoiceField(
        choices=["green", "amber", "red", "grey"], allow_null=True, help_text="Null when suppressed"
    )
    benchmark = BenchmarkSerializer(allow_null=True)
    earned = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="Payment earned, in pounds")
    workings = serializers.CharField(help_text="How the payment was worked out, in words")
    trend = TrendPointSerializer(many=True, help_text="The value in each contract year so far")


class ReportYearSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class ContractReportSerializer(serializers.Serializer):
    contract = serializers.IntegerField()
    year = ReportYearSerializer()
    quarter = serializers.IntegerField(allow_null=True, min_value=1, max_value=4)
    period_end = serializers.DateField()
    children = serializers.IntegerField(allow_null=True, help_text="Children under the contract in the period")
    children_suppressed = serializers.BooleanField()
    total_earned = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_at_stake = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Null when an amount at stake is suppressed"
    )
    total_at_stake_suppressed = serializers.BooleanField()
    rows = ReportRowSerializer(many=True)
