"""Reads for the victim portal. Everything is scoped to the one crime-victim in the portal session: no
portal read takes an id from the URL without checking it belongs to that crime-victim."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.constants import NEXT_STEPS as CASE_NEXT_STEPS
from cases.models import CrimeVictim, PropertyItem
from messaging.constants import Channel, MessageKind, MessageStatus
from messaging.models import Message
from victimcare.core.i18n import Bilingual

from .models import AccountStatus

# Case status in plain words for the victim (not police jargon); what happens next is shared.
STATUS_WORDS = {
    "recorded": _("We have recorded the crime"),
    "allocated": _("An officer has your case"),
    "under_investigation": _("We are investigating"),
    "suspect_charged": _("Someone has been charged"),
    "court": _("The case is at court"),
    "closed": _("The investigation has closed"),
}
# A decision about the suspect while the case is still open: said as it is, not "we are investigating".
DECISION_WORDS = {
    "RELEASED_NFA": _("No further action is being taken against the suspect"),
    "NOT_PROSECUTED": _("The suspect will not be prosecuted"),
}
_SUSPECT_EVENTS = ("ARREST", "INTERVIEW", "BAIL", "RUI", "CHARGED", "REOPENED", *DECISION_WORDS)
NEXT_STEPS = CASE_NEXT_STEPS  # one wording for messages, the care card and the portal


def status_words_for(crime) -> str:
    """The case's status for the victim: its state in plain words, or the latest decision about the
    suspect when that is what the victim most needs to know."""
    if crime.status in ("allocated", "under_investigation"):
        latest = (
            crime.events.filter(code__in=_SUSPECT_EVENTS)
            .order_by("-occurred_at", "-id")
            .values_list("code", flat=True)
            .first()
        )
        if latest in DECISION_WORDS:
            return DECISION_WORDS[latest]
    return STATUS_WORDS.get(crime.status, "")


TIMELINE_LIMIT = 100


def portal_victim(*, account_id: int, crime_victim_id: int) -> CrimeVictim | None:
    """The session's crime-victim, only while it still belongs to that active account (one query)."""
    return (
        CrimeVictim.objects.select_related(
            "crime", "crime__oic", "crime__offence", "crime__team", "person", "person__portal_account"
        )
        .filter(
            pk=crime_victim_id,
            person__portal_account__pk=account_id,
            person__portal_account__status=AccountStatus.ACTIVE,
        )
        .first()
    )


def timeline(cv: CrimeVictim, limit: int = TIMELINE_LIMIT) -> list[Message]:
    """Portal messages to and from the victim on this case, newest first. Drafts, undelivered content,
    alerts, account messages and letters are not part of it."""
    return list(
        Message.objects.filter(crime_victim=cv, channel=Channel.PORTAL)
        .filter(
            Q(kind=MessageKind.VICTIM)
            | Q(kind__in=(MessageKind.AUTOMATIC, MessageKind.OFFICER), status=MessageStatus.DELIVERED)
        )
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def property_for(cv: CrimeVictim) -> QuerySet[PropertyItem]:
    """Only the property recorded as this victim's: items on the crime with no victim (or another's) may
    carry other people's notes, so they are not shown or changeable here."""
    return PropertyItem.objects.filter(crime_id=cv.crime_id, crime_victim=cv)


@dataclass(frozen=True)
class Officer:
    name: str
    phone: str
    email: str
    working_pattern: Bilingual


def officer_for(cv: CrimeVictim) -> Officer | None:
    oic = cv.crime.oic
    if oic is None:
        return None
    return Officer(
        name=oic.display_name,
        phone=oic.contact_phone,
        email=oic.reply_email,
        working_pattern=oic.working_pattern_text,
    )
