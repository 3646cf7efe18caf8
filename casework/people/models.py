"""People, their households and their relationships."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from simple_history.models import HistoricalRecords

from casework.core.codes import Ethnicity, Sex
from casework.core.validators import validate_nhs_number, validate_postcode, validate_upn


class Person(models.Model):
    # The organisation that first recorded the person. Who else may see them follows from
    # registrations (casework/core/access.py), never from this column alone.
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="recorded_people"
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True, help_text="For an unborn child")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("Unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    date_of_death = models.DateField(null=True, blank=True)
    # Phonetic keys (Soundex) of the names, kept by the person services, so a misspelt search
    # still finds the record with an indexed lookup rather than a scan.
    given_name_key = models.CharField(max_length=4, editable=False, db_index=True)
    family_name_key = models.CharField(max_length=4, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # optimistic locking: the version a form was opened at must still be current when it saves
    # (core/concurrency.py), so a second editor never silently overwrites the first
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["given_name_key", "family_name_key"])

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["nhs_number"]),
            models.Index(fields=["upn"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["family_name", "given_name"]),
            # The person search's name prefixes and preferred names, compared upper-cased as ranges
            # (UPPER(family_name) >= 'SMI' AND < 'SMJ'), which these serve on both databases where
            # LIKE on UPPER(...) is served by none. PostgreSQL also has trigram (GIN) indexes on the
            # names: migration 0004_person_search_indexes, outside the model as SQLite has none.
            models.Index(Upper("family_name"), name="person_family_name_upper"),
            models.Index(Upper("given_name"), name="person_given_name_upper"),
            models.Index(Upper("preferred_name"), name="person_preferred_upper"),
        ]
        constraints = [
            models.CheckConstraint(
                name="born_or_expected_not_both",
                condition=Q(date_of_birth__isnull=True) | Q(expected_date_of_birth__isnull=True),
            ),
            models.CheckConstraint(
                name="death_after_birth",
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def known_as(self):
        return self.preferred_name or self.given_name


class Household(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="households")
    name = models.CharField(max_length=200, help_text="How the practice refers to the family, e.g. the Okafor family")
    members = models.ManyToManyField(Person, through="HouseholdMembership", related_name="households")
    history = HistoricalRecords()

    def __str__(self):
        return self.name


class HouseholdMembership(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="household_memberships")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"], condition=Q(left_on__isnull=True), name="one_current_membership"
            )
        ]


class Relationship(models.Model):
    """``person`` is the ``relationship_type`` of ``related_person`` (e.g. A is parent of B).

    The services always write both directions, so either person's page reads one query.
    """

    class Type(models.TextChoices):
        PARENT = "parent", "Parent"
        CHILD = "child", "Child"
        SIBLING = "sibling", "Sibling"
        HALF_SIBLING = "half_sibling", "Half-sibling"
        STEP_PARENT = "step_parent", "Step-parent"
        STEP_CHILD = "step_child", "Step-child"
        GRANDPARENT = "grandparent", "Grandparent"
        GRANDCHILD = "grandchild", "Grandchild"
        CARER = "carer", "Carer"
        CARED_FOR = "cared_for", "Cared for by"
        FOSTER_CARER = "foster_carer", "Foster carer"
        FOSTER_CHILD = "foster_child", "Foster child"
        PARTNER = "partner", "Partner"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="relationships"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    related_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    relationship_type = models.CharField(max_length=20, choices=Type.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(name="not_related_to_self", condition=~Q(person=F("related_person"))),
            models.UniqueConstraint(
                fields=["organisation", "person", "related_person", "relationship_type"],
                name="unique_relationship",
            ),
        ]


class PersonRestriction(models.Model):
    """A practice restricts a person's record (a staff member's relative, a high-profile case).

    Only the users named on it (``RestrictionAccess``) see anything beyond the name; everyone else
    in the practice sees the name marked "Restricted record", and each attempt to open the record
    is logged. Not even the practice manager who set it sees more unless named. It binds the
    practice that set it, and covers the person's cases, notes, allocations, registrations,
    households, relationships and looked-after records (``casework/core/access.py``). Lifting it
    keeps the row; a later restriction is a new row.
    """

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="restrictions")
    # Shown to the practice's managers on the restriction page; never copied to the audit log.
    reason = models.TextField()
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    restricted_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=Q(lifted_at__isnull=True),
                name="one_live_restriction_per_person",
            ),
            models.CheckConstraint(
                name="lifted_by_whom_and_when",
                condition=Q(lifted_at__isnull=True, lifted_by__isnull=True)
                | Q(lifted_at__isnull=False, lifted_by__isnull=False),
            ),
        ]


class RestrictionAccess(models.Model):
    """A user named on a restriction: they see the whole record. Removing them deletes the row
    (its history and the audit log keep who was named, by whom and when)."""

    restriction = models.ForeignKey(PersonRestriction, on_delete=models.CASCADE, related_name="named")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["restriction", "user"], name="named_once")]
