"""Survey reads that encode a rule: what the case page shows about a victim's surveys."""

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from cases.constants import VictimRole
from cases.models import CrimeVictim
from victimcare.accounts.constants import Role
from victimcare.accounts.models import User

from .constants import Check, CheckAnswer, FeedbackKind, InvitationState, SampleCaseState
from .models import DipSampleCase, Invitation, Response, SurveySetting


def _day(at) -> str:
    """A date as people in England and Wales read it (London time, so late evening is still today)."""
    return f"{timezone.localtime(at):%-d %B %Y}"


@dataclass
class CaseSurvey:
    invitation: Invitation | None
    responses: list[Response]
    wants_surveys: bool | None
    bereaved: bool

    @property
    def status(self) -> str:
        inv = self.invitation
        if self.responses:
            r = self.responses[0]
            return f"Answered on {_day(r.submitted_at)} ({r.get_source_display().lower()})"
        if inv is None:
            return "Not invited"
        if inv.state == InvitationState.SENT and inv.expires_at <= timezone.now():
            return (
                f"Invited on {_day(inv.created_at)}; the link closed on {_day(inv.expires_at)} "
                "without an answer"
            )
        if inv.state == InvitationState.SENT:
            return f"Invited on {_day(inv.created_at)}, not yet answered"
        return f"Invited on {_day(inv.created_at)}: {inv.get_state_display().lower()}"

    @property
    def setting_words(self) -> str:
        if self.wants_surveys is False:
            return "Asked not to be sent surveys"
        if self.wants_surveys is True and self.bereaved:
            return "Asked to be surveyed"
        if self.bereaved:
            return "Not surveyed unless they ask (bereaved family)"
        return ""


def case_survey_rows(victims: list[CrimeVictim]) -> dict[int, CaseSurvey]:
    ids = [cv.pk for cv in victims]
    latest: dict[int, Invitation] = {}
    for inv in Invitation.objects.filter(crime_victim_id__in=ids).order_by("crime_victim_id", "-created_at"):
        latest.setdefault(inv.crime_victim_id, inv)
    responses: dict[int, list[Response]] = {}
    for r in (
        Response.objects.filter(crime_victim_id__in=ids)
        .order_by("-submitted_at")
        .only("pk", "crime_victim_id", "submitted_at", "source")
    ):
        responses.setdefault(r.crime_victim_id, []).append(r)
    settings = dict(
        SurveySetting.objects.filter(person_id__in={cv.person_id for cv in victims}).values_list(
            "person_id", "wants_surveys"
        )
    )
    return {
        cv.pk: CaseSurvey(
            invitation=latest.get(cv.pk),
            responses=responses.get(cv.pk, []),
            wants_surveys=settings.get(cv.person_id),
            bereaved=cv.role == VictimRole.BEREAVED,
        )
        for cv in victims
    }


def officers_of(teams) -> list[User]:
    return list(
        User.objects.filter(team__in=teams, is_active=True, role__in=(Role.OFFICER, Role.SUPERVISOR))
        .select_related("team__bcu")
        .order_by("team__bcu__name", "team__name", "last_name", "first_name")
    )


def feedback_counts(officers: list[User]) -> list[tuple[User, dict]]:
    """For the supervisor's hub: each officer's praise, concerns and reviewed dip-sampled cases (with the
    share of checks met), in three grouped queries."""
    ids = [o.pk for o in officers]
    kinds: dict[int, dict[str, int]] = {}
    for officer_id, kind, n in (
        Response.objects.filter(officer_id__in=ids)
        .exclude(passed_on="")
        .values_list("officer_id", "passed_on_kind")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        kinds.setdefault(officer_id, {})[kind] = n
    shared = dict(
        Response.objects.filter(officer_id__in=ids, share_comments=True)
        .values_list("officer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    checks = {
        row["officer_id"]: row
        for row in DipSampleCase.objects.filter(officer_id__in=ids, state=SampleCaseState.REVIEWED)
        .values("officer_id")
        .annotate(n=Count("pk"), passed=Sum("passed"), failed=Sum("failed"))
        .order_by()
    }
    out = []
    for o in officers:
        c = checks.get(o.pk, {})
        met, missed = c.get("passed") or 0, c.get("failed") or 0
        out.append(
            (
                o,
                {
                    "praise": kinds.get(o.pk, {}).get(FeedbackKind.PRAISE, 0),
                    "concerns": kinds.get(o.pk, {}).get(FeedbackKind.CONCERN, 0),
                    "comments": shared.get(o.pk, 0),
                    "reviewed": c.get("n", 0),
                    "checks_met": f"{round(100 * met / (met + missed))}%" if met + missed else "None checked",
                },
            )
        )
    return out


def _feedback_for(officer: User):
    # A restricted case's words stay with it.
    return Response.objects.filter(officer=officer, restricted=False).filter(
        Q(share_comments=True) | ~Q(passed_on="")
    )


def officer_feedback(officer: User, limit: int = 100) -> list[Response]:
    """What victims wanted the officer to hear: comments they allowed to be passed on, and what they asked
    to be passed on after a call-back; newest first. Never the victim's name."""
    return list(
        _feedback_for(officer)
        .only("pk", "submitted_at", "source", "comments", "share_comments", "passed_on", "passed_on_kind")
        .order_by("-submitted_at")[:limit]
    )


def recent_counts(officer: User, since) -> tuple[int, int]:
    """(feedback items, dip-sample findings) for the officer since `since`: two counts, for My work."""
    return (
        _feedback_for(officer).filter(submitted_at__gte=since).count(),
        DipSampleCase.objects.filter(
            officer=officer, state=SampleCaseState.REVIEWED, reviewed_at__gte=since
        ).count(),
    )


def officer_findings(officer: User, limit: int = 50) -> list[DipSampleCase]:
    """The officer's reviewed dip-sampled cases, newest first, each with the checks not met in words."""
    findings = list(
        DipSampleCase.objects.filter(officer=officer, state=SampleCaseState.REVIEWED)
        .select_related("crime", "reviewed_by")
        .order_by("-reviewed_at")[:limit]
    )
    for sc in findings:
        answers = sc.answers if isinstance(sc.answers, dict) else {}
        sc.missed = [str(c.label) for c in Check if answers.get(c.value) == CheckAnswer.NO]
    return findings
