"""Self-assessment pages: the list (the force's and the BCUs' the reader may see), a new self-assessment,
one assessment's results (averages per component, the spider diagram with up to two earlier assessments
of the same force or BCU, and the guidance to read for each low component), and each component's
chapter of the guide.

Analysts and administrators: the force and every BCU. Inspectors: the force's (to read) and their own
BCUs'. Supervisors read the force's and their teams' BCUs'. Officers and partners: none (403). An
assessment the reader may not see is "not found", the same as one that does not exist."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.forms import apply_service_errors

from . import assessment_selectors as selectors
from .assessment_chart import radar
from .assessment_data import SCALE
from .assessment_forms import AssessmentForm
from .assessment_guidance import CHAPTERS
from .assessment_models import AssessmentComponent, AssessmentIndicator, AssessmentScore
from .assessment_services import assessment_record, averages_of, is_low, scores_check

NAV = "self_assessment"
EARLIER_SHOWN = 2


def reader_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.may_read(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _figure(avg: float | None) -> str:
    return "Not scored" if avg is None else f"{avg:.1f}"


def _when(assessment) -> str:
    return f"{timezone.localtime(assessment.assessed_at):%-d %B %Y}"


@reader_required
def assessment_list(request):
    assessments = list(selectors.assessments_visible_to(request.user).order_by("-assessed_at", "-pk"))
    return render(
        request,
        "surveys/assessment/list.html",
        {
            "nav": NAV,
            "assessments": assessments,
            "may_assess": selectors.may_assess_anything(request.user),
            "components": AssessmentComponent.objects.all(),
        },
    )


@reader_required
@require_http_methods(["GET", "POST"])
def assessment_new(request):
    user = request.user
    if not selectors.may_assess_anything(user):
        raise PermissionDenied
    indicators = list(AssessmentIndicator.objects.select_related("component"))
    form = AssessmentForm(
        request.POST or None,
        indicators=indicators,
        force=selectors.may_assess_force(user),
        bcus=selectors.bcus_user_may_assess(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(
                by=user,
                bcu=form.bcu(),
                title=form.cleaned_data["title"],
                scores=form.scores(),
                notes=form.notes_by_indicator(),
                summary=form.cleaned_data["notes"],
            )
        except ValidationError as e:
            apply_service_errors(e, {"": form})
        else:
            messages.success(request, f"Self-assessment saved: {assessment.title}")
            return redirect("self_assessment:detail", pk=assessment.pk)
    elif request.method == "POST":
        # The area or title was wrong: say what else is missing too, so one correction is enough.
        for field, errors in scores_check(indicators, form.scores())[1].items():
            for error in errors:
                form.add_error(field, error)
    sections = []
    for ind in indicators:
        bf = form[f"score_{ind.pk}"]
        chosen = str(bf.value() or "")
        options = [
            {"score": n, "words": words, "meaning": SCALE[n], "checked": chosen == str(n)}
            for n, words in enumerate(ind.descriptors)
        ]
        if not sections or sections[-1]["component"] != ind.component:
            sections.append({"component": ind.component, "items": []})
        sections[-1]["items"].append(
            {"indicator": ind, "field": bf, "note": form[f"note_{ind.pk}"], "options": options}
        )
    return render(
        request,
        "surveys/assessment/new.html",
        {"nav": NAV, "form": form, "sections": sections, "scale": sorted(SCALE.items())},
        status=400 if form.errors else 200,
    )


@reader_required
def assessment_detail(request, pk: int):
    assessment = selectors.assessment_for(request.user, pk)
    if assessment is None:
        raise Http404("No such self-assessment")
    earlier = selectors.earlier_of(assessment, limit=EARLIER_SHOWN)
    shown = [assessment, *earlier]
    averages = averages_of(shown)
    components = list(AssessmentComponent.objects.all())
    rows = []
    for c in components:
        avg = averages[assessment.pk].get(c.number)
        rows.append(
            {
                "component": c,
                "average": _figure(avg),
                "earlier": [_figure(averages[e.pk].get(c.number)) for e in earlier],
                "low": is_low(avg),
                "guidance_url": reverse("self_assessment:guidance", kwargs={"number": c.number}),
            }
        )
    names = [f"{a.title} ({_when(a)})" for a in shown]
    describe = " ".join(
        f"{name}: "
        + "; ".join(f"{c.number}. {c.name} {_figure(averages[a.pk].get(c.number))}" for c in components)
        + "."
        for name, a in zip(names, shown, strict=True)
    )
    chart = radar(
        [f"{c.number}. {c.name}" for c in components],
        [
            (name, [averages[a.pk].get(c.number) for c in components])
            for name, a in zip(names, shown, strict=True)
        ],
        title=f"Average score out of 4 for each component: {assessment.title}",
        describe="Spider diagram; the further from the centre, the better. " + describe,
    )
    scores = []
    for s in AssessmentScore.objects.filter(assessment=assessment).select_related("indicator__component"):
        if not scores or scores[-1]["component"] != s.indicator.component:
            scores.append({"component": s.indicator.component, "items": []})
        scores[-1]["items"].append(
            {"score": s, "meaning": SCALE[s.score], "words": s.indicator.descriptors[s.score]}
        )
    return render(
        request,
        "surveys/assessment/detail.html",
        {
            "nav": NAV,
            "assessment": assessment,
            "earlier": earlier,
            "earlier_names": names[1:],
            "rows": rows,
            "low_rows": [r for r in rows if r["low"]],
            "chart": chart,
            "scores": scores,
        },
    )


@reader_required
def guidance(request, number: int):
    chapter = CHAPTERS.get(number)
    component = AssessmentComponent.objects.filter(number=number).first()
    if chapter is None or component is None:
        raise Http404("No such component")
    return render(
        request,
        "surveys/assessment/guidance.html",
        {
            "nav": NAV,
            "component": component,
            "chapter": chapter,
            "previous": number - 1 if number - 1 in CHAPTERS else None,
            "next": number + 1 if number + 1 in CHAPTERS else None,
        },
    )
