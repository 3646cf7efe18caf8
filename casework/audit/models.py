"""The append-only, tamper-evident audit log: who did or saw what, when.

Rows are never updated or deleted: database triggers refuse it (migrations 0002 and 0005), on
SQLite and PostgreSQL alike. ``detail`` holds field names, codes and counts, never personal data.
"""

from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One entry of the log, chained to the one before it.

    ``entry_hash`` is the SHA-256 (lower-case hex) of the UTF-8 bytes of this JSON object, keys in
    this (alphabetical) order, no whitespace (separators ``,`` and ``:``), non-ASCII characters
    escaped as ``\\uXXXX``::

        {"action": ..., "actor_id": <int or null>, "actor_organisation_id": <int or null>,
         "detail": {<keys sorted, the same rules all the way down>}, "object_id": "<text>",
         "object_type": "...", "occurred_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, microseconds),
         "person_id": <int or null>, "previous_hash": "<64 hex>"}

    ``previous_hash`` is the ``entry_hash`` of the entry before it in id order; the first entry's
    is 64 zeros. ``AuditChainHead`` holds the last entry's id and hash. ``casework/audit/chain.py``
    implements the form; ``manage.py audit_verify`` checks the whole chain.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        VIEW_REFUSED = "view_refused", "Refused: restricted record"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        END = "end", "Ended"
        DELETE = "delete", "Removed"
        TRANSFER = "transfer", "Transferred"
        ALLOCATE = "allocate", "Allocated"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_IN_LOCKED_OUT = "sign_in_locked_out", "Locked out after failed sign-ins"
        MFA_SET_UP = "mfa_set_up", "Set up an authenticator app"
        MFA_VERIFIED = "mfa_verified", "Passed the second factor"
        MFA_FAILED = "mfa_failed", "Wrong second-factor code"
        MFA_RECOVERY_USED = "mfa_recovery_used", "Signed in with a recovery code"
        MFA_CODES_RENEWED = "mfa_codes_renewed", "New recovery codes"
        IMPORT = "import", "Imported"
        EXPORT = "export", "Exported"

    # Set by audit_record before the hash is taken (auto_now_add would set it after).
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Plain ids, not foreign keys: the log must outlive anything it mentions.
    actor_id = models.BigIntegerField(null=True)
    actor_organisation_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40, blank=True)
    # The person whose record the event is about, when there is one: the who-viewed page reads it.
    person_id = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["person_id", "occurred_at"], name="audit_event_person_idx"),
            # the audit log page: an organisation's entries, newest first
            models.Index(fields=["actor_organisation_id", "occurred_at"], name="audit_event_org_idx"),
        ]


class AuditChainHead(models.Model):
    """One row: the last entry of the chain. Each append locks it, so two writers never both
    chain onto the same entry, and ``audit_verify`` compares the end of the log with it, so
    entries deleted from the end (or forged onto it) show up."""

    last_event_id = models.BigIntegerField(null=True)
    entry_hash = models.CharField(max_length=64)
