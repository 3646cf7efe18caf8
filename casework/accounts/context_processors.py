"""What base.html needs to know about signing in: the header's navigation is shown only once the
person has passed MFA (before that, every link would lead back to the MFA pages), and in the demo
with its one-click sign-in, a link to switch demo user (casework/accounts/demo.py)."""

from django.conf import settings

from casework.accounts.middleware import mfa_passed


def sign_in(request):
    user = getattr(request, "user", None)
    return {"signed_in": user is not None and mfa_passed(user), "demo_sign_in": settings.CASEWORK_DEMO_SIGN_IN}
