"""The append-only audit log: who did or saw what, when.

Rows are never updated or deleted: database triggers refuse it (migration 0002), on SQLite
and PostgreSQL alike. ``detail`` holds field names and codes, never personal data.
"""

from django.db import models


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        END = "end", "Ended"
        DELETE = "delete", "Removed"
        TRANSFER = "transfer", "Transferred"
        ALLOCATE = "allocate", "Allocated"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        IMPORT = "import", "Imported"
        EXPORT = "export", "Exported"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Plain ids, not foreign keys: the log must outlive anything it mentions.
    actor_id = models.BigIntegerField(null=True)
    actor_organisation_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
