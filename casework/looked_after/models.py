"""Statutory recording for looked-after children: what the SSDA903 return is made from.

Every row belongs to the practice that recorded it (``organisation``, for scope) and to a
``LookedAfterChild``: the child as known to the local authority responsible for them (the 903's
CHILD identifier is the authority's, kept the same every year). Codes are the DfE's own, held as
text and checked against the year's code list by the services (``looked_after/codes.py``).
Periods of care, placements and the current placement are derived from the episodes
(``looked_after/rules.py``), never stored twice.
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from casework.core.validators import validate_postcode


def _dates_in_order(name: str, start: str = "start_date", end: str = "end_date") -> models.CheckConstraint:
    """An optional end date is on or after the start."""
    return models.CheckConstraint(name=name, condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}))


class LookedAfterChild(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="looked_after_records")
    commissioner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="looked_after_children",
        help_text="The local authority the child is looked after by",
    )
    child_id = models.CharField(
        "Child identifier", max_length=20, help_text="The local authority's identifier for the child (903 CHILD)"
    )
    is_mother = models.BooleanField(null=True, blank=True, help_text="For girls: is the child a mother?")
    mother_child_dob = models.DateField("Date of birth of the mother's child", null=True, blank=True)
    uasc = models.BooleanField("Unaccompanied asylum-seeking child", default=False)
    uasc_ceased = models.DateField("Date UASC status ceased", null=True, blank=True)
    # optimistic locking for the status forms (UASC, motherhood) that edit this row in place
    version = models.PositiveIntegerField(default=1, editable=False)
    upn_unknown_reason = models.CharField(
        "Why there is no UPN",
        max_length=3,
        blank=True,
        help_text="903 UPN code UN1 to UN5 when the child has no unique pupil number",
    )
    # Taken on from an authority's return as a care leaver whose care ended before the records held
    # here (in its care leavers table, in none of its episodes): former relevant by the authority's word.
    former_relevant_by_return = models.BooleanField(
        "Former relevant child by the authority's return",
        default=False,
        help_text="A care leaver whose care ended before the episodes recorded here",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "child_id"], name="unique_child_id_per_authority"),
            models.UniqueConstraint(fields=["commissioner", "person"], name="one_record_per_child_per_authority"),
            models.CheckConstraint(
                name="uasc_ceased_only_for_uasc", condition=Q(uasc=True) | Q(uasc_ceased__isnull=True)
            ),
        ]

    def __str__(self):
        return f"Looked-after child {self.child_id}"


class ChildRecord(models.Model):
    """Fields every per-child record carries."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(LookedAfterChild, on_delete=models.PROTECT, related_name="%(class)ss")

    class Meta:
        abstract = True


