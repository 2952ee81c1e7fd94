"""Two-factor sign-in for staff: a code from an authenticator app (TOTP, RFC 6238) after the password, with
ten single-use recovery codes for a lost phone.

Built on django-otp (the Django ecosystem's well-kept OTP library: TOTP and static-token devices with
throttling after failed codes, and a middleware that marks a session as verified). This module is the one
place that decides who must use it and how a device is set up, checked and reset; the views, the
middleware and the API's token endpoint ask it.

Who must: administrators always (the role, or anyone who can open the Django admin), and the roles named
in settings.TWO_FACTOR_REQUIRED_ROLES. Anyone else may turn it on for themselves, and once it is on it is
asked for at every sign-in."""

from __future__ import annotations

import base64
import re

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Role
from .models import User
from .services import SignInLocked, sign_in_attempt

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"


def required_for(user: User) -> bool:
    """Must this member of staff use two-factor sign-in?"""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN or user.is_staff or user.is_superuser:
        return True
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_on(user: User) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed the second step? (OTPMiddleware sets user.otp_device from the session.)"""
    return getattr(request.user, "otp_device", None) is not None


STEP_SESSION_KEY = "two_factor_step"


def pending(request: HttpRequest) -> str | None:
    """What a signed-in member of staff must still do before anything else: "verify" (enter a code),
    "setup" (their role requires two-factor and they have no app yet), or None. That there is nothing to
    do is remembered in the session (until the next sign-in), so most pages pay no query for it; a role
    that requires two-factor is checked on every request."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return None
    required = required_for(user)
    if not required and request.session.get(STEP_SESSION_KEY) == "none":
        return None
    if is_on(user):
        return "verify"
    if required:
        return "setup"
    request.session[STEP_SESSION_KEY] = "none"
    return None


def signed_in(request: HttpRequest, user: User) -> None:
    """A password sign-in starts afresh (user_logged_in): work out now whether a second step is needed,
    so that the pages after it pay no query for that."""
    if request is None or not hasattr(request, "session"):
        return
    if required_for(user) or is_on(user):
        request.session.pop(STEP_SESSION_KEY, None)
    else:
        request.session[STEP_SESSION_KEY] = "none"


# --- setting up ------------------------------------------------------------------------------------
def setup_device(user: User) -> TOTPDevice:
    """The unconfirmed app device being set up (the same one until it is confirmed, so reloading the page
    keeps the key the person may already have scanned)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def setup_key(device: TOTPDevice) -> str:
    """The key to type into an app, in groups of four: 'ABCD EFGH ...'."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup_qr_svg(device: TOTPDevice) -> str:
    """The key as a QR code, an inline SVG element (no script, no inline style: allowed by the CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", omitsize=False
    )


def clean_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


@transaction.atomic
def confirm_setup(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Check the first code from the app; if right, turn two-factor on for the person (replacing any
    earlier app), mark this session verified and return their new recovery codes. None if wrong."""
    if not device.verify_token(clean_code(code)):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = new_recovery_codes(user)
    otp_login(request, device)
    return codes


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh single-use codes; any earlier ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- checking --------------------------------------------------------------------------------------
class CodeLocked(Exception):
    """Too many wrong codes for this account or from this address (the staff sign-in lock-out)."""


def check_code(user: User, code: str, *, request: HttpRequest | None) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code (the app's 6 digits or a recovery code, which is then used up), or
    None. Counted under the staff lock-out (one for every way in), and each device also slows down after
    wrong codes (django-otp's throttling). Raises CodeLocked when over the lock-out."""
    code = clean_code(code)
    device = None
    try:
        with sign_in_attempt(email=user.email, request=request) as attempt:
            if code:
                app = app_device(user)
                if app is not None and code.isdigit() and app.verify_token(code):
                    device = app
                else:
                    for static in StaticDevice.objects.filter(user=user, confirmed=True):
                        if static.verify_token(code):
                            device = static
                            break
            if device is None:
                attempt.failed()  # a wrong code stays counted
    except SignInLocked:
        raise CodeLocked from None
    return device


def verify_session(request: HttpRequest, code: str) -> bool:
    """The second step of a web sign-in: mark the session verified if the code is right."""
    device = check_code(request.user, code, request=request)
    if device is None:
        return False
    otp_login(request, device)
    return True


# --- turning off -----------------------------------------------------------------------------------
@transaction.atomic
def reset(user: User) -> None:
    """Remove the person's app and recovery codes (they lost their phone, or turn it off). If their role
    requires two-factor, they set it up again at their next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def forget_verification(request: HttpRequest) -> None:
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(STEP_SESSION_KEY, None)
