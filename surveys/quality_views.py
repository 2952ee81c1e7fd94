"""Staff pages for the quality of victim care: the supervisor's hub, quality call-backs, dip sampling and
each officer's feedback from victims. Supervisors see their teams, inspectors their BCU's teams, admins
every team; an officer sees only their own feedback. Whatever shows a victim's name or phone number is
written to the access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.forms import apply_service_errors
from victimcare.accounts.constants import CASE_ROLES, Role
from victimcare.accounts.models import User
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record
from victimcare.calendar import add_months, london_month

from . import callbacks, concerns, dip_samples, selectors, services
from .constants import CALLBACK_OUTCOMES, CallBackState, SampleCaseState
from .forms import CallBackForm, CheckForm, ConcernOutcomeForm
from .models import CallBack, DipSample, DipSampleCase


def _overseer(request):
    """Supervisors, inspectors and admins: the teams they oversee."""
    if request.user.role not in callbacks.OVERSEERS:
        raise PermissionDenied
    return callbacks.teams_for(request.user)


def _nav(request) -> str:
    return "callbacks" if request.user.role == Role.VOLUNTEER else "quality"


def _caller(request):
    """Those who make call-backs (overseers and call-back volunteers): the teams they call for."""
    if request.user.role not in callbacks.CALLERS:
        raise PermissionDenied
    return callbacks.teams_for(request.user)


@login_required
def quality(request):
    teams = list(_overseer(request))
    month = london_month(timezone.now())
    officers = selectors.officers_of(teams)
    return render(
        request,
        "surveys/quality/hub.html",
        {
            "nav": "quality",
            "teams": teams,
            "month": month,
            "queued": CallBack.objects.filter(
                team__in=teams, month=month, state=CallBackState.QUEUED
            ).count(),
            "to_review": DipSampleCase.objects.filter(
                sample__team__in=teams, state=SampleCaseState.TO_REVIEW
            ).count(),
            "officers": selectors.feedback_counts(officers),
            "open_concerns": concerns.concerns_for(request.user).filter(obligation__state="open").count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def callback_list(request):
    teams = list(_caller(request))
    now = timezone.now()
    month = london_month(now)
    if request.method == "POST":
        team = next((t for t in teams if str(t.pk) == request.POST.get("team")), None)
        if request.user.role not in callbacks.OVERSEERS:
            messages.error(request, "Nothing was drawn: the team's supervisors draw the call-backs.")
        elif team is None:
            messages.error(request, "Nothing was drawn: choose one of your teams.")
        else:
            made = callbacks.callbacks_draw(team=team, by=request.user, now=now)
            messages.success(
                request,
                f"{len(made)} {'victim' if len(made) == 1 else 'victims'} drawn for call-backs in "
                f"{team.name} ({team.bcu.name})."
                if made
                else f"No more victims to draw in {team.name} ({team.bcu.name}) this month: everyone "
                "eligible has been drawn.",
            )
        return redirect("surveys_staff:callbacks")
    rows = list(
        CallBack.objects.filter(team__in=teams, month=month)
        .select_related("crime", "crime_victim__person", "officer", "team__bcu")
        .order_by("team__name", "officer__last_name", "pk")
    )
    access_record(
        request=request,
        rows=[(AccessAction.CALLBACK_LISTED, cb.crime_id, cb.crime_victim.person_id) for cb in rows],
    )
    by_team = {t: [cb for cb in rows if cb.team_id == t.pk] for t in teams}
    return render(
        request,
        "surveys/quality/callbacks.html",
        {
            "nav": _nav(request),
            "by_team": by_team,
            "month": month,
            "per_officer": callbacks.PER_OFFICER,
            "can_draw": request.user.role in callbacks.OVERSEERS,
            "can_open_cases": request.user.role in CASE_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def callback_call(request, pk: int):
    _caller(request)
    cb = callbacks.callback_get(user=request.user, pk=pk)
    questionnaire = services.default_questionnaire()
    questions = services.questions_of(questionnaire) if questionnaire else []
    form = CallBackForm(request.POST or None, questions=questions)
    if request.method == "POST" and request.POST.get("cancel"):
        if callbacks.callback_cancel(callback=cb, by=request.user):
            messages.success(
                request, f"{cb.crime_victim.person.full_name} has been taken off the call-back list."
            )
        return redirect("surveys_staff:callbacks")
    reasons = callbacks.reasons_now(cb) if cb.state == CallBackState.QUEUED else []
    if request.method == "POST" and cb.state == CallBackState.QUEUED and not reasons and form.is_valid():
        cd = form.cleaned_data
        try:
            callbacks.callback_record(
                callback=cb,
                by=request.user,
                outcome=cd["outcome"],
                raw=form.raw() if CALLBACK_OUTCOMES.get(cd["outcome"]) == CallBackState.DONE else {},
                comments=cd["comments"],
                share_comments=cd["share_comments"],
                passed_on=cd["passed_on"],
                passed_on_kind=cd["passed_on_kind"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(
                request, f"The call-back to {cb.crime_victim.person.full_name} has been recorded."
            )
            return redirect("surveys_staff:callbacks")
    access_record(
        request=request, rows=[(AccessAction.VICTIM_VIEWED, cb.crime_id, cb.crime_victim.person_id)]
    )
    person = cb.crime_victim.person
    plan = getattr(cb.crime_victim, "contact_plan", None)
    return render(
        request,
        "surveys/quality/call.html",
        {
            "nav": _nav(request),
            "cb": cb,
            "p": person,
            "safe_times": (plan.safe_times if plan else "") or person.preferred_contact_times,
            "form": form,
            "reasons": reasons,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_list(request):
    teams = list(_overseer(request))
    now = timezone.now()
    this_month = london_month(now)
    months = [this_month, add_months(this_month, -1)]
    if request.method == "POST":
        team = next((t for t in teams if str(t.pk) == request.POST.get("team")), None)
        month = next((m for m in months if f"{m:%Y-%m}" == request.POST.get("month")), None)
        if team is None or month is None:
            messages.error(request, "Nothing was drawn: choose one of your teams and a month.")
        else:
            try:
                sample = dip_samples.sample_draw(team=team, month=month, by=request.user, now=now)
            except ValidationError as e:
                messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
            else:
                n = sample.cases.count()
                messages.success(
                    request,
                    f"{n} {'case' if n == 1 else 'cases'} drawn for {team.name} ({team.bcu.name}), "
                    f"{month:%B %Y}.",
                )
                return redirect("surveys_staff:sample", pk=sample.pk)
        return redirect("surveys_staff:samples")
    samples = list(
        DipSample.objects.filter(team__in=teams)
        .select_related("team__bcu", "officer")
        .annotate(
            n=Count("cases"),
            done=Count("cases", filter=Q(cases__state=SampleCaseState.REVIEWED)),
        )
        .order_by("-month", "team__name", "-pk")[:100]
    )
    return render(
        request,
        "surveys/quality/samples.html",
        {
            "nav": "quality",
            "samples": samples,
            "teams": teams,
            "months": months,
            "size": dip_samples.sample_size(),
        },
    )


@login_required
def sample_detail(request, pk: int):
    teams = _overseer(request)
    sample = get_object_or_404(
        DipSample.objects.select_related("team__bcu", "officer"), pk=pk, team__in=teams
    )
    cases = list(
        sample.cases.select_related("crime__offence", "officer", "reviewed_by").order_by(
            "state", "crime__reference"
        )
    )
    return render(
        request, "surveys/quality/sample.html", {"nav": "quality", "sample": sample, "cases": cases}
    )


@login_required
@require_http_methods(["GET", "POST"])
def sample_case(request, pk: int):
    _overseer(request)
    sc = dip_samples.sample_case_get(user=request.user, pk=pk)
    form = CheckForm(request.POST or None, initial={**sc.answers, "note": sc.note})
    if request.method == "POST" and request.POST.get("target"):
        if sc.officer is None:
            raise Http404("No officer")
        try:
            dip_samples.target_next_cases(officer=sc.officer, by=request.user, after=sc)
        except ValidationError as e:
            messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        else:
            messages.success(
                request,
                f"{sc.officer.display_name}'s next {dip_samples.TARGET_SIZE} cases will be sampled as "
                "they are allocated.",
            )
        return redirect("surveys_staff:sample_case", pk=sc.pk)
    if request.method == "POST" and form.is_valid():
        try:
            sc = dip_samples.sample_case_review(
                sample_case=sc, by=request.user, answers=form.answers(), note=form.cleaned_data["note"]
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(
                request, f"Your findings on {sc.crime.reference} have been saved and shown to the officer."
            )
            if dip_samples.poor(sc.passed, sc.failed):
                return redirect("surveys_staff:sample_case", pk=sc.pk)  # where the next cases can be targeted
            return redirect("surveys_staff:sample", pk=sc.sample_id)
    return render(
        request,
        "surveys/quality/sample_case.html",
        {
            "nav": "quality",
            "sc": sc,
            "crime": sc.crime,
            "form": form,
            "poor": sc.state == SampleCaseState.REVIEWED and dip_samples.poor(sc.passed, sc.failed),
            "targeted": sc.officer_id and dip_samples.open_target(sc.officer_id) is not None,
        },
        status=400 if form.errors else 200,
    )


@login_required
def feedback(request, officer_id: int | None = None):
    """Feedback from victims for one officer: what victims asked to be passed on after a call-back, the
    comments they allowed to be passed on from the survey, and the supervisor's dip-sample findings."""
    user = request.user
    if officer_id is None or officer_id == user.pk:
        if user.role not in (Role.OFFICER, Role.SUPERVISOR):
            raise PermissionDenied
        officer = user
    else:
        teams = callbacks.teams_for(user)
        officer = get_object_or_404(User, pk=officer_id, team__in=teams)
    return render(
        request,
        "surveys/quality/feedback.html",
        {
            "nav": "quality" if officer != user else "work",
            "officer": officer,
            "own": officer == user,
            "items": selectors.officer_feedback(officer),
            "findings": selectors.officer_findings(officer),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def concern_list(request):
    """Concerns and unhappy feedback on the cases the reader answers for, newest first: the victim's words,
    the duty to respond, the reply, and the outcome (recorded here)."""
    if request.user.role not in (Role.OFFICER, Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN):
        raise PermissionDenied
    form = ConcernOutcomeForm(request.POST or None)
    if request.method == "POST":
        msg = concerns.concern_get(user=request.user, pk=_int(request.POST.get("message")))
        if form.is_valid():
            try:
                concerns.concern_outcome_record(
                    message=msg,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as e:
                messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
            else:
                messages.success(
                    request, f"The outcome of the concern on {msg.crime.reference} has been recorded."
                )
        else:
            messages.error(request, "Nothing was recorded: choose what came of the concern.")
        return redirect("surveys_staff:concerns")
    rows = list(
        concerns.concerns_for(request.user)
        .select_related("crime", "obligation", "crime_victim__person", "concern_record__recorded_by")
        .order_by("-created_at")[:100]
    )
    access_record(
        request=request,
        rows=[(AccessAction.VICTIM_VIEWED, m.crime_id, m.crime_victim.person_id) for m in rows],
    )
    return render(
        request,
        "surveys/quality/concerns.html",
        {
            "nav": "quality" if request.user.role != Role.OFFICER else "work",
            "rows": rows,
            "form": form,
            "now_": timezone.now(),
        },
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such concern") from None
