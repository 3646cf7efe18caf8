"""Contracts between a commissioner and a practice: what is delegated, for whom, on what terms.

A contract runs in contract years, each with its own terms (price model, price, caseload cap) and
its own selection of outcome measures, so a renewal changes the terms without rewriting the past.
Every case names the contract it is under (``cases.Case.contract``). Field history is kept by
django-simple-history, so a contract's change history is its history table.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from casework.core.codes import ServiceType


class DelegatedFunction(models.TextChoices):
    """What the authority delegates; each function is the work done under one service type."""

    LOOKED_AFTER_CASE_HOLDING = ServiceType.LOOKED_AFTER_CHILD, "Case holding for looked-after children"
    CARE_LEAVERS = ServiceType.CARE_LEAVER, "Case holding for care leavers"
    CHILDREN_IN_NEED = ServiceType.CHILD_IN_NEED, "Case holding for children in need"
    ADULT_ACCESS = ServiceType.ADULT_ACCESS, "Adults: access (assessment and review)"
    ADULT_COMPLEX = ServiceType.ADULT_COMPLEX, "Adults: complex case management"
    SAFEGUARDING_ENQUIRIES = (
        ServiceType.SAFEGUARDING_ENQUIRY,
        "Adults: safeguarding enquiries carried out for the authority, which keeps the duty",
    )
    CONTINUING_HEALTHCARE = ServiceType.CONTINUING_HEALTHCARE, "NHS continuing healthcare"
    DOLS_COP = ServiceType.DOLS_COP, "Deprivation of Liberty Safeguards and Court of Protection"


class Contract(models.Model):
    reference = models.CharField(max_length=30, unique=True, help_text="The commissioner's contract reference")
    title = models.CharField(max_length=200)
    commissioner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="contracts_let"
    )
    practice = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="contracts_held")
    functions = models.JSONField(help_text="The delegated functions (DelegatedFunction values)")
    cohort = models.TextField(help_text="Who the contract covers, in the contract's own words")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    # optimistic locking: the version a form was opened at must still be current when it saves
    # (core/concurrency.py), so a second editor never silently overwrites the first
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                name="contract_dates_in_order", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def function_labels(self) -> list[str]:
        return [DelegatedFunction(f).label for f in self.functions if f in DelegatedFunction.values]


class ContractYear(models.Model):
    class PriceModel(models.TextChoices):
        BLOCK = "block", "Block sum for the year"
        PER_CASE = "per_case", "Per case"
        PER_CHILD_WEEK = "per_child_week", "Per child per week"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="years")
    start_date = models.DateField()
    end_date = models.DateField()
    price_model = models.CharField(max_length=20, choices=PriceModel.choices)
    price = models.DecimalField(max_digits=12, decimal_places=2, help_text="Pounds, for the price model's unit")
    caseload_cap_per_fte = models.DecimalField(max_digits=5, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "start_date"], name="one_contract_year_per_start"),
            models.CheckConstraint(name="contract_year_dates_in_order", condition=Q(end_date__gt=F("start_date"))),
            models.CheckConstraint(name="contract_price_not_negative", condition=Q(price__gte=0)),
            models.CheckConstraint(name="caseload_cap_positive", condition=Q(caseload_cap_per_fte__gt=0)),
        ]

    def __str__(self):
        return f"{self.contract.reference} {self.start_date:%Y}/{self.end_date:%y}"


class ContractMeasure(models.Model):
    """An outcome measure the contract year selects (an indicator id from ``outcomes/``), its target
    and, optionally, what payment depends on it."""

    class PaymentRule(models.TextChoices):
        NONE = "", "No payment attached"
        THRESHOLD = "threshold", "All of the amount when the target is met"
        SLIDING = "sliding", "In proportion between the floor and the target"

    class PaymentBasis(models.TextChoices):
        COHORT = "cohort", "For the cohort"
        PER_CHILD = "per_child", "Per child who meets the measure"

    class AgeBand(models.TextChoices):
        """A measure may be set for one age group (age at the end of the period), as the pilots'
        outcome frameworks did: the same indicator with its own target for under-5s and teenagers."""

        ALL = "", "All ages"
        UNDER_5 = "0-4", "Under 5"
        AGED_5_TO_10 = "5-10", "5 to 10"
        AGED_11_TO_15 = "11-15", "11 to 15"
        AGED_16_PLUS = "16+", "16 and over"

    contract_year = models.ForeignKey(ContractYear, on_delete=models.CASCADE, related_name="measures")
    indicator = models.CharField(max_length=60)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, blank=True)
    target = models.DecimalField(max_digits=9, decimal_places=2)
    payment_rule = models.CharField(max_length=10, choices=PaymentRule.choices, blank=True)
    payment_basis = models.CharField(max_length=10, choices=PaymentBasis.choices, blank=True)
    amount_at_stake = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    floor = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, help_text="Sliding scale: no payment at or below this"
    )
    # optimistic locking: the version a form was opened at must still be current when it saves
    # (core/concurrency.py), so a second editor never silently overwrites the first
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_year", "indicator", "age_band"], name="one_measure_per_indicator_and_age"
            ),
            models.CheckConstraint(
                name="payment_terms_complete",
                condition=Q(payment_rule="", amount_at_stake__isnull=True)
                | (~Q(payment_rule="") & Q(amount_at_stake__gte=0) & ~Q(payment_basis="")),
            ),
            models.CheckConstraint(
                name="sliding_scale_has_floor",
                condition=~Q(payment_rule="sliding") | Q(floor__isnull=False),
            ),
        ]


AGE_BAND_LIMITS = {"0-4": (0, 4), "5-10": (5, 10), "11-15": (11, 15), "16+": (16, 200)}


class ContractYearResult(models.Model):
    """A contract year's report figures as computed (``contracts/reporting.py``): each measure's
    counts, value, interval, status and payment, before any figure is withheld (the small-count rule
    is applied on every read, in ``reporting._withhold`` only), with the terms of each measure as they
    were and the data version they came from.

    A year that has ended is settled: its figures are stored the first time they are needed after
    its end and never recomputed silently; a recalculation is an explicit, audited action that adds a
    new row (``recalculates`` the one before) and keeps the earlier one. A year still running keeps
    one row per period (``settled`` false), replaced whenever the data version has moved on: the
    cache of this year's figures."""

    contract_year = models.ForeignKey(ContractYear, on_delete=models.PROTECT, related_name="results")
    # 0 for the whole year, else the year to the end of that quarter
    quarter = models.PositiveSmallIntegerField(default=0)
    settled = models.BooleanField()
    period_end = models.DateField()
    children = models.PositiveIntegerField()
    rows = models.JSONField(help_text="Each measure's terms and figures, as reporting.stored_rows writes them")
    data_version = models.CharField(max_length=400)
    data_as_at = models.DateTimeField(null=True, blank=True, help_text="The latest change to the data read")
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recalculates = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="recalculated_by"
    )
    # titles of the measures whose figures differ from the result recalculated
    changed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["contract_year", "quarter", "computed_at"]
        constraints = [
            models.CheckConstraint(name="result_quarter_0_to_4", condition=Q(quarter__lte=4)),
            # two first views at once settle a year once; the second reads the first's figures
            models.UniqueConstraint(
                fields=["contract_year", "quarter"],
                condition=Q(settled=True, recalculates__isnull=True),
                name="one_first_settlement_per_period",
            ),
            models.UniqueConstraint(
                fields=["contract_year", "quarter"], condition=Q(settled=False), name="one_cached_result_per_period"
            ),
            models.UniqueConstraint(
                fields=["recalculates"], condition=Q(recalculates__isnull=False), name="one_recalculation_each"
            ),
        ]


class ChildOutcomeStatuses(models.Model):
    """A looked-after child's status on each per-child measure, as their page last worked them out
    (``contracts/child_facts.py``), under ``key``: a digest of everything they are worked out from
    (the child's rows for the contract year, the year, its measures and the day). The page uses them
    only when the digest of what it reads now is the same, so they are never shown stale, and are
    shared by every server process.

    Not recorded on the child (no database constraint, nothing done on delete): a row is worked out
    from the records and says nothing of its own, so it neither keeps a child's record from being
    deleted nor an import from being reversed (``imports/batches.py`` passes over such relations);
    a row left behind matches no other child's digest, which includes the child's id."""

    child = models.OneToOneField(
        "looked_after.LookedAfterChild",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="outcome_statuses",
    )
    key = models.CharField(max_length=64)
    # [status, count or null] for each measure, in the order of the measures the key covers
    statuses = models.JSONField()

    def __str__(self):
        return f"Outcome statuses for looked-after child {self.child_id}"
