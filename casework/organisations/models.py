"""Practices and commissioners, their teams and their workforce."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from casework.core.validators import validate_swe_registration

ONS_LA_CODE = RegexValidator(r"^E0[6-9]\d{6}$|^E10\d{6}$", "Enter an ONS local authority code like E09000007")
ODS_ICB_CODE = RegexValidator(r"^Q[A-Z0-9]{2}$", "Enter an ODS integrated care board code like QWE")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PRACTICE = "practice", "Social work practice"
        COMMISSIONER = "commissioner", "Commissioner"

    class LegalForm(models.TextChoices):
        CIC = "cic", "Community interest company"
        STAFF_MUTUAL = "staff_mutual", "Staff mutual"
        COMPANY = "company", "Company"
        CHARITY = "charity", "Charity"
        IN_HOUSE = "in_house", "In-house unit"

    class CommissionerType(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        INTEGRATED_CARE_BOARD = "icb", "NHS integrated care board"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    legal_form = models.CharField(max_length=20, choices=LegalForm.choices, blank=True)
    commissioner_type = models.CharField(max_length=10, choices=CommissionerType.choices, blank=True)
    ons_code = models.CharField("ONS code", max_length=9, blank=True, validators=[ONS_LA_CODE])
    ods_code = models.CharField("ODS code", max_length=3, blank=True, validators=[ODS_ICB_CODE])
    list_capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people the practice can have registered at once"
    )
    caseload_threshold_per_fte = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("15.00"),
        help_text="Weighted cases per full-time worker above which a caseload is flagged",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="practice_has_legal_form",
                condition=~Q(kind="practice") | ~Q(legal_form=""),
            ),
            models.CheckConstraint(
                name="commissioner_has_type",
                condition=~Q(kind="commissioner") | ~Q(commissioner_type=""),
            ),
            models.CheckConstraint(
                name="local_authority_has_ons_code",
                condition=~Q(commissioner_type="la") | ~Q(ons_code=""),
            ),
            models.UniqueConstraint(fields=["ons_code"], condition=~Q(ons_code=""), name="unique_ons_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_practice(self):
        return self.kind == self.Kind.PRACTICE


class Commissioning(models.Model):
    """A commissioner commissions a practice (the contract itself arrives with the contracts app)."""

    commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissions")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissioned_by")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "practice", "start_date"], name="unique_commissioning"),
            models.CheckConstraint(
                name="commissioning_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]


class Team(models.Model):
    class Function(models.TextChoices):
        LOOKED_AFTER_CHILDREN = "lac", "Looked-after children"
        LEAVING_CARE = "leaving_care", "Leaving care"
        ACCESS = "access", "Access (front door)"
        COMPLEX_CASE_MANAGEMENT = "complex", "Complex case management"
        SAFEGUARDING = "safeguarding", "Safeguarding and Court of Protection"
        CONTINUING_HEALTHCARE = "chc", "Continuing healthcare"
        BUSINESS_SUPPORT = "business_support", "Business support"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    function = models.CharField(max_length=30, choices=Function.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_team_name")]

    def __str__(self):
        return self.name


class Worker(models.Model):
    """A member of staff (employed or agency). Not every worker has a login."""

    class JobRole(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        SENIOR_PRACTITIONER = "senior_practitioner", "Senior practitioner"
        ADVANCED_PRACTITIONER = "advanced_practitioner", "Advanced practitioner"
        TEAM_MANAGER = "team_manager", "Team manager"
        PRACTICE_MANAGER = "practice_manager", "Practice manager"
        PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
        OCCUPATIONAL_THERAPIST = "occupational_therapist", "Occupational therapist"
        SOCIAL_CARE_ASSESSOR = "social_care_assessor", "Social care assessor"
        BUSINESS_SUPPORT = "business_support", "Business support"

    class Employment(models.TextChoices):
        EMPLOYED = "employed", "Employed"
        AGENCY = "agency", "Agency"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="workers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="workers")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    job_role = models.CharField(max_length=30, choices=JobRole.choices)
    swe_registration_number = models.CharField(
        "Social Work England registration number",
        max_length=9,
        blank=True,
        validators=[validate_swe_registration],
    )
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    start_date = models.DateField()
    leave_date = models.DateField(null=True, blank=True)
    employment = models.CharField(max_length=10, choices=Employment.choices, default=Employment.EMPLOYED)
    list_capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many registered people this worker can be named worker for"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="worker"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["swe_registration_number"],
                condition=~Q(swe_registration_number=""),
                name="unique_swe_registration",
            ),
            models.CheckConstraint(
                name="registered_roles_have_swe_number",
                condition=~Q(job_role__in=["social_worker", "senior_practitioner", "advanced_practitioner"])
                | ~Q(swe_registration_number=""),
            ),
            models.CheckConstraint(
                name="worker_dates_in_order",
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(name="fte_in_range", condition=Q(fte__gt=0) & Q(fte__lte=1)),
        ]

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def name(self):
        return str(self)
