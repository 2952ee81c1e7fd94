"""Survey writes: milestones reached, the invitation run and its one reminder, answers from a link or
entered by staff, and a person's wish about surveys. Every invitation and reminder is an outbox row
written in the same transaction, through a channel marked safe, honouring quiet hours."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.constants import age_band, age_on
from cases.models import CrimeVictim, Person
from contacts.auto_messages import language_code
from contacts.constants import ObligationState
from contacts.models import Obligation
from messaging import templates as message_templates
from messaging.constants import Channel, MessageKind
from messaging.outbox import message_queue_many
from messaging.safety import next_sms_window
from victimcare.accounts.models import User
from victimcare.calendar import LONDON

from . import rollup
from .constants import STAFF_SOURCES, Area, FeedbackKind, InvitationState, Source, UpdatesKept
from .eligibility import Facts, Rules, reasons_not, sampled
from .models import Invitation, MilestoneReached, Question, Questionnaire, Response, SurveyPlan, SurveySetting
from .scoring import QuestionSpec, clean, score

INVITE_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.LETTER)  # the first that is safe for the person
COMMENTS_MAX = 2000
PASSED_ON_MAX = 2000


def period() -> timedelta:
    """At most one invitation per person in this many days, whatever plan or case."""
    return timedelta(days=settings.SURVEY_PERIOD_DAYS)


def digest(secret: str) -> str:
    return hashlib.sha256((secret or "").encode()).hexdigest()


# --- milestones ----------------------------------------------------------------------------------------
def milestones_record(*, crime_victim_ids: list[int], milestone: str, at: datetime) -> int:
    """The victims reached this point of their case (first time only: reopening and closing again does
    not start a second survey)."""
    made = MilestoneReached.objects.bulk_create(
        [MilestoneReached(crime_victim_id=i, milestone=milestone, at=at) for i in crime_victim_ids],
        ignore_conflicts=True,
    )
    return len(made)


# --- invitations ---------------------------------------------------------------------------------------
def invite_channel(person: Person) -> str | None:
    for channel in INVITE_CHANNELS:
        if person.reachable_by(channel):
            return channel
    return None


def facts_for(cv: CrimeVictim, *, now: datetime, invited: set[int], answered: set[int]) -> Facts:
    person = cv.person
    plan = getattr(cv, "contact_plan", None)
    setting = getattr(person, "survey_setting", None)
    return Facts(
        age=age_on(person.date_of_birth, timezone.localdate(now)),
        offence_group=cv.crime.offence.group,
        role=cv.role,
        restricted=cv.crime.is_restricted,
        wants_updates=plan.wants_updates if plan else True,
        wants_surveys=setting.wants_surveys if setting else None,
        safe_channel=invite_channel(person) is not None,
        invited_in_period=person.pk in invited,
        answered=cv.pk in answered,
    )


def _victims(ids) -> list[CrimeVictim]:
    return list(
        CrimeVictim.objects.filter(pk__in=ids)
        .select_related("crime__offence", "crime__oic", "person__survey_setting", "contact_plan")
        .order_by("pk")
    )


def invited_recently(person_ids, now: datetime) -> set[int]:
    return set(
        Invitation.objects.filter(person_id__in=person_ids, created_at__gt=now - period()).values_list(
            "person_id", flat=True
        )
    )


def answered_people(person_ids, now: datetime) -> set[int]:
    """People who answered a survey (any case, any way) within the period."""
    return set(
        Response.objects.filter(
            crime_victim__person_id__in=person_ids, submitted_at__gt=now - period()
        ).values_list("crime_victim__person_id", flat=True)
    )


def answered_cases(crime_victim_ids) -> set[int]:
    return set(
        Response.objects.filter(crime_victim_id__in=crime_victim_ids).values_list(
            "crime_victim_id", flat=True
        )
    )


@dataclass
class RunResult:
    invited: int = 0
    not_eligible: int = 0
    not_sampled: int = 0


def _lock_run() -> None:
    """One invitation run at a time (two beats, a retried task): each holds this lock for its transaction,
    so the second sees the first's invitations and skips those people."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('surveys.invitations_send'))")


CHUNK = 500


