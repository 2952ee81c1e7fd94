"""A year of survey answers for the demo, made by the survey services as the beat would have made them.

The milestones the demo crimes reached (reported, no further action, closed) are recorded through
surveys.services.milestones_record, as the case-event handlers record them for crimes made through the
case services. Then each past day of the demo's year is replayed: the daily invitation run
(invitations_send at 10:15, as the beat runs it) and the reminder run (reminders_send at 10:45). The
single-use link is read from each survey message's body while it is still queued (the outbox removes it
once sent), and a seeded share of the victims answer it (response_submit), say they want no surveys
(survey_decline), or answer by phone or in person to a member of staff (response_enter). Nothing is
written to a survey table directly, so the demo cannot disagree with eligibility, sampling, the
one-invitation-a-period rule or the link's single use.

How the answers go is generative, from the seed: satisfaction follows how the case went for that victim
(kept informed follows whether their update duties had been met on time by the day they answered, the
real duties of contacts.models.Obligation), drops after a decision of no further action, and is a little
lower for disabled victims and for victims of self-defined ethnic-minority groups, a gap that narrows over
the year (as the duty on-time gap does, data.MINORITY_GAP_*).

Messages from the past. The invitations and reminders of past days are outbox rows like any other. They
are delivered during the seed through the outbox itself (messaging.outbox.message_deliver_many, the one
writer of a message's status, which also removes the link from our copy), with the delivery backends
pointed for that call at PastProvider, which accepts and writes nothing: a year of invitations to
fictional people is not written to var/sent-email or printed as letters, and the worker does not send
year-old, expired links as if new when `make run` starts. The delivery tasks the outbox queues on commit
then find those rows sent and do nothing. The one live invitation (a demo portal victim's, below) is left
queued, so the worker emails it through the real email backend (var/sent-email in `make run`).

The live invitation: demo portal victim Daniel Carter (VC/90001/26) was recorded ten days before the seed,
before the "after the report" plan's wait of 14 days, so the daily run would not invite him yet. The demo
invites him at seeding time through the same invitation code (surveys.services.invite_victim) once every
eligibility rule holds for him (age, restricted case, opted out, safe channel, invited this period,
already answered); only the wait is not applied. `manage.py demo_survey_link` prints his link."""

from __future__ import annotations

import heapq
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from cases.constants import ClosureReason, CrimeStatus, Disability
from cases.models import CaseEvent, Crime, CrimeVictim
from contacts.constants import ObligationState
from contacts.models import Obligation
from messaging.channels import Backend, Delivery, Outgoing
from messaging.constants import MessageKind, MessageStatus
from messaging.models import Message
from messaging.outbox import message_deliver_many
from surveys import services
from surveys.constants import MILESTONE_EVENTS, InvitationState, Milestone, Source
from surveys.eligibility import Rules, reasons_not
from surveys.models import Invitation, Response, SurveyPlan
from victimcare.accounts.models import User
from victimcare.calendar import LONDON

from .data import HISTORY_DAYS, MINORITY_GROUPS
from .portal_victims import DEMO_VICTIMS

# Every eligible victim is invited in the demo (the plans ship at 25-50%): a small force's year then gives
# about 1,500 answers, enough to split by BCU, team, officer and the victims' details.
DEMO_RATE_PERCENT = 100
INVITE_AT = time(10, 15)  # the beat's surveys-invite (victimcare/celery.py)
REMIND_AT = time(10, 45)  # the beat's surveys-remind
# The demo's past invitation runs are weekly, on Mondays (the beat runs daily from now on). A daily run
# reads every victim in each plan's 28-day window again each day, ~1.3M rows over the year, which alone
# took longer than the rest of the seed; weekly, each victim is still invited inside their window.
RUN_WEEKDAY = 0
LIVE_VICTIM = DEMO_VICTIMS[0].reference  # Daniel Carter: English, safe email, a portal account
LINK = re.compile(r"/portal/survey/([\w-]+)/")

# What a victim does with an invitation: answer online, to staff by phone or in person, decline, or not
# answer at all (about 45% of those invited; the last days' invitations are still waiting for theirs).
FATES = {"online": 33, "phone": 9, "in_person": 3, "decline": 2, "none": 53}
# Minority gap in points of the seven-point scale, a year ago and now; disabled victims' gap.
MINORITY_GAP = (0.9, 0.3)
DISABILITY_GAP = 0.5

