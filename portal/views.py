"""The victim portal (TrackMyCrime-style). Thin views over portal.services and portal.selectors; every
signed-in page works on the one crime-victim held in the portal session (never an id from the URL)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.forms import apply_service_errors
from referrals.selectors import support_services_for
from victimcare.core.forms import posted
from victimcare.core.http import client_ip

from . import hooks, selectors, services, session
from .forms import (
    ActivateForm,
    ConcernForm,
    FeedbackForm,
    PreferencesForm,
    PropertyForm,
    QuestionForm,
    ResetForm,
    ResetRequestForm,
    ReviewForm,
    SignInForm,
    StatementForm,
)
from .models import TokenPurpose
from .session import portal_required

QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"


def _safe_next(request, default: str = "/portal/case/") -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt.startswith("/portal/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default


def _signed_in(request, account, cv, response_to: str):
    """Start the portal session. The page language stays as the victim chose it on this device; with no
    choice made here yet, it is their account's language."""
    session.start(request, account, cv)
    response = redirect(response_to)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        _set_language(response, account.language)
    return response


def _set_language(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
    )


# --- signing in -------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.portal is not None and request.method == "GET":
        return redirect("portal:case")
    form = SignInForm(posted(request))
    locked = False
    if request.method == "POST" and form.is_valid():
        try:
            account, cv = services.authenticate(
                reference=form.cleaned_data["reference"],
                date_of_birth=form.dob,
                password=form.cleaned_data["password"],
                ip=client_ip(request) or "",
            )
        except services.SignInRefused as e:
            locked = e.locked
            form.add_error(
                None,
                _(
                    "Too many attempts. For your safety, wait 15 minutes and try again, "
                    "or reset your password."
                )
                if e.locked
                else _(
                    "The crime reference, date of birth or password is not right. Check them and try again."
                ),
            )
        else:
            return _signed_in(request, account, cv, _safe_next(request))
    status = 429 if locked else (400 if request.method == "POST" else 200)
    return render(
        request,
        "portal/sign_in.html",
        {"form": form, "expired": request.GET.get("expired") == "1", "next": _safe_next(request, "")},
        status=status,
    )


@require_POST
def sign_out(request):
    session.end(request)
    messages.success(request, _("You have signed out."))
    return redirect("portal:sign_in")