class Episode(ChildRecord):
    """A period with one legal status and one placement: any change ends it (X1) and starts the next."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="episodes")
    start_date = models.DateField("Date episode started")
    reason_new_episode = models.CharField("Reason for new episode", max_length=1)
    legal_status = models.CharField(max_length=2)
    category_of_need = models.CharField(max_length=2)
    placement_type = models.CharField(max_length=3)
    placement_provider = models.CharField(max_length=3, blank=True)
    placement_postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    urn = models.CharField("Ofsted URN", max_length=8, blank=True)
    home_postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    end_date = models.DateField("Date episode ceased", null=True, blank=True)
    reason_ceased = models.CharField("Reason episode ceased", max_length=3, blank=True)
    reason_place_change = models.CharField("Reason for placement change", max_length=6, blank=True)
    # Regulation 28: after the first year, visits may be 3-monthly only when the placement is meant
    # to last until the child is 18 (a long-term plan, not a placement type).
    intended_until_18 = models.BooleanField("Placement intended to last until the child is 18", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["child", "start_date"]), models.Index(fields=["end_date"])]
        constraints = [
            models.UniqueConstraint(fields=["child", "start_date"], name="one_episode_per_start_date"),
            models.UniqueConstraint(fields=["child"], condition=Q(end_date__isnull=True), name="one_open_episode"),
            _dates_in_order("episode_dates_in_order"),
            models.CheckConstraint(
                name="ended_episode_has_reason",
                condition=(Q(end_date__isnull=True) & Q(reason_ceased=""))
                | (Q(end_date__isnull=False) & ~Q(reason_ceased="")),
            ),
        ]


class Review(ChildRecord):
    """A statutory looked-after child review chaired by the independent reviewing officer."""

    review_date = models.DateField()
    participation = models.CharField("How the child took part", max_length=3)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_date"]
        constraints = [models.UniqueConstraint(fields=["child", "review_date"], name="one_review_per_day")]


class Visit(ChildRecord):
    visit_date = models.DateField()
    child_seen = models.BooleanField(default=True)
    seen_alone = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["visit_date"]
        constraints = [
            models.CheckConstraint(name="seen_alone_only_if_seen", condition=Q(child_seen=True) | Q(seen_alone=False))
        ]


class HealthCheck(ChildRecord):
    class Kind(models.TextChoices):
        HEALTH_ASSESSMENT = "health_assessment", "Health assessment"
        DENTAL_CHECK = "dental_check", "Dental check"
        IMMUNISATIONS = "immunisations", "Immunisations up to date"
        DEVELOPMENT_CHECK = "development_check", "Development check (under 5)"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    check_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["check_date"]
        constraints = [models.UniqueConstraint(fields=["child", "kind", "check_date"], name="one_check_per_kind_day")]


class StrengthsDifficulties(ChildRecord):
    """Strengths and Difficulties Questionnaire: a score (0 to 40) or why there is none."""

    assessed_on = models.DateField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason_not_done = models.CharField(max_length=4, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_on"]
        constraints = [
            models.CheckConstraint(
                name="sdq_score_or_reason",
                condition=(Q(score__isnull=False) & Q(reason_not_done="") & Q(score__lte=40))
                | (Q(score__isnull=True) & ~Q(reason_not_done="")),
            )
        ]


class SubstanceMisuse(ChildRecord):
    identified_on = models.DateField()
    intervention_received = models.BooleanField(default=False)
    intervention_offered_refused = models.BooleanField("Intervention offered but refused", default=False)
    history = HistoricalRecords()


class Conviction(ChildRecord):
    """A conviction, final warning or youth caution."""

    convicted_on = models.DateField()
    history = HistoricalRecords()


class MissingEpisode(ChildRecord):
    """Missing (M) or away from placement without authorisation (A). Recorded when the child goes
    missing, with no end date while they are missing (at most one open at a time, the services'
    rule); the return closes it with the return interview, which is answered only then."""

    kind = models.CharField(max_length=1, help_text="M missing, A away from placement without authorisation")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    return_interview_offered = models.BooleanField(null=True, blank=True)
    return_interview_accepted = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            _dates_in_order("missing_dates_in_order"),
            models.CheckConstraint(
                name="return_interview_only_after_return",
                condition=Q(end_date__isnull=False)
                | (Q(return_interview_offered__isnull=True) & Q(return_interview_accepted__isnull=True)),
            ),
        ]


class AdoptionDecision(ChildRecord):
    """The decision that the child should be placed for adoption, and its reversal if any."""

    decided_on = models.DateField()
    ceased_on = models.DateField(null=True, blank=True)
    ceased_reason = models.CharField(max_length=3, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on"]
        constraints = [
            _dates_in_order("sbpfa_ceased_after_decided", "decided_on", "ceased_on"),
            models.CheckConstraint(
                name="sbpfa_ceased_has_reason",
                condition=(Q(ceased_on__isnull=True) & Q(ceased_reason=""))
                | (Q(ceased_on__isnull=False) & ~Q(ceased_reason="")),
            ),
        ]


class Adoption(ChildRecord):
    """Adoption details (903 AD1) for a child adopted from care; the order date is the episode's end."""

    decision_date = models.DateField("Date of the decision the child should be placed for adoption")
    matched_on = models.DateField("Date matched with adopters")
    by_foster_carers = models.BooleanField("Adopted by their foster carers")
    number_of_adopters = models.PositiveSmallIntegerField()
    adopter_sex = models.CharField(max_length=2)
    adopter_legal_status = models.CharField(max_length=3)
    history = HistoricalRecords()