def invitations_send(*, now: datetime | None = None) -> RunResult:
    """Invite every victim who reached an active plan's milestone between its wait and its window, is
    eligible and falls in the BCU's sample. Rerunning invites nobody twice. Each chunk's invitations and
    messages are written with one INSERT each (20,000 invitations: bench/surveys.py)."""
    now = now or timezone.now()
    result = RunResult()
    for plan in (
        SurveyPlan.objects.filter(active=True).select_related("questionnaire").prefetch_related("rates")
    ):
        rates = {r.bcu_id: r.rate_percent for r in plan.rates.all()}
        rules = plan_rules(plan)
        newest = now - timedelta(days=plan.wait_days)
        oldest = newest - timedelta(days=plan.window_days)
        reached = list(
            MilestoneReached.objects.filter(milestone=plan.milestone, at__gt=oldest, at__lte=newest)
            .order_by("crime_victim_id")
            .values_list("crime_victim_id", flat=True)
        )
        for start in range(0, len(reached), CHUNK):
            with transaction.atomic():
                _lock_run()
                chunk = _victims(reached[start : start + CHUNK])
                invited = invited_recently({cv.person_id for cv in chunk}, now)
                answered = answered_cases([cv.pk for cv in chunk])
                batch = _Batch(now)
                for cv in chunk:
                    if reasons_not(facts_for(cv, now=now, invited=invited, answered=answered), rules):
                        result.not_eligible += 1
                        continue
                    if not sampled(f"{plan.pk}:{cv.pk}", rates.get(cv.crime.bcu_id, plan.rate_percent)):
                        result.not_sampled += 1
                        continue
                    batch.invite(cv, plan)
                    invited.add(cv.person_id)
                    result.invited += 1
                batch.write()
    return result


def plan_rules(plan: SurveyPlan) -> Rules:
    groups = plan.offence_groups if isinstance(plan.offence_groups, list) else []
    return Rules(min_age=plan.min_age, offence_groups=tuple(str(g) for g in groups))


def _language(cv: CrimeVictim) -> str:
    plan = getattr(cv, "contact_plan", None)
    return language_code(getattr(plan, "language", "") or cv.person.first_language)


def survey_url(secret: str) -> str:
    return f"{settings.SITE_URL}/portal/survey/{secret}/"


class _Batch:
    """Invitations (or reminders) and their messages, gathered and then written with one INSERT each; each
    wording is looked up once per batch."""

    def __init__(self, now: datetime):
        self.now = now
        self.invitations: list[Invitation] = []
        self.messages: list[dict] = []
        self._templates: dict[tuple[str, str], object] = {}

    def invite(self, cv: CrimeVictim, plan: SurveyPlan) -> Invitation:
        secret = secrets.token_urlsafe(32)
        channel = invite_channel(cv.person)
        inv = Invitation(
            crime_victim=cv,
            person=cv.person,
            plan=plan,
            questionnaire=plan.questionnaire,
            milestone=plan.milestone,
            digest=digest(secret),
            language=_language(cv),
            channels=[channel] if channel else [],
            created_at=self.now,
            expires_at=self.now + timedelta(days=plan.link_days),
            remind_at=self.now + timedelta(days=plan.remind_after_days),
        )
        self.invitations.append(inv)
        if channel:
            self.message(inv, cv, secret, "survey_invitation", channel)
        return inv

    def message(self, inv: Invitation, cv: CrimeVictim, secret: str, code: str, channel: str) -> None:
        key = (code, inv.language)
        if key not in self._templates:
            self._templates[key] = message_templates.newest(code, inv.language)
        rendered = message_templates.render_template(
            self._templates[key],
            {
                "victim_name": cv.person.formal_name,
                "survey_url": survey_url(secret),
                "link_expires": timezone.localtime(inv.expires_at).strftime("%d/%m/%Y"),
            },
        )
        self.messages.append(
            {
                "crime_victim": cv,
                "channel": channel,
                "kind": MessageKind.SURVEY,
                "to_address": {Channel.EMAIL: cv.person.email, Channel.SMS: cv.person.mobile_phone}.get(
                    channel, ""
                ),
                "subject": rendered.subject,
                "body": rendered.body,
                "language": rendered.language,
                "template_code": rendered.code,
                "template_version": rendered.version,
                "not_before": next_sms_window(self.now.astimezone(LONDON))
                if channel == Channel.SMS
                else None,
            }
        )

    def write(self) -> None:
        Invitation.objects.bulk_create(self.invitations)
        message_queue_many(self.messages)