POSITIVE = [
    "The officer rang when she said she would and explained everything clearly.",
    "I was kept up to date the whole way through. Thank you.",
    "Very kind and patient with my elderly mother, who was shaken by what happened.",
    "Quick response on the night and a follow-up call the next day. Could not ask for more.",
    "I felt listened to. The letter explaining the next steps was easy to understand.",
    "The officer gave me a direct number and always called back within a day.",
    "Helpful advice about making the house more secure.",
]
MIXED = [
    "Good on the day, but after that I heard very little.",
    "The officer was polite, but I had to chase for updates.",
    "I understand why nothing more could be done, but it would have helped to hear it sooner.",
    "It took a while to get through on 101, but once I did the service was fine.",
    "Some updates came by letter and some by text, which was confusing.",
]
NEGATIVE = [
    "Nobody told me the case had been closed. I found out when I rang to ask.",
    "I left three messages and no one called me back.",
    "I was told someone would visit, and no one came.",
    "It felt like nobody was interested once the report was made.",
    "I was not told the suspect had been released until I saw him in the street.",
    "I had to repeat my account to three different people.",
]

OUTCOME_TOLD = {
    CrimeStatus.CLOSED: "closed",
    CrimeStatus.SUSPECT_CHARGED: "charged",
    CrimeStatus.COURT: "charged",
}
YES_NO_CODES = (
    "knew_who_to_contact",
    "calls_returned",
    "told_what_police_would_do",
    "information_quick",
    "informed_without_asking",
    "questions_answered",
)


class PastProvider(Backend):
    """Stands in for the email, text and letter providers for messages of the demo's past: accepted,
    nothing written."""

    def send(self, message: Outgoing) -> Delivery:
        return Delivery(status="sent")


PAST = "victimcare.demo.surveys.PastProvider"


@dataclass
class Pending:
    """An invitation the victim will act on at `at`."""

    invitation_id: int
    fate: str


