"""GP-style registration: a person on a practice's list with a named worker."""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class Registration(models.Model):
    class Route(models.TextChoices):
        COMMISSIONER_REFERRAL = "commissioner_referral", "Referred by a commissioner"
        SELF_REFERRAL = "self_referral", "Self-referral"
        TRANSFER_IN = "transfer_in", "Transfer in from another practice"

    class EndReason(models.TextChoices):
        MOVED_AWAY = "moved_away", "Moved away"
        TRANSFERRED = "transferred", "Transferred to another practice"
        NO_LONGER_ELIGIBLE = "no_longer_eligible", "No longer eligible"
        DIED = "died", "Died"
        CHOSE_TO_LEAVE = "chose_to_leave", "Chose to leave"
        OTHER = "other", "Other"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="registrations")
    practice = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="registrations")
    named_worker = models.ForeignKey(
        "organisations.Worker", on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    household = models.ForeignKey(
        "people.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        help_text="Set when the family registered together",
    )
    start_date = models.DateField()
    route = models.CharField(max_length=30, choices=Route.choices)
    referred_by = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The commissioner that referred the person",
    )
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=30, choices=EndReason.choices, blank=True)
    transferred_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="transferred_to"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["practice", "end_date"]),
            # the practice's current list per named worker, counted from the index alone (issue 14);
            # end_date too, though always NULL here: SQLite reads a partial index alone only when
            # every column the query names is in it (the practice list by worker, the caseloads)
            models.Index(
                fields=["practice", "named_worker", "end_date"],
                condition=Q(end_date__isnull=True),
                name="registration_current_named_end",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_registration"
            ),
            models.CheckConstraint(
                name="registration_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
            ),
            models.CheckConstraint(
                name="ended_registration_has_reason",
                condition=Q(end_date__isnull=True) | ~Q(end_reason=""),
            ),
        ]

    @property
    def is_current(self):
        return self.end_date is None
