"""Recording a self-assessment, and the pure arithmetic of its results (averages per component, which
components are low). Scores are checked here, so that a page, a test and the demo data meet one rule."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from victimcare.accounts.models import BCU, User

from .assessment_models import (
    SCORE_MAX,
    SCORE_MIN,
    AssessmentComponent,
    AssessmentIndicator,
    AssessmentScore,
    SelfAssessment,
)
from .assessment_selectors import may_assess

# The guide: "Where a corner of the hexagon is near the centre of the spider diagram, it indicates a
# possible area for development." We call a component low when its average is below 2 ("some elements of
# indicator in place").
LOW_BELOW = 2.0
TITLE_MAX = 200


NOTE_MAX = 2000
SUMMARY_MAX = 4000


def average(scores: Iterable[int]) -> float | None:
    """The mean of the scores given; None when there are none (not scored: not the same as 0)."""
    values = list(scores)
    return sum(values) / len(values) if values else None


def component_averages(scores_by_component: Mapping[int, Iterable[int]]) -> dict[int, float | None]:
    """{component number: average of its indicators' scores}, in component order."""
    return {number: average(scores) for number, scores in sorted(scores_by_component.items())}


def is_low(avg: float | None) -> bool:
    return avg is not None and avg < LOW_BELOW


def parse_score(raw: object) -> int | None:
    """A score from a form or a caller: a whole number from 0 to 4, or None if it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        return None
    return value if SCORE_MIN <= value <= SCORE_MAX else None


def scores_check(
    indicators: Iterable[AssessmentIndicator], scores: Mapping[int, object]
) -> tuple[dict[int, int], dict[str, list[str]]]:
    """Every indicator's score as a whole number 0..4 (by indicator id), and the errors, in words, for
    those missing or wrong (keyed "score_<id>", as the form's fields are)."""
    parsed: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    for ind in indicators:
        raw = scores.get(ind.pk)
        if raw is None or raw == "":
            errors[f"score_{ind.pk}"] = [f"Choose a score for {ind.code} {ind.name}"]
            continue
        value = parse_score(raw)
        if value is None:
            errors[f"score_{ind.pk}"] = [f"The score for {ind.code} must be a whole number from 0 to 4"]
        else:
            parsed[ind.pk] = value
    return parsed, errors


def assessment_record(
    *,
    by: User,
    bcu: BCU | None,
    title: str,
    scores: Mapping[int, object],
    notes: Mapping[int, str] | None = None,
    summary: str = "",
    now: datetime | None = None,
) -> SelfAssessment:
    """Record a self-assessment of the force (bcu None) or of one BCU: every key indicator scored 0 to 4
    (`scores` by indicator id), with an optional note on each and on the whole. Refuses, in words and
    keeping nothing, an assessment of an area the person may not assess, a missing title, an indicator
    not scored, a score outside 0 to 4, or an indicator that does not exist."""
    notes = notes or {}
    errors: dict[str, list[str]] = {}
    if not may_assess(by, bcu):
        where = f"{bcu.name}" if bcu is not None else "the whole force"
        errors["area"] = [f"You cannot make a self-assessment for {where}"]
    title = (title or "").strip()
    if not title:
        errors["title"] = [
            "Enter a title for this self-assessment, like 'Force self-assessment, spring 2027'"
        ]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"The title must be {TITLE_MAX} characters or fewer"]
    indicators = list(AssessmentIndicator.objects.select_related("component"))
    known = {i.pk for i in indicators}
    unknown = sorted(str(k) for k in set(scores) | set(notes) if k not in known)
    if unknown:
        errors.setdefault("__all__", []).append(
            "Some scores were for indicators that do not exist. Start the self-assessment again."
        )
    parsed, score_errors = scores_check(indicators, scores)
    errors.update(score_errors)
    for pk, note in notes.items():
        if len(note or "") > NOTE_MAX:
            errors[f"note_{pk}"] = [f"A note must be {NOTE_MAX:,} characters or fewer"]
    if len(summary or "") > SUMMARY_MAX:
        errors["notes"] = [f"This must be {SUMMARY_MAX:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assessment = SelfAssessment.objects.create(
            bcu=bcu,
            title=title,
            assessed_by=by,
            assessed_at=now or timezone.now(),
            notes=(summary or "").strip(),
        )
        AssessmentScore.objects.bulk_create(
            AssessmentScore(
                assessment=assessment, indicator_id=pk, score=value, note=(notes.get(pk) or "").strip()
            )
            for pk, value in parsed.items()
        )
    return assessment


def averages_of(assessments: list[SelfAssessment]) -> dict[int, dict[int, float | None]]:
    """{assessment id: {component number: average}} for several assessments, in one query; a component
    with no scores in an assessment is None."""
    numbers = list(AssessmentComponent.objects.values_list("number", flat=True))
    by: dict[int, dict[int, list[int]]] = {a.pk: {n: [] for n in numbers} for a in assessments}
    rows = AssessmentScore.objects.filter(assessment__in=[a.pk for a in assessments]).values_list(
        "assessment_id", "indicator__component__number", "score"
    )
    for assessment_id, number, score in rows:
        by[assessment_id].setdefault(number, []).append(score)
    return {pk: component_averages(groups) for pk, groups in by.items()}