class SurveySeeder:
    def __init__(self, *, now: datetime, seed: int) -> None:
        self.now = now
        self.rng = random.Random(seed + 13)
        self.counts: Counter = Counter()
        self.secrets: dict[int, str] = {}  # invitation id -> the link's secret now (reminders change it)
        self.queue: list[tuple[datetime, int, Pending]] = []
        self.seen: set[int] = set()
        self.past_messages: list[int] = []

    # --- the year ----------------------------------------------------------------------------------------
    def seed(self, crimes_qs) -> None:
        self._rates()
        self._milestones(crimes_qs)
        self._load(crimes_qs)
        first = timezone.localdate(self.now) - timedelta(days=HISTORY_DAYS)
        last_message = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for offset in range(HISTORY_DAYS + 1):
            day = first + timedelta(days=offset)
            invite_at = datetime.combine(day, INVITE_AT, tzinfo=LONDON)
            if invite_at > self.now:
                break
            if day.weekday() == RUN_WEEKDAY:
                self.counts["survey invitations"] += services.invitations_send(now=invite_at).invited
            remind_at = datetime.combine(day, REMIND_AT, tzinfo=LONDON)
            if remind_at <= self.now:
                self.counts["survey reminders"] += services.reminders_send(now=remind_at)
            last_message = self._read_links(last_message, invite_at)
            self._act(until=min(invite_at + timedelta(days=1), self.now))
        self._deliver_past()
        self._live_invitation()

    def _rates(self) -> None:
        """Configuration, not data: the demo samples every eligible victim."""
        for plan in SurveyPlan.objects.filter(active=True):
            if plan.rate_percent != DEMO_RATE_PERCENT:
                plan.rate_percent = DEMO_RATE_PERCENT
                plan.save(update_fields=["rate_percent", "updated_at"])
            plan.rates.all().delete()

    def _milestones(self, crimes_qs) -> None:
        """What the case-event handlers record for crimes made through the case services (the demo's
        crimes are written in bulk, so they are recorded here, through the same service)."""
        victims = defaultdict(list)
        for crime_id, cv_id in CrimeVictim.objects.filter(crime__in=crimes_qs).values_list("crime_id", "pk"):
            victims[crime_id].append(cv_id)
        reported = Crime.objects.filter(pk__in=victims).values_list("pk", "reported_at")
        firsts: dict[tuple[int, str], datetime] = {}
        for milestone, codes in MILESTONE_EVENTS.items():
            for crime_id, at in (
                CaseEvent.objects.filter(crime_id__in=victims, code__in=codes)
                .order_by("occurred_at")
                .values_list("crime_id", "occurred_at")
            ):
                firsts.setdefault((crime_id, milestone), at)
        made = 0
        for crime_id, at in reported:
            made += services.milestones_record(
                crime_victim_ids=victims[crime_id], milestone=Milestone.REPORTED, at=at
            )
        for (crime_id, milestone), at in firsts.items():
            made += services.milestones_record(crime_victim_ids=victims[crime_id], milestone=milestone, at=at)
        self.counts["survey milestones"] += made

    def _load(self, crimes_qs) -> None:
        """What the answers depend on: each victim's update duties (due, met on time) and their case."""
        self.updates: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
        for cv_id, due, on_time in (
            Obligation.objects.filter(crime__in=crimes_qs, rule__is_update=True)
            .exclude(state__in=(ObligationState.WAIVED, ObligationState.NOT_REQUIRED))
            .values_list("crime_victim_id", "due_at", "met_on_time")
        ):
            self.updates[cv_id].append((due, bool(on_time)))
        self.victims = {
            cv.pk: cv
            for cv in CrimeVictim.objects.filter(crime__in=crimes_qs).select_related("person", "crime")
        }
        self.officers = {u.pk: u for u in User.objects.filter(is_active=True, team__isnull=False)}
        self.team_officers: dict[int, list[User]] = defaultdict(list)
        for u in sorted(self.officers.values(), key=lambda u: u.pk):
            self.team_officers[u.team_id].append(u)

    # --- links and what victims do with them ---------------------------------------------------------------
    def _read_links(self, after: int, at: datetime) -> int:
        """The day's new survey messages, read while queued: the secret of each invitation's live link."""
        rows = list(
            Message.objects.filter(pk__gt=after, kind=MessageKind.SURVEY, status=MessageStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", "crime_victim_id", "body")
        )
        if not rows:
            return after
        open_invitations = dict(
            Invitation.objects.filter(
                crime_victim_id__in={cv for _pk, cv, _b in rows}, state=InvitationState.SENT
            ).values_list("crime_victim_id", "pk")
        )
        for pk, cv_id, body in rows:
            self.past_messages.append(pk)
            match = LINK.search(body)
            invitation_id = open_invitations.get(cv_id)
            if not match or invitation_id is None:
                continue
            self.secrets[invitation_id] = match.group(1)
            if invitation_id not in self.seen:
                self.seen.add(invitation_id)
                self._plan(invitation_id, at)
        return rows[-1][0]

    def _plan(self, invitation_id: int, sent: datetime) -> None:
        fate = self.rng.choices(list(FATES), weights=list(FATES.values()))[0]
        if fate == "none":
            return
        # Most who answer do so within a few days; some after the reminder a week later.
        days = self.rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7, 8, 9, 12))
        at = sent + timedelta(days=days, hours=self.rng.uniform(1.0, 11.0))
        heapq.heappush(self.queue, (at, invitation_id, Pending(invitation_id, fate)))

    def _act(self, *, until: datetime) -> None:
        if not self.queue:
            return
        due = []
        while self.queue and self.queue[0][0] < until:
            due.append(heapq.heappop(self.queue))
        if not due:
            return
        invitations = Invitation.objects.in_bulk([i for _at, i, _p in due])
        for at, invitation_id, pending in due:
            inv = invitations[invitation_id]
            if inv.state != InvitationState.SENT or at >= inv.expires_at:
                continue
            secret = self.secrets[invitation_id]
            cv = self.victims.get(inv.crime_victim_id)
            if cv is None:
                continue
            if pending.fate == "decline":
                services.survey_decline(secret=secret, now=at)
                self.counts["survey declines"] += 1
                continue
            raw, comments, share = self._answers(cv, inv, at)
            if pending.fate == "online":
                services.response_submit(
                    secret=secret, raw=raw, comments=comments, share_comments=share, now=at
                )
            else:
                services.response_enter(
                    by=self._staff(cv),
                    crime_victim=cv,
                    source=Source.PHONE if pending.fate == "phone" else Source.IN_PERSON,
                    raw=raw,
                    comments=comments,
                    share_comments=share,
                    language=inv.language,
                    now=at,
                )
            self.counts["survey responses"] += 1

    def _staff(self, cv: CrimeVictim) -> User:
        """Whoever took the answers: the officer in case, or someone in the case's team."""
        officer = self.officers.get(cv.crime.oic_id)
        if officer is not None:
            return officer
        team = self.team_officers.get(cv.crime.team_id) or [min(self.officers.values(), key=lambda u: u.pk)]
        return self.rng.choice(team)

    # --- the answers ----------------------------------------------------------------------------------------
    def _answers(self, cv: CrimeVictim, inv: Invitation, at: datetime) -> tuple[dict[str, str], str, bool]:
        rng = self.rng
        person, crime = cv.person, cv.crime
        due = [on_time for d, on_time in self.updates.get(cv.pk, ()) if d <= at]
        on_time = sum(due) / len(due) if due else None
        progress = 1 - min(max((self.now - at).days / HISTORY_DAYS, 0.0), 1.0)  # 0 a year ago, 1 now
        mood = 5.2 + rng.gauss(0, 0.9)
        if inv.milestone == Milestone.NO_FURTHER_ACTION:
            mood -= 0.6
        elif inv.milestone == Milestone.CLOSED:
            good = crime.closure_reason in (ClosureReason.COURT_OUTCOME, ClosureReason.OUT_OF_COURT)
            mood += 0.4 if good else -0.3
        if (person.ethnicity or "")[:1] in MINORITY_GROUPS:
            mood -= MINORITY_GAP[0] + (MINORITY_GAP[1] - MINORITY_GAP[0]) * progress
        if person.disability == Disability.YES:
            mood -= DISABILITY_GAP
        informed = mood - 0.3 + (2.4 * (on_time - 0.75) if on_time is not None else 0.0)

        def scale(mu: float) -> int:
            return min(7, max(1, round(mu + rng.gauss(0, 0.7))))

        areas = {
            "ease_of_contact": scale(mood + 0.3),
            "actions": scale(mood - 0.2),
            "kept_informed": scale(informed),
            "treatment": scale(mood + 0.5),
        }
        areas["whole_experience"] = scale((mood + informed) / 2)
        raw = {k: str(v) for k, v in areas.items()}
        kept = areas["kept_informed"]
        if rng.random() < 0.85:  # the follow-up questions are optional; most answer them
            raw["further_contact"] = rng.choice(
                ("two_three", "more", "once") if kept >= 5 else ("none", "once", "once", "two_three")
            )
            raw["information_amount"] = (
                "right" if kept >= 5 else rng.choice(("too_little", "too_little", "none"))
            )
            raw["volunteered"] = rng.choice(
                ("without_asking", "both") if kept >= 5 else ("after_asking", "none", "both")
            )
            raw["outcome_told"] = (
                OUTCOME_TOLD.get(crime.status, "ongoing") if kept >= 4 else rng.choice(("nothing", "ongoing"))
            )
            for code in YES_NO_CODES:
                p = 0.15 + 0.12 * kept
                raw[code] = "yes" if rng.random() < p else rng.choice(("no", "no", "dont_know"))
        comments, share = "", False
        if rng.random() < 0.22:
            whole = areas["whole_experience"]
            pool = POSITIVE if whole >= 6 else NEGATIVE if whole <= 3 else MIXED
            comments = rng.choice(pool)
            share = rng.random() < 0.3
        return raw, comments, share

    # --- the past's messages, and the live link ------------------------------------------------------------
    def _deliver_past(self) -> None:
        with override_settings(VC_EMAIL_BACKEND=PAST, VC_SMS_BACKEND=PAST, VC_LETTER_BACKEND=PAST):
            self.counts["survey messages of the past"] += message_deliver_many(
                message_ids=self.past_messages, now=timezone.now()
            )

    def _live_invitation(self) -> None:
        cv = CrimeVictim.objects.filter(crime__reference=LIVE_VICTIM).first()
        if cv is not None and demo_invite(cv, now=self.now) is not None:
            self.counts["live survey links for demo victims"] += 1


