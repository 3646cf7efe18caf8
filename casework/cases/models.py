"""Cases (statutory work for a person), allocations of workers to them, and case notes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from casework.core.codes import ServiceType, SocialWorkerChangeReason


class Case(models.Model):
    class CloseReason(models.TextChoices):
        OUTCOMES_MET = "outcomes_met", "Work complete, outcomes met"
        TRANSFERRED = "transferred", "Transferred to another practice"
        MOVED_AWAY = "moved_away", "Moved out of the area"
        NO_LONGER_ELIGIBLE = "no_longer_eligible", "No longer eligible"
        DIED = "died", "Died"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The practice doing the work",
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    commissioner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="commissioned_cases",
        help_text="The commissioner the work is done for",
    )
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        help_text="The contract the work is done under (every case opened through the services names one)",
    )
    opened_on = models.DateField()
    open_reason = models.CharField(max_length=200)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on"]
        indexes = [models.Index(fields=["organisation", "closed_on"])]
        constraints = [
            models.CheckConstraint(
                name="case_dates_in_order", condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on"))
            ),
            models.CheckConstraint(
                name="closed_case_has_reason", condition=Q(closed_on__isnull=True) | ~Q(close_reason="")
            ),
            models.UniqueConstraint(
                fields=["organisation", "person", "service_type"],
                condition=Q(closed_on__isnull=True),
                name="one_open_case_per_service",
            ),
        ]

    def __str__(self):
        return f"{self.get_service_type_display()} case {self.pk}"

    @property
    def is_open(self):
        return self.closed_on is None


class Allocation(models.Model):
    """One worker allocated to one case for a period; a case has exactly one at a time."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey("organisations.Worker", on_delete=models.PROTECT, related_name="allocations")
    # The case's service type (it never changes), copied here so the caseload figures count a
    # worker's open cases per service type from the index below alone (issue 14). Set by every
    # writer: cases/services.py, the 903 import, the synthetic seed.
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    change_reason = models.CharField(
        max_length=6,
        choices=SocialWorkerChangeReason.choices,
        help_text="Why this worker took over (FCONTA for the case's first worker)",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        indexes = [
            models.Index(fields=["worker", "end_date"]),
            # the open allocations' caseload counts (per worker and service type), index-only on
            # both databases: cases/selectors.py _open_counts
            models.Index(
                fields=["organisation", "worker", "service_type"],
                condition=Q(end_date__isnull=True),
                name="allocation_open_caseload",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(end_date__isnull=True), name="one_current_allocation"),
            models.CheckConstraint(
                name="allocation_dates_in_order", condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date"))
            ),
        ]


class CaseWeight(models.Model):
    """A practice's own caseload weight for a service type (defaults in casework/core/codes.py)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    weight = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "service_type"], name="unique_case_weight"),
            models.CheckConstraint(name="weight_positive", condition=Q(weight__gt=0)),
        ]


class CaseNote(models.Model):
    class NoteType(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE_CALL = "phone_call", "Phone call"
        MEETING = "meeting", "Meeting"
        SUPERVISION = "supervision", "Supervision"
        MANAGEMENT_DECISION = "management_decision", "Management decision"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_notes")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note_type = models.CharField(max_length=30, choices=NoteType.choices)
    occurred_on = models.DateField(help_text="When the visit, call or meeting happened")
    summary = models.CharField(max_length=200)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # optimistic locking: the version a form was opened at must still be current when it saves
    # (core/concurrency.py), so a second editor never silently overwrites the first
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        indexes = [models.Index(fields=["person", "organisation"])]
