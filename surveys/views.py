"""The victim's survey page (opened from a single-use link, no account needed) and the staff page for
answers taken by phone or in person.

The survey page shows nothing about the case: no reference, officer or crime, whoever holds the link.
A link that is unknown, used, closed or expired gets a page saying so in words, and changes nothing."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases.forms import apply_service_errors
from cases.models import CrimeVictim
from cases.views import case_worker_required
from portal.session import portal_required
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record

from . import services
from .forms import SurveyForm


def _language(request, invitation_language: str) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in dict(settings.LANGUAGES) else invitation_language


@require_http_methods(["GET", "POST"])
def answer(request, secret: str):
    """The survey from an emailed, texted or posted link: no account needed."""
    translation.activate(_language(request, services.link_language(secret) or "en"))
    try:
        inv = services.invitation_for(secret)
    except services.LinkProblem as problem:
        return render(request, "surveys/link_problem.html", {"problem": problem.message}, status=404)
    return _survey(request, inv, {"secret": secret})


@portal_required
@require_http_methods(["GET", "POST"])
def answer_signed_in(request):
    """The same survey for a victim signed in to the portal (linked from their case page)."""
    inv = services.invitation_open_for(request.cv)
    if inv is None:
        return render(
            request,
            "surveys/link_problem.html",
            {"problem": _("There is no survey waiting for you.")},
            status=404,
        )
    return _survey(request, inv, {"crime_victim": request.cv})


def thanks(request):
    """After answering (a page of its own, so reloading it does not send the answers again), in the
    language they answered in."""
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return render(request, "surveys/thanks.html")


def _survey(request, inv, who: dict):
    language = _language(request, inv.language)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    questionnaire = inv.questionnaire
    questions = services.questions_of(questionnaire)
    form = SurveyForm(request.POST or None, questions=questions, language=language)
    if request.method == "POST":
        if request.POST.get("decline"):
            try:
                services.survey_decline(**who)
            except services.LinkProblem as problem:
                return render(request, "surveys/link_problem.html", {"problem": problem.message}, status=404)
            return render(request, "surveys/declined.html")
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.response_submit(
                    **who,
                    raw=form.raw(),
                    comments=cd["comments"],
                    share_comments=cd["share_comments"],
                    language=language,
                )
            except services.LinkProblem as problem:
                return render(request, "surveys/link_problem.html", {"problem": problem.message}, status=404)
            except ValidationError as e:
                apply_service_errors(e, {"": form})
            else:
                return redirect(f"{reverse('surveys:thanks')}?lang={language}")
    return render(
        request,
        "surveys/answer.html",
        {
            "form": form,
            "questionnaire": questionnaire,
            "title": questionnaire.title(language),
            "intro": questionnaire.intro(language),
        },
        status=400 if form.errors else 200,
    )


@case_worker_required
@require_http_methods(["GET", "POST"])
def enter(request, ref: str, cv_id: int):
    """Staff record answers a victim gave by phone or in person (on the case's page, for those who may
    work the case). Viewing it shows the victim's name, so it is audited like the case page."""
    crime = case_selectors.case_get(user=request.user, ref=ref)
    cv = get_object_or_404(CrimeVictim.objects.select_related("person"), pk=cv_id, crime=crime)
    cv.crime = crime
    questionnaire = services.default_questionnaire()
    questions = services.questions_of(questionnaire) if questionnaire else []
    form = SurveyForm(request.POST or None, questions=questions, language="en", staff=True)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            services.response_enter(
                by=request.user,
                crime_victim=cv,
                source=cd["source"] or "",
                raw=form.raw(),
                comments=cd["comments"],
                share_comments=cd["share_comments"],
                passed_on=cd["passed_on"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"The survey answers from {cv.person.full_name} have been saved.")
            return redirect(f"{crime.get_absolute_url()}#survey-{cv.pk}")
    access_record(request=request, rows=[(AccessAction.VICTIM_VIEWED, crime.pk, cv.person_id)])
    return render(
        request,
        "surveys/enter.html",
        {"form": form, "crime": crime, "cv": cv, "p": cv.person, "questionnaire": questionnaire},
        status=400 if form.errors else 200,
    )


@case_worker_required
@require_http_methods(["POST"])
def setting(request, ref: str, cv_id: int):
    """Staff record what a victim said about surveys."""
    crime = case_selectors.case_get(user=request.user, ref=ref)
    cv = get_object_or_404(CrimeVictim.objects.select_related("person"), pk=cv_id, crime=crime)
    wants = request.POST.get("wants_surveys")
    if wants not in ("yes", "no"):
        messages.error(request, "Nothing was changed: say whether they want surveys.")
    else:
        services.survey_setting_save(person=cv.person, wants_surveys=wants == "yes", by=request.user)
        messages.success(
            request,
            f"Recorded: {cv.person.full_name} "
            + ("may be sent surveys." if wants == "yes" else "will not be sent surveys."),
        )
    return redirect(f"{crime.get_absolute_url()}#survey-{cv.pk}")
