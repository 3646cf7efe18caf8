"""Multi-factor authentication: an authenticator app (TOTP) and one-time recovery codes.

django-otp holds the devices (``TOTPDevice``, ``StaticDevice`` with its ``StaticToken`` rows) and
marks a session as verified (``django_otp.login``); this module is the only code that creates,
confirms or checks them, and it writes every set-up, failure and recovery code used to the audit
log. Codes and secrets never go to the audit log or to any other log.
"""

import re
import time
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.audit.services import audit_record

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_totp_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def unconfirmed_totp_device(user) -> TOTPDevice:
    """The device being set up: the same secret on every visit to the set-up page until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code, drawn on the server (no script, no image request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg class="cw-qr-code" role="img" aria-label="QR code for your authenticator app" ', 1
    )


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code an authenticator app with this device's key shows at ``at`` (default: now): for
    tests, and for the demo's own devices (demo_code)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


@dataclass
class Outcome:
    ok: bool
    # When refused because of too many wrong codes: seconds until the next try is allowed.
    wait_seconds: int = 0
    recovery_codes_left: int | None = None


def _wait_seconds(device) -> int:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def _mark_verified(request, device) -> None:
    """This session passed the second factor with ``device``: marked so (django-otp) under a new
    session key, because a step up in privilege must not keep a key that was handed out, or could
    have been seen, before it (Django renews the key at the password step, not at this one)."""
    django_otp.login(request, device)
    request.session.cycle_key()


def _audit(user, action: str, **detail) -> None:
    with transaction.atomic():
        audit_record(actor=user, action=action, object_type="accounts.user", object_id=user.pk, **detail)


def confirm_totp_device(request, device: TOTPDevice, code: str) -> Outcome:
    """Set-up: the first code from the new app confirms the device and verifies this session."""
    with transaction.atomic():
        # Locked, so that two requests cannot both use one code or both slip past the throttle.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return _confirm_totp_device(request, device, code)


def _confirm_totp_device(request, device: TOTPDevice, code: str) -> Outcome:
    wait = _wait_seconds(device)
    if wait:
        return Outcome(ok=False, wait_seconds=wait)
    if not device.verify_token(normalise_totp(code)):
        _audit(request.user, "mfa_failed", stage="set_up")
        return Outcome(ok=False, wait_seconds=_wait_seconds(device) if device.throttling_failure_count > 1 else 0)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Any other device left over from an earlier set-up is no longer wanted.
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        audit_record(actor=request.user, action="mfa_set_up", object_type="accounts.user", object_id=request.user.pk)
    _mark_verified(request, device)
    return Outcome(ok=True)


def issue_recovery_codes(user) -> list[str]:
    """A fresh set of one-time recovery codes; any earlier set stops working. Shown to the user once."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def renew_recovery_codes(user) -> list[str]:
    codes = issue_recovery_codes(user)
    _audit(user, "mfa_codes_renewed")
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_totp(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def normalise_recovery_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def verify_totp(request, code: str) -> Outcome:
    """Sign-in: a code from the user's confirmed authenticator app verifies this session."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True).order_by("pk").first()
        return _verify(request, device, normalise_totp(code), method="totp")


def verify_recovery_code(request, code: str) -> Outcome:
    """Sign-in with a recovery code: each works once (django-otp deletes it as it accepts it)."""
    with transaction.atomic():
        device = (
            StaticDevice.objects.select_for_update().filter(user=request.user, confirmed=True).order_by("pk").first()
        )
        return _verify(request, device, normalise_recovery_code(code), method="recovery_code")


def verify_demo_device(request, device: TOTPDevice) -> None:
    """The demo's one-click sign-in (``casework/accounts/demo.py`` decides when it may be used): this
    session verified by the user's demo authenticator without its code, audited as a second factor."""
    _mark_verified(request, device)
    _audit(request.user, "mfa_verified", method="demo_sign_in")


def _verify(request, device, token: str, *, method: str) -> Outcome:
    """One sign-in check for either kind of device (locked by the caller): throttled, audited,
    and on success the session marked verified by this device."""
    user = request.user
    if device is None:
        if method == "recovery_code":
            _audit(user, "mfa_failed", stage="verify", method=method)
        return Outcome(ok=False)
    wait = _wait_seconds(device)
    if wait:
        _audit(user, "mfa_failed", stage="verify", method=method, throttled=True)
        return Outcome(ok=False, wait_seconds=wait)
    if device.verify_token(token):
        _mark_verified(request, device)
        if method == "recovery_code":
            left = device.token_set.count()
            _audit(user, "mfa_recovery_used", codes_left=left)
            return Outcome(ok=True, recovery_codes_left=left)
        _audit(user, "mfa_verified", method=method)
        return Outcome(ok=True)
    _audit(user, "mfa_failed", stage="verify", method=method)
    return Outcome(ok=False, wait_seconds=_wait_seconds(device) if device.throttling_failure_count > 1 else 0)
