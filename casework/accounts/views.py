"""Signing in: the password page, then the MFA pages (set up an authenticator app, enter its code
or a recovery code, see new recovery codes once). docs/security.md describes the whole flow."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from casework.accounts import demo, mfa
from casework.accounts.forms import AuthenticatorCodeForm, RecoveryCodeForm, SignInForm
from casework.accounts.middleware import mfa_passed, mfa_url

# The new recovery codes, between the set-up page and the one page that shows them.
NEW_CODES_SESSION_KEY = "casework_new_recovery_codes"


class SignInView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm

    def get_success_url(self):
        next_url = super().get_success_url()
        if not settings.CASEWORK_MFA_REQUIRED:
            return next_url
        return mfa_url(self.request.user, next_url)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_demo_context()}


def _demo_context(error: str = "") -> dict:
    """The sign-in page's "Sign in as a demo user" buttons, when the demo's one-click sign-in is on."""
    if not demo.demo_sign_in_on():
        return {}
    return {"demo_users": demo.demo_users(), "demo_error": error}


@never_cache
@login_not_required
def demo_sign_in(request):
    """The demo only: one click signs out whoever is signed in and signs in as a demo user
    (casework/accounts/demo.py says when; anywhere else this address does not exist)."""
    if not demo.demo_sign_in_on():
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = demo.sign_in_as_demo_user(request, request.POST.get("username", ""))
    if user is None:
        error = (
            "Choose one of the demo users below. A demo user whose password has been changed cannot be "
            "signed in with one click: sign in with their password and a code instead"
        )
        return render(request, "accounts/login.html", {"form": SignInForm(request), **_demo_context(error)})
    messages.success(
        request, f"You are signed in as {user.username} ({user.get_role_display()}, {user.organisation.name})"
    )
    return redirect(settings.LOGIN_REDIRECT_URL)


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _refusal(outcome: mfa.Outcome, wrong: str) -> str:
    if outcome.wait_seconds:
        unit = "second" if outcome.wait_seconds == 1 else "seconds"
        return f"You have entered too many wrong codes. Wait {outcome.wait_seconds} {unit}, then try again"
    return wrong


@never_cache
def mfa_setup(request):
    """First sign-in: show a new secret (as text and a QR code) and confirm it with one code."""
    next_url = _next_url(request)
    if mfa_passed(request.user):
        return redirect(next_url)
    if mfa.has_confirmed_totp_device(request.user):
        return redirect(_with_next("mfa_verify", next_url))
    device = mfa.unconfirmed_totp_device(request.user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.confirm_totp_device(request, device, form.cleaned_data["code"])
        if outcome.ok:
            request.session[NEW_CODES_SESSION_KEY] = mfa.issue_recovery_codes(request.user)
            return redirect(_with_next("mfa_recovery_codes", next_url))
        form.add_error(
            "code", _refusal(outcome, "The code is not right: enter the code the app shows now, after adding the key")
        )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "secret": mfa.secret_text(device),
            "qr_code": mfa.qr_code_svg(device),
            "title": "Set up your authenticator app",
        },
    )


@never_cache
def mfa_recovery_codes(request):
    """The new recovery codes, shown this once (they are not kept anywhere the page could read again)."""
    next_url = _next_url(request)
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(next_url)
    return render(
        request,
        "accounts/mfa_recovery_codes.html",
        {"codes": codes, "next_url": next_url, "title": "Your recovery codes"},
    )


@never_cache
def mfa_verify(request):
    """Every later sign-in: the code from the authenticator app."""
    next_url = _next_url(request)
    if mfa_passed(request.user):
        return redirect(next_url)
    if not mfa.has_confirmed_totp_device(request.user):
        return redirect(_with_next("mfa_setup", next_url))
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.verify_totp(request, form.cleaned_data["code"])
        if outcome.ok:
            return redirect(next_url)
        form.add_error("code", _refusal(outcome, "The code is not right: enter the code your app shows now"))
    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "recover_url": _with_next("mfa_recover", next_url), "title": "Enter your security code"},
    )


@never_cache
def mfa_recover(request):
    """Sign in with a recovery code instead, when the authenticator app is not to hand."""
    next_url = _next_url(request)
    if mfa_passed(request.user):
        return redirect(next_url)
    if not mfa.has_confirmed_totp_device(request.user):
        return redirect(_with_next("mfa_setup", next_url))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = mfa.verify_recovery_code(request, form.cleaned_data["code"])
        if outcome.ok:
            left = outcome.recovery_codes_left
            messages.info(
                request,
                f"You signed in with a recovery code. You have {left} left: "
                "you can get a new set from Sign-in security, at the top of every page.",
            )
            return redirect(next_url)
        form.add_error("code", _refusal(outcome, "That recovery code is not right, or it has been used already"))
    return render(
        request,
        "accounts/mfa_recover.html",
        {"form": form, "verify_url": _with_next("mfa_verify", next_url), "title": "Use a recovery code"},
    )


@never_cache
def mfa_security(request):
    """The signed-in person's own second factor: when it was set up, recovery codes left, new codes."""
    return render(
        request,
        "accounts/mfa_security.html",
        {
            "device": mfa.confirmed_totp_device(request.user),
            "codes_left": mfa.recovery_codes_left(request.user),
            "title": "Sign-in security",
        },
    )


@never_cache
def mfa_new_recovery_codes(request):
    """Asks first; then a new set of recovery codes (the old ones stop working), shown once."""
    if request.method == "POST":
        request.session[NEW_CODES_SESSION_KEY] = mfa.renew_recovery_codes(request.user)
        return redirect(_with_next("mfa_recovery_codes", reverse("mfa_security")))
    return render(request, "accounts/mfa_new_recovery_codes.html", {"title": "Get new recovery codes"})


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in from a locked-out username and address (HTTP 429)."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "title": "You cannot sign in at the moment",
        },
        status=429,
    )