def plan_for_live_link() -> SurveyPlan | None:
    return (
        SurveyPlan.objects.filter(active=True, milestone=Milestone.REPORTED)
        .select_related("questionnaire")
        .first()
    )


def why_not_invited(cv: CrimeVictim, now: datetime) -> list[str]:
    """The eligibility rules the daily run applies, for one victim now (empty: they may be invited)."""
    plan = plan_for_live_link()
    if plan is None:
        return ["No survey plan after the report is active."]
    cv = CrimeVictim.objects.select_related("crime__offence", "person__survey_setting", "contact_plan").get(
        pk=cv.pk
    )
    facts = services.facts_for(
        cv,
        now=now,
        invited=services.invited_recently({cv.person_id}, now),
        answered=services.answered_cases([cv.pk]),
    )
    return reasons_not(facts, Rules(min_age=plan.min_age, offence_groups=tuple(plan.offence_groups or ())))


def demo_invite(cv: CrimeVictim, *, now: datetime) -> Invitation | None:
    """Invite a demo portal victim now, if every eligibility rule holds for them (only the plan's wait is
    not applied). Returns None when one does not (already invited this period, already answered...)."""
    if cv.crime.reference not in {d.reference for d in DEMO_VICTIMS}:
        raise ValueError("Only the demo portal victims are invited this way.")
    if why_not_invited(cv, now):
        return None
    cv = CrimeVictim.objects.select_related("crime__offence", "person__survey_setting", "contact_plan").get(
        pk=cv.pk
    )
    return services.invite_victim(crime_victim=cv, plan=plan_for_live_link(), now=now)


def live_link(cv: CrimeVictim) -> str | None:
    """The link of a demo victim's open invitation, read from its message while still queued."""
    body = (
        Message.objects.filter(crime_victim=cv, kind=MessageKind.SURVEY, status=MessageStatus.QUEUED)
        .order_by("-pk")
        .values_list("body", flat=True)
        .first()
    )
    match = LINK.search(body or "")
    return services.survey_url(match.group(1)) if match else None


def responses_exist(crimes_qs) -> bool:
    return Response.objects.filter(crime__in=crimes_qs).exists()
