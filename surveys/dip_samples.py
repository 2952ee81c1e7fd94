"""Dip sampling: each month a random sample of each team's cases (size configurable, default 20) is queued
for the supervisor with the checklist; findings go back to the officer with the supervisor's note; after a
poor result the supervisor can check the officer's next three cases, which join the sample as they are
allocated (a handler on cases.signals.case_allocated)."""

import random
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from cases.models import Crime
from victimcare.accounts.models import Team, User
from victimcare.calendar import add_months, london_month, month_bounds

from .callbacks import teams_for
from .constants import Check, CheckAnswer, SampleCaseState, SampleKind
from .models import DipSample, DipSampleCase
from .scoring import clean

TARGET_SIZE = 3  # "target the officer's next three cases"
POOR_BELOW = 0.8  # a reviewed case with fewer than 80% of its applicable checks met is a poor result
NOTE_MAX = 2000


def sample_size() -> int:
    return settings.DIP_SAMPLE_SIZE


def sample_draw(
    *,
    team: Team,
    month: date,
    by: User | None,
    now: datetime | None = None,
    size: int | None = None,
    rng=None,
) -> DipSample:
    """The month's random sample of the team's cases recorded that month (restricted cases left out: the
    supervisor may not be named on them). One monthly sample per team and month."""
    now = now or timezone.now()
    size = sample_size() if size is None else size
    if by is not None and not teams_for(by).filter(pk=team.pk).exists():
        raise ValidationError({"team": ["You can draw samples only for the teams you supervise."]})
    if size < 1 or size > 200:
        raise ValidationError({"size": ["Choose a sample of 1 to 200 cases."]})
    if month > london_month(now):
        raise ValidationError({"month": ["Choose this month or an earlier one."]})
    start, end = month_bounds(month)
    ids = list(
        Crime.objects.filter(team=team, recorded_at__gte=start, recorded_at__lt=end, is_restricted=False)
        .order_by("pk")
        .values_list("pk", "oic_id")
    )
    rng = rng or random.SystemRandom()
    chosen = rng.sample(ids, min(size, len(ids)))
    try:
        with transaction.atomic():
            sample = DipSample.objects.create(
                team=team, kind=SampleKind.MONTHLY, month=month, size=size, created_at=now, created_by=by
            )
            DipSampleCase.objects.bulk_create(
                [DipSampleCase(sample=sample, crime_id=c, officer_id=o) for c, o in chosen]
            )
    except IntegrityError:
        raise ValidationError(
            {"month": [f"The sample for {team.name}, {month:%B %Y}, has already been drawn."]}
        ) from None
    return sample


def samples_draw_all(*, now: datetime | None = None) -> int:
    """The beat's monthly draw: last month's sample for every team that has none."""
    now = now or timezone.now()
    month = add_months(london_month(now), -1)
    made = 0
    for team in Team.objects.exclude(
        pk__in=DipSample.objects.filter(kind=SampleKind.MONTHLY, month=month).values("team_id")
    ):
        try:
            sample_draw(team=team, month=month, by=None, now=now)
        except ValidationError:
            continue  # drawn meanwhile by the supervisor
        made += 1
    return made


def sample_case_get(*, user: User, pk: int) -> DipSampleCase:
    sc = (
        DipSampleCase.objects.select_related("sample__team", "crime__offence", "officer", "reviewed_by")
        .filter(pk=pk, sample__team__in=teams_for(user))
        .first()
    )
    if sc is None:
        raise Http404("No such sampled case")
    return sc


def score(answers: dict[str, str]) -> tuple[int, int]:
    """(checks met, checks not met); "does not apply" counts as neither."""
    return (
        sum(1 for v in answers.values() if v == CheckAnswer.YES),
        sum(1 for v in answers.values() if v == CheckAnswer.NO),
    )


def poor(passed: int, failed: int) -> bool:
    return (passed + failed) > 0 and passed / (passed + failed) < POOR_BELOW


@transaction.atomic
def sample_case_review(
    *, sample_case: DipSampleCase, by: User, answers: dict[str, str], note: str, now: datetime | None = None
) -> DipSampleCase:
    """The supervisor's findings on one sampled case: every check answered, a note for the officer."""
    now = now or timezone.now()
    sc = DipSampleCase.objects.select_for_update().get(pk=sample_case.pk)
    if not teams_for(by).filter(pk=sc.sample.team_id).exists():
        raise ValidationError({"": ["You can review only your teams' samples."]})
    errors: dict[str, list[str]] = {}
    clean_answers = {}
    for check in Check:
        value = (answers.get(check.value) or "").strip()
        if value not in CheckAnswer.values:
            errors[check.value] = [f"Say whether this check was met: {check.label}"]
        else:
            clean_answers[check.value] = value
    text = clean(note)
    if len(text) > NOTE_MAX:
        errors["note"] = [f"Use {NOTE_MAX:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    passed, failed = score(clean_answers)
    DipSampleCase.objects.filter(pk=sc.pk).update(
        answers=clean_answers,
        note=text,
        state=SampleCaseState.REVIEWED,
        reviewed_at=now,
        reviewed_by=by,
        passed=passed,
        failed=failed,
    )
    sc.refresh_from_db()
    return sc


def open_target(officer_id: int) -> DipSample | None:
    for sample in DipSample.objects.filter(kind=SampleKind.TARGETED, officer_id=officer_id).order_by("-pk"):
        if sample.cases.count() < sample.size:
            return sample
    return None


@transaction.atomic
def target_next_cases(
    *, officer: User, by: User, after: DipSampleCase | None = None, now: datetime | None = None
) -> DipSample:
    """Check the officer's next three cases: each case allocated to them from now joins this sample. From a
    page, `after` is the sampled case whose poor result prompted it (it must be the officer's, reviewed
    and poor)."""
    now = now or timezone.now()
    if after is not None and not (
        after.officer_id == officer.pk
        and after.state == SampleCaseState.REVIEWED
        and poor(after.passed, after.failed)
    ):
        raise ValidationError({"": ["Target an officer's next cases after a poor result on one of theirs."]})
    if officer.team_id is None or not teams_for(by).filter(pk=officer.team_id).exists():
        raise ValidationError({"": ["You can target only officers in the teams you supervise."]})
    User.objects.select_for_update().filter(pk=officer.pk).first()
    if open_target(officer.pk) is not None:
        raise ValidationError({"": [f"{officer.display_name}'s next cases are already being checked."]})
    return DipSample.objects.create(
        team_id=officer.team_id,
        kind=SampleKind.TARGETED,
        month=london_month(now),
        officer=officer,
        size=TARGET_SIZE,
        created_at=now,
        created_by=by,
    )


def case_allocated(*, crime: Crime) -> DipSampleCase | None:
    """A case allocated to an officer whose next cases are being checked joins the sample (restricted
    cases excepted)."""
    if crime.oic_id is None or crime.is_restricted:
        return None
    sample = open_target(crime.oic_id)
    if sample is None or sample.cases.filter(crime=crime).exists():
        return None
    return DipSampleCase.objects.create(sample=sample, crime=crime, officer_id=crime.oic_id)
