"""A member of staff's own account: API access (see their token's dates, revoke it) and two-factor sign-in."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from victimcare.core.forms import posted

from . import two_factor
from .tokens import expires_at, revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_access(request):
    if request.method == "POST":
        if revoke(request.user):
            messages.success(request, "Your API token is revoked. Programs using it can no longer sign in.")
        return redirect("api_access")
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/api_access.html",
        {
            "token": token,
            "expires_at": expires_at(token) if token else None,
            "lifetime_hours": f"{settings.API_TOKEN_LIFETIME_HOURS} hours",
        },
    )


# --- two-factor sign-in (victimcare.accounts.two_factor) -------------------------------------------
def code_field(*, label: str, help_text: str, required: str, max_length: int, numeric: bool, width: int):
    """The one-time-code box both forms use: autocomplete for the code, no spellcheck."""
    attrs = {"autocomplete": "one-time-code", "spellcheck": "false", "class": f"govuk-input--width-{width}"}
    if numeric:
        attrs["inputmode"] = "numeric"
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        error_messages={"required": required},
        widget=forms.TextInput(attrs=attrs),
    )


class CodeForm(forms.Form):
    code = code_field(
        label="Code",
        max_length=40,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        required="Enter the code from your authenticator app.",
        numeric=False,
        width=10,
    )


class SetupCodeForm(CodeForm):
    """At set-up only the app's 6 digits make sense (there are no recovery codes yet)."""

    code = code_field(
        label="Code from the app",
        max_length=12,
        help_text="The 6 digits the app shows for Victim care.",
        required="Enter the 6-digit code the app shows.",
        numeric=True,
        width=5,
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in, for anyone with two-factor on."""
    if two_factor.pending(request) != "verify":
        return redirect(_next_url(request))
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if two_factor.verify_session(request, form.cleaned_data["code"]):
                left = two_factor.recovery_codes_left(request.user)
                if left <= 3:
                    messages.warning(
                        request,
                        f"You have {left} recovery code{'s' if left != 1 else ''} left. "
                        "Make new ones on your two-factor page.",
                    )
                return redirect(_next_url(request))
            form.add_error(
                "code",
                "That code is not right. Enter the code your app shows now; after several wrong codes, "
                "wait a minute before trying again.",
            )
        except two_factor.CodeLocked:
            form.add_error(
                "code", "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator."
            )
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app: scan the QR code (or type the key), then enter the first code. Open to
    anyone signed in who has not turned it on, and to a verified person replacing their app."""
    step = two_factor.pending(request)
    if step == "verify":
        return redirect(f"{resolve_url('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    device = two_factor.setup_device(request.user)
    form = SetupCodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_setup(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
        form.add_error(
            "code", "That code is not right. Check the app shows Victim care, and enter its 6 digits."
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "key": two_factor.setup_key(device),
            "qr": mark_safe(two_factor.setup_qr_svg(device)),  # noqa: S308 - SVG made by segno from our own URL
            "required": two_factor.required_for(request.user),
            "replacing": two_factor.is_on(request.user),
            "next": _next_url(request),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_manage(request):
    """Your two-factor sign-in: on or off, recovery codes left; make new codes; turn it off if your role
    does not require it."""
    user = request.user
    required = two_factor.required_for(user)
    on = two_factor.is_on(user)
    action = request.POST.get("action") if request.method == "POST" else None
    forms_by_action = {
        name: CodeForm(request.POST if action == name else None, prefix=name, label_suffix="")
        for name in ("codes", "off")
    }
    for form in forms_by_action.values():
        form.fields["code"].label = "Code from your authenticator app"
        form.fields["code"].help_text = "The 6 digits your app shows now, or one of your recovery codes."
    if request.method == "POST":
        form = forms_by_action.get(action)
        if form is None or not on or (action == "off" and required):
            messages.error(request, "That cannot be done here.")
            return redirect("two_factor_manage")
        # Someone at an unlocked screen must not turn it off or make codes: ask for a current code.
        if form.is_valid():
            try:
                if two_factor.check_code(user, form.cleaned_data["code"], request=request) is None:
                    form.add_error(
                        "code",
                        "That code is not right. Enter the code your app shows now, or a recovery code.",
                    )
            except two_factor.CodeLocked:
                form.add_error("code", "Too many failed attempts. Wait 15 minutes and try again.")
        if form.is_valid():
            if action == "codes":
                codes = two_factor.new_recovery_codes(user)
                return render(
                    request,
                    "accounts/two_factor_codes.html",
                    {"codes": codes, "next": resolve_url("two_factor_manage"), "first_time": False},
                )
            two_factor.reset(user)
            two_factor.forget_verification(request)
            messages.success(request, "Two-factor sign-in is off. You sign in with your password alone.")
            return redirect("two_factor_manage")
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "on": on,
            "required": required,
            "codes_left": two_factor.recovery_codes_left(user),
            "codes_form": forms_by_action["codes"],
            "off_form": forms_by_action["off"],
            "failed": next((f for f in forms_by_action.values() if f.errors), None),
        },
        status=400 if action and forms_by_action.get(action) and forms_by_action[action].errors else 200,
    )
