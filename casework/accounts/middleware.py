"""The middlewares for signing in (see docs/security.md, "Signing in and sessions").

``KeepDraftMiddleware`` runs before Django's ``LoginRequiredMiddleware``: a case note posted from
a session that has expired is kept (``casework.accounts.drafts``) before the person is sent to sign
in. It also notes, in a signed cookie, who is signed in, so a kept draft goes back to its writer.

``MfaRequiredMiddleware`` runs after it: a person who has given their password but not yet a code
from their authenticator app (or a recovery code) gets no page but the sign-in and MFA pages,
sign-out and the health check; everything else sends them to set up or enter a code.

``UserLoadedMiddleware`` puts the signed-in user itself on the request, in place of the lazy
proxies Django and django-otp wrap it in.

``SessionKeptAliveMiddleware`` restarts a signed-in session's idle clock (``SESSION_COOKIE_AGE``)
at most once a minute, where ``SESSION_SAVE_EVERY_REQUEST`` wrote the session row on every request.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty

from casework.accounts import drafts, mfa
from casework.api.errors import API_PREFIX, error_body

# Views (by their URL name) that a signed-in but unverified person may still reach.
MFA_EXEMPT_VIEWS = {"login", "logout", "healthz", "readyz", "mfa_setup", "mfa_verify", "mfa_recover", "demo_sign_in"}


def mfa_passed(user) -> bool:
    """Signed in and, where MFA is required, verified by a second factor in this session."""
    if not user.is_authenticated:
        return False
    if not settings.CASEWORK_MFA_REQUIRED:
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def mfa_url(user, next_url: str) -> str:
    name = "mfa_verify" if mfa.has_confirmed_totp_device(user) else "mfa_setup"
    return reverse(name) + ("?" + urlencode({"next": next_url}) if next_url else "")


class UserLoadedMiddleware:
    """Loads the signed-in user once and puts the user itself on the request. Django's
    authentication and django-otp each wrap ``request.user`` in a lazy proxy (one inside the
    other) and every page reads the user hundreds of times (its role, organisation and MFA state
    for each access check and link): through two proxies that cost more than a query. Every
    request loads the user anyway (``KeepDraftMiddleware`` and the MFA check read it), so loading
    it here changes no answer. Sits just after django-otp's middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        while isinstance(user, LazyObject):
            if user._wrapped is empty:
                user._setup()
            user = user._wrapped
        if user is not None:
            request.user = user
        return self.get_response(request)


class KeepDraftMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and mfa_passed(user) and drafts.owner_from_cookie(request) != user.pk:
            drafts.set_owner_cookie(response, user)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and getattr(view_func, "keeps_draft", False) and not request.user.is_authenticated:
            drafts.keep(request)
        return None  # LoginRequiredMiddleware sends the person to sign in


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or mfa_passed(user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in MFA_EXEMPT_VIEWS:
            return None
        if request.path.startswith(API_PREFIX):
            # An API client gets the API's one error shape, not a redirect to a page it cannot use.
            message = "Finish signing in: enter the code from your authenticator app first"
            return JsonResponse(error_body(401, "mfa_required", message), status=401)
        next_url = request.get_full_path() if request.method in ("GET", "HEAD") else request.path
        return redirect(mfa_url(user, next_url))


# When the session row was last written (seconds since the epoch), kept in the session itself so
# knowing it costs no query.
SESSION_SAVED_AT = "casework_session_saved_at"
# A session is written again once its last write is this old: the idle timeout then ends between
# SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE after the last request.
SESSION_REFRESH_SECONDS = 60


class SessionKeptAliveMiddleware:
    """Writes a signed-in session (and sends its cookie again) when something in it changed or its
    last write is a minute old or more: the 30-minute idle timeout holds to within a minute, and a
    person reading page after page costs one session write a minute instead of one a request.
    Sits just after Django's ``SessionMiddleware``, so it marks the session before that saves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # a request that never read its session (the health check, static files) is left alone
        if session is None or not session.accessed or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - session.get(SESSION_SAVED_AT, 0) >= SESSION_REFRESH_SECONDS:
            session[SESSION_SAVED_AT] = now  # marks it modified: SessionMiddleware writes it
        return response
