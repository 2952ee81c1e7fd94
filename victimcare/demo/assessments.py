"""Demo self-assessments: two of the whole force, a year apart, so the results page shows this year's
spider diagram over last year's. Made by the same service as real ones (surveys.assessment_services).

Call seed_assessments(now) inside the demo seed's transaction; it does nothing if the force already has
a self-assessment, so `make run` can call it every time."""

from datetime import datetime, timedelta

from surveys.assessment_models import AssessmentIndicator, SelfAssessment
from surveys.assessment_services import assessment_record
from victimcare.accounts.constants import Role
from victimcare.accounts.models import User

from .data import DEMO_ANALYST

# Scores by indicator code. Last year's follows the guide's worked example (weak on understanding needs,
# systems and training; stronger on leadership and performance management); this year's shows some progress.
LAST_YEAR = {
    "1.1": 1, "1.2": 1,
    "2.1": 2, "2.2": 2, "2.3": 1, "2.4": 2, "2.5": 3, "2.6": 1, "2.7": 1, "2.8": 2,
    "3.1": 1, "3.2": 1,
    "4.1": 3, "4.2": 3,
    "5.1": 0, "5.2": 2, "5.3": 1, "5.4": 1,
    "6.1": 3, "6.2": 2, "6.3": 3,
}  # fmt: skip
THIS_YEAR = {
    "1.1": 2, "1.2": 1,
    "2.1": 3, "2.2": 3, "2.3": 2, "2.4": 3, "2.5": 3, "2.6": 2, "2.7": 2, "2.8": 2,
    "3.1": 3, "3.2": 2,
    "4.1": 4, "4.2": 3,
    "5.1": 1, "5.2": 2, "5.3": 2, "5.4": 2,
    "6.1": 4, "6.2": 2, "6.3": 3,
}  # fmt: skip


def _assessor() -> User | None:
    return (
        User.objects.filter(email=DEMO_ANALYST).first()
        or User.objects.filter(role__in=[Role.ANALYST, Role.ADMIN], is_active=True).order_by("pk").first()
    )


def seed_assessments(now: datetime) -> int:
    """Two force self-assessments (a year ago and a week ago); returns how many were made."""
    if SelfAssessment.objects.filter(bcu__isnull=True).exists():
        return 0
    by = _assessor()
    if by is None:
        return 0
    ids = dict(AssessmentIndicator.objects.values_list("code", "pk"))
    made = 0
    for when, scores, notes in (
        (now - timedelta(days=365 + 7), LAST_YEAR, "Baseline before the victim care programme."),
        (now - timedelta(days=7), THIS_YEAR, "After a year of the victim care programme."),
    ):
        assessment_record(
            by=by,
            bcu=None,
            title=f"Force self-assessment, {when:%B %Y}",
            scores={ids[code]: score for code, score in scores.items() if code in ids},
            summary=notes,
            now=when,
        )
        made += 1
    return made
