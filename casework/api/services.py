"""Issuing and revoking API tokens (the only writes this app makes)."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.api.models import ApiToken
from casework.audit.services import audit_record

TOKEN_PREFIX = "cw_"  # noqa: S105 (marks a Casework token in a secret scanner, not a secret)
PREFIX_LENGTH = 11  # "cw_" and the first 8 random characters: enough to tell tokens apart


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_issue(*, actor, user, name: str, can_write: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError({"user": "The user is not active: a token for them would not work"})
    if not name.strip():
        raise ValidationError({"name": "Say what the token is for"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=raw[:PREFIX_LENGTH], key_hash=token_hash(raw), can_write=can_write
    )
    audit_record(actor=actor, action="create", obj=token, user=user.pk, can_write=can_write)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationError({"token": "The token is already revoked"})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="end", obj=token, user=token.user_id)
    return token