def quick_exit(request):
    """Leave at once: end any portal session and go to a neutral site, leaving as little trace as the
    browser allows on a shared device: our cookies (the language choice, the form token) are deleted and
    the browser is asked to clear this site's cookies and storage."""
    if request.portal is not None or request.session.get(session.KEY):
        session.end(request)
    response = HttpResponseRedirect(QUICK_EXIT_URL)
    for name in (settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME):
        response.delete_cookie(name)
    response["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@require_http_methods(["GET", "POST"])
def activate(request, token: str):
    return _token_page(request, token, TokenPurpose.ACTIVATE)


@require_http_methods(["GET", "POST"])
def reset_complete(request, token: str):
    return _token_page(request, token, TokenPurpose.RESET)


TOKEN_IN_SESSION = "set-password"


def _token_page(request, token: str, purpose: str):
    """As Django's password-reset view does: the link's secret is moved into the session at once and the
    browser sent to a URL without it, so it does not linger in history, Referer headers or later logs."""
    template = "portal/activate.html" if purpose == TokenPurpose.ACTIVATE else "portal/reset_complete.html"
    key = f"portal-{purpose}-token"
    if token == TOKEN_IN_SESSION:
        token = request.session.get(key, "")
    try:
        services.token_check(token, purpose)
    except services.TokenProblem as e:
        return render(request, "portal/link_problem.html", {"problem": e.messages[0]}, status=410)
    if request.method == "GET" and request.resolver_match.kwargs.get("token") != TOKEN_IN_SESSION:
        request.session[key] = token
        return redirect(request.path.replace(token, TOKEN_IN_SESSION))
    form_class = ActivateForm if purpose == TokenPurpose.ACTIVATE else ResetForm
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            if purpose == TokenPurpose.ACTIVATE:
                account, cv = services.activate(
                    secret=token,
                    date_of_birth=form.dob,
                    password=form.cleaned_data["password"],
                    password2=form.cleaned_data["password2"],
                )
            else:
                account, cv = services.reset_complete(
                    secret=token,
                    date_of_birth=form.dob,
                    password=form.cleaned_data["password"],
                    password2=form.cleaned_data["password2"],
                )
        except services.TokenProblem as e:
            return render(request, "portal/link_problem.html", {"problem": e.messages[0]}, status=410)
        except ValidationError as e:
            _service_errors(form, e)
        else:
            request.session.pop(key, None)
            response = _signed_in(request, account, cv, "/portal/case/")
            messages.success(
                request,
                _("Your account is ready. You are signed in.")
                if purpose == TokenPurpose.ACTIVATE
                else _("Your password has been changed. You are signed in."),
            )
            return response
    return render(request, template, {"form": form}, status=400 if request.method == "POST" else 200)


def _service_errors(form, error: ValidationError) -> None:
    """Field errors onto their fields; the date of birth (three inputs, no single field) under "dob"."""
    by_field = dict(error.message_dict)
    for m in by_field.pop("dob", []):
        form._errors.setdefault("dob", form.error_class()).append(m)
    if by_field:
        apply_service_errors(ValidationError(by_field), {"": form})


@require_http_methods(["GET", "POST"])
def reset_request(request):
    form = ResetRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.reset_request(
            reference=form.cleaned_data["reference"], date_of_birth=form.dob, ip=client_ip(request) or ""
        )
        return render(request, "portal/reset_sent.html")
    return render(request, "portal/reset_request.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
def language(request):
    lang = request.POST.get("language")
    if lang not in dict(settings.LANGUAGES):
        lang = "en"
    response = HttpResponseRedirect(_safe_next(request, "/portal/"))
    _set_language(response, lang)
    if request.portal is not None:
        services.language_set(account_id=request.portal.account_id, language=lang)
    return response


# --- signed in ---------------------------------------------------------------------------------------------
def _page(request, template: str, **ctx):
    cv = request.cv
    ctx.setdefault("cv", cv)
    ctx.setdefault("crime", cv.crime)
    return render(request, template, ctx, status=ctx.pop("status", 200))


@portal_required
def case(request):
    cv = request.cv
    crime = cv.crime
    items = selectors.timeline(cv)
    unread = set(services.messages_read(items))
    return _page(
        request,
        "portal/case.html",
        status_words=selectors.status_words_for(crime),
        next_steps=selectors.NEXT_STEPS.get(crime.status, ""),
        officer=selectors.officer_for(cv),
        timeline=items,
        unread=unread,
        review=services.review_decision(crime, cv) is not None,
        can_feedback=services.feedback_open(cv),
        links=[link for link in hooks.case_page_links.collect(cv) if link is not None],
        nav="case",
    )


def _action(request, form_class, template: str, do, done_message: str, **ctx):
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            do(form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, done_message)
            return redirect("portal:case")
    return _page(request, template, form=form, status=400 if form.errors else 200, **ctx)


@portal_required
@require_http_methods(["GET", "POST"])
def ask(request):
    return _action(
        request,
        QuestionForm,
        "portal/ask.html",
        lambda d: services.question_ask(crime_victim=request.cv, text=d["question"]),
        _("Your message has been sent to your officer. They will reply here within 2 working days."),
        nav="ask",
    )


@portal_required
@require_http_methods(["GET", "POST"])
def problem(request):
    return _action(
        request,
        ConcernForm,
        "portal/problem.html",
        lambda d: services.concern_raise(crime_victim=request.cv, text=d["concern"]),
        _("Thank you for telling us. Your officer and their supervisor have been told, and will reply here."),
    )


@portal_required
@require_http_methods(["GET", "POST"])
def statement(request):
    return _action(
        request,
        StatementForm,
        "portal/statement.html",
        lambda d: services.statement_submit(crime_victim=request.cv, text=d["statement"]),
        _("Thank you. Your statement has been sent to your officer and kept with your case."),
    )


@portal_required
@require_http_methods(["GET", "POST"])
def review(request):
    decision = services.review_decision(request.cv.crime, request.cv)
    if decision is None and request.method == "GET":
        return _page(request, "portal/review_unavailable.html")
    return _action(
        request,
        ReviewForm,
        "portal/review.html",
        lambda d: services.review_request(crime_victim=request.cv, grounds=d["grounds"]),
        _("We have your request for a review. We will acknowledge it within 10 working days."),
        decision=decision,
    )


@portal_required
@require_http_methods(["GET", "POST"])
def feedback(request):
    cv = request.cv
    if request.method == "GET" and not services.feedback_open(cv):
        return _page(request, "portal/feedback_unavailable.html", closed=cv.crime.is_closed)
    return _action(
        request,
        FeedbackForm,
        "portal/feedback.html",
        lambda d: services.feedback_submit(crime_victim=cv, rating=d["rating"], comments=d["comments"]),
        _("Thank you for your feedback."),
    )


@portal_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    cv, account = request.cv, request.account
    plan = getattr(cv, "contact_plan", None)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            try:
                services.preferences_save(crime_victim=cv, account=account, data=form.cleaned_data)
            except ValidationError as e:
                apply_service_errors(e, {"": form})
            else:
                lang = form.cleaned_data.get("language") or "en"
                messages.success(
                    request, _("Your contact preferences have been saved. Your officer has been told.")
                )
                response = redirect("portal:preferences")
                _set_language(response, lang)
                return response
    else:
        form = PreferencesForm(
            initial={
                "methods": [m for m in (plan.methods if plan else []) if m in dict(services.METHOD_LABELS)],
                "safe_times": plan.safe_times if plan else cv.person.preferred_contact_times,
                "frequency": plan.frequency if plan else "every_28_days",
                "language": account.language,
                "format": plan.format if plan else "standard",
            }
        )
    person = cv.person
    safe = [label for key, label in services.METHOD_LABELS if person.channel_safe(key)]
    return _page(
        request,
        "portal/preferences.html",
        form=form,
        safe_methods=safe,
        account=account,
        nav="preferences",
        status=400 if form.errors else 200,
    )


@portal_required
@require_POST
def alerts(request):
    on = request.POST.get("alerts") == "on"
    services.alerts_set(account=request.account, crime_victim=request.cv, on=on)
    messages.success(
        request,
        _("We will send you an email or text when there is an update.")
        if on
        else _(
            "We will not send you emails or texts about updates. Check this website for news of your case."
        ),
    )
    return redirect("portal:preferences")


@portal_required
@require_http_methods(["GET", "POST"])
def close_account(request):
    if request.method == "POST":
        services.account_close(account=request.account, crime_victim=request.cv)
        session.end(request)
        messages.success(
            request, _("Your account is closed. Your officer will keep you updated in other ways.")
        )
        return redirect("portal:sign_in")
    return _page(request, "portal/close_account.html")


@portal_required
def support(request):
    cv = request.cv
    orgs = list(support_services_for(bcu_id=cv.crime.bcu_id, crime=cv.crime, crime_victim=cv))
    local, national = [o for o in orgs if not o.is_national], [o for o in orgs if o.is_national]
    return _page(request, "portal/support.html", local=local, national=national, nav="support")


@portal_required
def property_list(request):
    return _page(
        request, "portal/property_list.html", items=list(selectors.property_for(request.cv)), nav="property"
    )


@portal_required
@require_http_methods(["GET", "POST"])
def property_edit(request, item_id: int):
    item = selectors.property_for(request.cv).filter(pk=item_id).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        form = PropertyForm(request.POST)
        if form.is_valid():
            try:
                services.property_update(item=item, crime_victim=request.cv, data=form.cleaned_data)
            except ValidationError as e:
                apply_service_errors(e, {"": form})
            else:
                messages.success(
                    request, _("Thank you. The details have been updated and your officer told.")
                )
                return redirect("portal:property")
    else:
        form = PropertyForm(
            initial={
                "description": item.description,
                "value_pounds": item.value_pounds if item.value_pounds is not None else "",
                "serial_number": item.serial_number,
                "victim_notes": item.victim_notes,
            }
        )
    return _page(
        request,
        "portal/property_edit.html",
        form=form,
        item=item,
        nav="property",
        status=400 if form.errors else 200,
    )


def not_found(request, exception=None):
    """A missing page under /portal/ (victimcare.urls sends it here): the portal's own page, in the language
    the victim chose, with the quick exit, never the staff page."""
    return render(request, "portal/404.html", status=404)
