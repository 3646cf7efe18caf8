"""Users and their one role in their one organisation."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    TEAM_MANAGER = "team_manager", "Team manager"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    COMMISSIONER_OFFICER = "commissioner_officer", "Commissioner officer"
    EVALUATOR = "evaluator", "Evaluator"
    AUDITOR = "auditor", "Auditor"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="users")

    REQUIRED_FIELDS = ["email", "role", "organisation"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="user_role_known",
                condition=models.Q(role__in=[r.value for r in Role]),
            )
        ]


class KeptDraft(models.Model):
    """A form posted after its writer's session expired, kept to offer back once they sign in again
    (``casework/accounts/drafts.py``). One per user: a later draft replaces the earlier, so however
    often a writer's browser posts, this table holds at most one row for them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="kept_draft")
    path = models.CharField(max_length=300)
    fields = models.JSONField()
    kept_at = models.DateTimeField()
