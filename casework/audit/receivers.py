"""Sign-in, sign-out and failed sign-in go to the audit log (Django's auth signals are the only
hook the login view offers)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from casework.audit.services import audit_record


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    with transaction.atomic():
        audit_record(actor=user, action="sign_in", object_type="accounts.user", object_id=user.pk)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        with transaction.atomic():
            audit_record(actor=user, action="sign_out", object_type="accounts.user", object_id=user.pk)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # The attempted username is not stored (it may be a mistyped password); the account's id is,
    # when the username belongs to one, so repeated failures against an account show up.
    account = get_user_model().objects.filter(username=credentials.get("username", "")).first()
    with transaction.atomic():
        audit_record(
            actor=None, action="sign_in_failed", object_type="accounts.user", object_id=account.pk if account else ""
        )