class PreviousPermanence(ChildRecord):
    """What permanence the child had before a period of care began (903 PrevPerm)."""

    period_start = models.DateField("Start of the period of care")
    option = models.CharField(max_length=2)
    arranged_by = models.CharField("Local authority that arranged it", max_length=3, blank=True)
    # DD/MM/YYYY, with ZZ for any part not known (the DfE allows a partial date here)
    order_date = models.CharField("Date of the order", max_length=10, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "period_start"], name="one_prev_perm_per_period"),
            models.CheckConstraint(
                name="prev_perm_details_unless_none",
                condition=Q(option="Z1") | (~Q(arranged_by="") & ~Q(order_date="")),
            ),
        ]


class CareLeaverContact(ChildRecord):
    """Around each birthday from 17 to 21: in touch, main activity, accommodation and its suitability."""

    birthday_age = models.PositiveSmallIntegerField()
    contacted_on = models.DateField()
    in_touch = models.CharField(max_length=4)
    activity = models.CharField(max_length=2, blank=True)
    accommodation = models.CharField(max_length=1, blank=True)
    accommodation_suitable = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["birthday_age"]
        constraints = [
            models.UniqueConstraint(fields=["child", "birthday_age"], name="one_contact_per_birthday"),
            models.CheckConstraint(
                name="care_leaver_age_17_to_21", condition=Q(birthday_age__gte=17, birthday_age__lte=21)
            ),
        ]


class DeprivationOfLiberty(ChildRecord):
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        constraints = [_dates_in_order("dolo_dates_in_order")]


class StoredDues(models.Model):
    """A child's next statutory due dates as ``looked_after/dues.py`` worked them out with the pure
    rules (``timescales``): kept by every recording service, the 903 import and the seed in the same
    transaction as what changed them, so trays and the manager's counts read them with an index
    instead of working out thousands of children on every view. What only the passing of time
    changes (a planned placement starting, the 18th birthday coming within six months, a new
    collection year retiring a placement code) is redone on ``recompute_on`` by the daily refresh."""

    child = models.OneToOneField(LookedAfterChild, on_delete=models.CASCADE, primary_key=True, related_name="dues")
    # due_for's "looked after": an open episode that has started; the others have no dues to show
    in_care = models.BooleanField(default=False)
    next_due_on = models.DateField(null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    visit_on = models.DateField(null=True, blank=True)
    health_assessment_on = models.DateField(null=True, blank=True)
    dental_check_on = models.DateField(null=True, blank=True)
    sdq_on = models.DateField(null=True, blank=True)
    care_ends_on = models.DateField(null=True, blank=True)
    placement_code_on = models.DateField(null=True, blank=True)
    # every due as shown: [kind, label, ISO date], soonest first
    shown = models.JSONField(default=list)
    computed_on = models.DateField()
    recompute_on = models.DateField(null=True, blank=True)
    # the worker allocated now to the child's open looked-after-child case with the child's practice
    # (None: nobody), kept by ``dues.refresh`` and by the allocation services (cases/services.py) in
    # the same transaction as the allocation: a worker's and a team's trays and counts read it with
    # an index. The team is read from the worker, so a worker moving team moves their children.
    worker = models.ForeignKey(
        "organisations.Worker", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        indexes = [
            models.Index(fields=["in_care", "next_due_on"], name="dues_in_care_next_due"),
            # a worker's or a team's children in care, in due order, and their overdue counts read
            # from the index alone (looked_after/selectors.py team_due_page, overdue_counts_by_team)
            models.Index(
                fields=[
                    "worker",
                    "in_care",
                    "next_due_on",
                    "review_on",
                    "visit_on",
                    "health_assessment_on",
                    "dental_check_on",
                    "sdq_on",
                    "care_ends_on",
                    "placement_code_on",
                ],
                name="dues_worker_next_due",
            ),
            models.Index(fields=["recompute_on"], name="dues_recompute_on"),
        ]

    def __str__(self):
        return f"Dues for looked-after child {self.child_id}"
