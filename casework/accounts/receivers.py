"""A sign-in lockout goes to the audit log. The failed attempts themselves are already there:
Django sends ``user_login_failed`` for every one, locked out or not, and ``casework.audit``
records it as ``sign_in_failed``. Signing out deletes the person's kept case-note draft."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver

from casework.accounts.models import KeptDraft
from casework.audit.services import audit_record


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    # As for a failed sign-in: the account's id when the username is one, never the username
    # typed (it may be a password) nor the address.
    account = get_user_model().objects.filter(username=username or "").first()
    with transaction.atomic():
        audit_record(
            actor=None,
            action="sign_in_locked_out",
            object_type="accounts.user",
            object_id=account.pk if account else "",
        )


@receiver(user_logged_out)
def forget_kept_draft(sender, request, user, **kwargs):
    # signing out says "I am done here": a note kept from an expired session goes with it
    if user is not None:
        KeptDraft.objects.filter(user=user).delete()
