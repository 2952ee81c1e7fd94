"""Survey reads that encode a rule: what the case page shows about a victim's surveys."""

from dataclasses import dataclass

from django.utils import timezone

from cases.constants import VictimRole
from cases.models import CrimeVictim

from .constants import InvitationState
from .models import Invitation, Response, SurveySetting


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
            return f"Answered on {r.submitted_at:%d %B %Y} ({r.get_source_display().lower()})"
        if inv is None:
            return "Not invited"
        if inv.state == InvitationState.SENT and inv.expires_at <= timezone.now():
            return (
                f"Invited on {inv.created_at:%d %B %Y}; the link closed on {inv.expires_at:%d %B %Y} "
                "without an answer"
            )
        if inv.state == InvitationState.SENT:
            return f"Invited on {inv.created_at:%d %B %Y}, not yet answered"
        return f"Invited on {inv.created_at:%d %B %Y}: {inv.get_state_display().lower()}"

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