def invite_victim(*, crime_victim: CrimeVictim, plan: SurveyPlan, now: datetime | None = None) -> Invitation:
    """One invitation now, whatever the plan's wait (the caller has checked eligibility): for the demo's
    live link and for tests."""
    batch = _Batch(now or timezone.now())
    inv = batch.invite(crime_victim, plan)
    batch.write()
    return inv


def reminders_send(*, now: datetime | None = None) -> int:
    """The one reminder, to those who have not answered, through the same kind of safe channel (checked
    again now) with a fresh link: the first link stops working, so only one answer can come."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                Invitation.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=InvitationState.SENT, reminded_at=None, remind_at__lte=now, expires_at__gt=now)
                .order_by("remind_at")[:CHUNK]
            )
            if not due:
                return sent
            victims = {cv.pk: cv for cv in _victims([i.crime_victim_id for i in due])}
            plans = SurveyPlan.objects.in_bulk({i.plan_id for i in due})
            batch = _Batch(now)
            for inv in due:
                cv = victims[inv.crime_victim_id]
                # The invitation's "never" rules again, as they stand now (restricted since, no contact,
                # no surveys...); this invitation itself is not a reason.
                facts = facts_for(cv, now=now, invited=set(), answered=set())
                still_ok = not reasons_not(facts, plan_rules(plans[inv.plan_id]))
                channel = invite_channel(cv.person) if still_ok else None
                secret = secrets.token_urlsafe(32)
                if channel:
                    batch.message(inv, cv, secret, "survey_reminder", channel)
                Invitation.objects.filter(pk=inv.pk).update(
                    reminded_at=now,
                    digest=digest(secret) if channel else inv.digest,
                    channels=[*inv.channels, channel] if channel else inv.channels,
                )
                sent += bool(channel)
            message_queue_many(batch.messages)


# --- answering -----------------------------------------------------------------------------------------
class LinkProblem(ValidationError):
    pass


def link_language(secret: str) -> str | None:
    """The language of the invitation a link belongs to (so even a closed link is explained in it)."""
    return Invitation.objects.filter(digest=digest(secret)).values_list("language", flat=True).first()


def invitation_for(secret: str, now: datetime | None = None) -> Invitation:
    """The invitation this link opens, or LinkProblem saying why not in words. The same words whether the
    link never existed or belongs to someone else: a link holder learns nothing about any case."""
    now = now or timezone.now()
    inv = (
        Invitation.objects.select_related("questionnaire", "crime_victim__crime")
        .filter(digest=digest(secret))
        .first()
    )
    if inv is None:
        raise LinkProblem(_("This link is not recognised. Check you used the whole link from your message."))
    if inv.state == InvitationState.ANSWERED:
        raise LinkProblem(_("This survey has already been answered. Each link works only once. Thank you."))
    if inv.state == InvitationState.DECLINED:
        raise LinkProblem(_("You asked not to be sent surveys, so this link no longer works."))
    if inv.state == InvitationState.WITHDRAWN or inv.crime_victim.crime.is_restricted:
        raise LinkProblem(_("This survey is no longer open."))
    if inv.expires_at <= now:
        raise LinkProblem(_("This survey closed on %(day)s.") % {"day": _day(inv.expires_at)})
    return inv


def _day(at: datetime) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y")


def specs(questionnaire: Questionnaire) -> list[QuestionSpec]:
    return [
        QuestionSpec(
            code=q.code,
            kind=q.kind,
            required=q.required,
            area=q.area,
            choices=tuple(str(c.get("value")) for c in q.choices or () if isinstance(c, dict)),
        )
        for q in questions_of(questionnaire)
    ]


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    cached = getattr(questionnaire, "_questions", None)
    if cached is None:
        cached = list(questionnaire.questions.order_by("order", "pk"))
        questionnaire._questions = cached
    return cached


def _comments(errors: dict, comments: str) -> str:
    text = clean(comments)
    if len(text) > COMMENTS_MAX:
        errors["comments"] = _("Use %(n)s characters or fewer") % {"n": f"{COMMENTS_MAX:,}"}
    return text


def updates_kept(cv: CrimeVictim, now: datetime) -> str:
    """Whether every update duty of this victim that had fallen due by `now` was met on time (waived and
    not-required duties left out)."""
    due = list(
        Obligation.objects.filter(crime_victim=cv, rule__is_update=True, due_at__lte=now)
        .exclude(state__in=(ObligationState.WAIVED, ObligationState.NOT_REQUIRED))
        .values_list("met_on_time", flat=True)
    )
    if not due:
        return UpdatesKept.NONE_DUE
    return UpdatesKept.ALL_ON_TIME if all(due) else UpdatesKept.SOME_LATE


def _snapshot(cv: CrimeVictim, now: datetime) -> dict:
    crime, person = cv.crime, cv.person
    return {
        "crime": crime,
        "bcu_id": crime.bcu_id,
        "team_id": crime.team_id,
        "officer_id": crime.oic_id,
        "offence_group": crime.offence.group,
        "case_status": crime.status,
        "closure_reason": crime.closure_reason,
        "restricted": crime.is_restricted,
        "ethnicity": person.ethnicity,
        "gender": person.gender,
        "disability": person.disability,
        "age_band": age_band(age_on(person.date_of_birth, timezone.localdate(now))),
        "updates": updates_kept(cv, now),
    }


def _response(
    *,
    questionnaire: Questionnaire,
    cv: CrimeVictim,
    raw: dict[str, str],
    comments: str,
    share_comments: bool,
    now: datetime,
    **fields,
) -> Response:
    scored = score(specs(questionnaire), raw)
    errors = dict(scored.errors)
    text = _comments(errors, comments)
    passed_on = clean(fields.pop("passed_on", ""))
    kind = fields.pop("passed_on_kind", "") or ""
    if kind and kind not in FeedbackKind.values:
        errors["passed_on_kind"] = _("Choose praise, a concern or something else")
    fields["passed_on_kind"] = (kind or FeedbackKind.OTHER) if passed_on else ""
    if len(passed_on) > PASSED_ON_MAX:
        errors["passed_on"] = _("Use %(n)s characters or fewer") % {"n": f"{PASSED_ON_MAX:,}"}
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    response = Response.objects.create(
        questionnaire=questionnaire,
        crime_victim=cv,
        submitted_at=now,
        answers=scored.answers,
        comments=text,
        share_comments=bool(share_comments and text),
        passed_on=passed_on,
        **{a: scored.areas.get(a) for a in Area.values},
        **_snapshot(cv, now),
        **fields,
    )
    rollup.add(response)
    return response


@transaction.atomic
def invitation_open_for(crime_victim: CrimeVictim, now: datetime | None = None) -> Invitation | None:
    """The victim's survey waiting to be answered on this case (for the portal, where they are signed in
    and need no link), or None."""
    now = now or timezone.now()
    inv = (
        Invitation.objects.select_related("questionnaire", "crime_victim__crime")
        .filter(crime_victim=crime_victim, state=InvitationState.SENT, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if inv is None or inv.crime_victim.crime.is_restricted:
        return None
    return inv


def _invitation(secret: str, crime_victim: CrimeVictim | None, now: datetime) -> Invitation:
    if crime_victim is not None:
        inv = invitation_open_for(crime_victim, now)
        if inv is None:
            raise LinkProblem(_("There is no survey waiting for you."))
        return inv
    return invitation_for(secret, now)


def response_submit(
    *,
    secret: str = "",
    crime_victim: CrimeVictim | None = None,
    raw: dict[str, str],
    comments: str = "",
    share_comments: bool = False,
    language: str = "",
    now: datetime | None = None,
) -> Response:
    """A victim answers from their link (or, signed in to the portal, their `crime_victim`'s open survey), in
    `language` (the page's; by default the invitation's). The invitation is claimed in the same transaction,
    so two submissions (a double click, two tabs) make one answer and the other is told it was used."""
    now = now or timezone.now()
    inv = _invitation(secret, crime_victim, now)
    claimed = Invitation.objects.filter(pk=inv.pk, state=InvitationState.SENT).update(
        state=InvitationState.ANSWERED, answered_at=now
    )
    if not claimed:
        raise LinkProblem(_("This survey has already been answered. Each link works only once. Thank you."))
    cv = CrimeVictim.objects.select_related("crime__offence", "person").get(pk=inv.crime_victim_id)
    try:
        with transaction.atomic():
            return _response(
                questionnaire=inv.questionnaire,
                cv=cv,
                raw=raw,
                comments=comments,
                share_comments=share_comments,
                now=now,
                invitation=inv,
                source=Source.ONLINE,
                language=language if language in ("en", "cy") else inv.language,
                milestone=inv.milestone,
            )
    except ValidationError:
        # Nothing is kept: the link stays open for a corrected answer.
        Invitation.objects.filter(pk=inv.pk).update(state=InvitationState.SENT, answered_at=None)
        raise


@transaction.atomic
def survey_decline(
    *, secret: str = "", crime_victim: CrimeVictim | None = None, now: datetime | None = None
) -> None:
    """ "Do not send me surveys": this link closes and no invitation is sent to this person again."""
    now = now or timezone.now()
    inv = _invitation(secret, crime_victim, now)
    Invitation.objects.filter(person_id=inv.person_id, state=InvitationState.SENT).update(
        state=InvitationState.DECLINED
    )
    SurveySetting.objects.update_or_create(person_id=inv.person_id, defaults={"wants_surveys": False})


@transaction.atomic
def response_enter(
    *,
    by: User,
    crime_victim: CrimeVictim,
    source: str,
    raw: dict[str, str],
    comments: str = "",
    share_comments: bool = False,
    passed_on: str = "",
    passed_on_kind: str = "",
    language: str = "en",
    now: datetime | None = None,
    from_callback: bool = False,
) -> Response:
    """Answers a member of staff took by phone or in person (or on a call-back), with the source recorded
    and what the victim asked to be passed on (praise, a concern or something else). An open invitation
    for the same case is closed by it, so the victim is not asked twice."""
    now = now or timezone.now()
    questionnaire = default_questionnaire()
    if questionnaire is None:
        raise ValidationError({"": [_("No questionnaire has been set up yet.")]})
    cv = CrimeVictim.objects.select_related("crime__offence", "person").get(pk=crime_victim.pk)
    open_inv = (
        Invitation.objects.select_for_update()
        .filter(crime_victim=cv, state=InvitationState.SENT)
        .order_by("-created_at")
        .first()
    )
    allowed = (Source.CALLBACK,) if from_callback else STAFF_SOURCES
    already = Response.objects.filter(crime_victim=cv).order_by("-submitted_at").first()
    if source not in allowed or already is not None:
        # Said together with any problem in the answers, so the page lists every problem at once.
        problems = {}
        if already is not None:
            problems[""] = _("They have already answered the survey about this case, on %(day)s.") % {
                "day": f"{timezone.localtime(already.submitted_at):%-d %B %Y}"
            }
        if source not in allowed:
            problems["source"] = _("Choose how the answers were given")
        problems.update(score(specs(questionnaire), raw).errors)
        raise ValidationError({k: [v] for k, v in problems.items()})
    response = _response(
        questionnaire=questionnaire,
        cv=cv,
        raw=raw,
        comments=comments,
        share_comments=share_comments,
        now=now,
        passed_on=passed_on,
        passed_on_kind=passed_on_kind,
        source=source,
        language=language if language in ("en", "cy") else "en",
        entered_by=by,
        milestone=open_inv.milestone if open_inv else "",
    )
    if open_inv:
        Invitation.objects.filter(pk=open_inv.pk).update(state=InvitationState.WITHDRAWN)
    return response


def default_questionnaire() -> Questionnaire | None:
    """The questionnaire staff enter answers on: the newest version of the one the active plans send."""
    plan = SurveyPlan.objects.filter(active=True).select_related("questionnaire").order_by("pk").first()
    if plan:
        code = plan.questionnaire.code
        return Questionnaire.objects.filter(code=code).order_by("-version").first()
    return Questionnaire.objects.order_by("code", "-version").first()


def survey_setting_save(*, person: Person, wants_surveys: bool, by: User) -> SurveySetting:
    """Staff record what a victim said about surveys (no surveys; or a bereaved relative's wish to be
    asked). No surveys also closes their open links."""
    with transaction.atomic():
        setting, _created = SurveySetting.objects.update_or_create(
            person=person, defaults={"wants_surveys": wants_surveys, "recorded_by": by}
        )
        if not wants_surveys:
            Invitation.objects.filter(person=person, state=InvitationState.SENT).update(
                state=InvitationState.DECLINED
            )
    return setting


def invitations_withdraw_restricted(*, crime_id: int) -> int:
    """A case made restricted: its open survey links stop working."""
    return Invitation.objects.filter(Q(crime_victim__crime_id=crime_id), state=InvitationState.SENT).update(
        state=InvitationState.WITHDRAWN
    )
