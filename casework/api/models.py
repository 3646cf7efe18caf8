"""API tokens for service accounts: only a hash of each token is stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A bearer token for one user. The user's role and organisation fix what the token can read
    (the same scope as the pages); ``can_write`` lets it also make the API's writes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system that holds it")
    # The first characters of the token, kept so a token can be named for revocation without
    # keeping the token itself.
    prefix = models.CharField(max_length=12, db_index=True)
    # SHA-256 of the whole token: tokens are 256 random bits, so a fast hash is enough and a
    # copy of the database gives no usable token.
    key_hash = models.CharField(max_length=64, unique=True)
    can_write = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="api_token_hash_is_sha256", condition=Q(key_hash__regex=r"^[0-9a-f]{64}$")),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
