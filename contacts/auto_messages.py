"""Automatic standard messages, and drafts for duties that need a personal touch.

Called by the hooks in contacts.services with the obligations a case change has just made, in the same
transaction (the outbox pattern: the message rows commit with their cause, or not at all).

For each new open obligation:
- whose rule allows an automatic message and has a template of the same code: the victim's safe route
  (messaging.safety.route) decides. Portal: the message goes to the portal, with an alert by
  each safe channel (alerts carry no case details). Letter: a letter to the safe address, large print
  when the victim needs it. Neither: a draft for the officer and a note in their inbox, so they know to
  phone or visit (the duty stays open until they do).
- whose duty is news the victim should hear from a person (not investigated, released with no further
  action, not prosecuted, closure, court outcome): a draft from the template, and a note to the officer.
Recurring progress updates are not sent when they are created: they fall due in the future.

Queries: a constant number per call (portal accounts, templates, the officer) plus one insert per message.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.models import Crime, CrimeVictim, Person
from cases.selectors import who_to_tell
from contacts.constants import Duty, Frequency, ObligationState
from contacts.models import ContactPlan, Obligation, plan_of
from messaging import templates
from messaging.constants import Channel, Format, MessageKind, MessageStatus, Stage
from messaging.letters import MONTHS_CY
from messaging.models import Message, MessageTemplate
from messaging.outbox import message_queue, tell_staff
from messaging.safety import Recipient, Route, route
from victimcare.calendar import LONDON

# Duties an officer tells the victim about personally: the system writes a draft, never sends it.
DRAFT_CODES = frozenset(
    {
        Duty.NOT_INVESTIGATED,
        Duty.RELEASE_NO_FURTHER_ACTION,
        Duty.NOT_PROSECUTED,
        Duty.CLOSURE,
        Duty.OUTCOME_SENTENCE,
    }
)
# Recurring duties: due in the future, so nothing is sent when they are created.
NOT_AT_CREATION = frozenset({Duty.PROGRESS_UPDATE})
ALERT_TEMPLATES = {Channel.EMAIL: "ALERT_EMAIL", Channel.SMS: "ALERT_SMS"}
ALLOCATED = "ALLOCATED"
WELSH = {"welsh", "cymraeg", "cy"}


def language_code(spoken: str | None) -> str:
    """The message language for a spoken language as recorded ("Welsh", "Cymraeg"...): cy or en."""
    return "cy" if (spoken or "").strip().lower() in WELSH else "en"


# --- one victim's channels -------------------------------------------------------------------------
@dataclass
class Victim:
    """What choosing a route needs to know about one victim on one case."""

    cv: CrimeVictim
    person: Person
    plan: ContactPlan | None
    account: object | None  # portal.models.PortalAccount

    @property
    def has_portal(self) -> bool:
        return self.account is not None and self.account.status in ("invited", "active")

    @property
    def alerts_on(self) -> bool:
        """Alerts only to an activated account whose owner has not turned them off."""
        return self.account is not None and self.account.status == "active" and self.account.alerts

    @property
    def language(self) -> str:
        if self.account is not None and self.account.language in templates.LANGUAGES:
            return self.account.language
        return language_code(self.plan.language if self.plan else self.person.first_language)

    @property
    def is_large_print(self) -> bool:
        return self.letter_format == Format.LARGE_PRINT

    @property
    def letter_format(self) -> str:
        large = (self.plan and self.plan.format == Format.LARGE_PRINT) or self.person.needs_large_print
        return Format.LARGE_PRINT if large else Format.STANDARD

    def wants_updates(self) -> bool:
        return self.plan is None or (self.plan.wants_updates and self.plan.frequency != Frequency.NONE)

    def recipient(self, *, is_update: bool = True) -> Recipient:
        """An update goes only to a victim who wants updates; other duties (the acknowledgement, an
        officer's reply) go regardless."""

        p = self.person
        if self.plan is not None:
            methods = tuple(self.plan.methods)
        else:
            methods = (p.preferred_contact_method,) if p.preferred_contact_method else ()
        return Recipient(
            wants_updates=self.wants_updates() or not is_update,
            has_portal=self.has_portal,
            email=p.email,
            safe_email=p.channel_safe(Channel.EMAIL),
            mobile=p.mobile_phone,
            safe_sms=p.channel_safe(Channel.SMS),
            has_address=p.has_postal_address,
            safe_letter=p.channel_safe(Channel.LETTER),
            methods=methods,
        )

    def route(self, now: datetime, *, is_update: bool = True) -> Route:
        return route(self.recipient(is_update=is_update), now.astimezone(LONDON))

    def alert_channels(self, r: Route) -> tuple[str, ...]:
        return r.alerts if (r.content == "portal" and self.alerts_on) else ()


def victims_for(cvs: list[CrimeVictim]) -> dict[int, Victim]:
    """Victim records for these crime victims (person and plan already loaded, or loaded here), with their
    portal accounts in one query."""
    from messaging.hooks import portal_accounts

    accounts = portal_accounts.ask(frozenset(cv.person_id for cv in cvs))
    return {cv.id: Victim(cv, cv.person, plan_of(cv), accounts.get(cv.person_id)) for cv in cvs}


def victim_for(cv: CrimeVictim) -> Victim:
    return victims_for([cv])[cv.id]


# --- templates, loaded once per call ---------------------------------------------------------------
class TemplateSet:
    """The newest active version of each needed template, in one query, rendered by
    messaging.templates.render_template like any other (falling back to English where a wording has no
    Welsh)."""

    def __init__(self, codes) -> None:
        self.rows: dict[tuple[str, str], MessageTemplate] = {}
        for tpl in MessageTemplate.objects.filter(code__in=set(codes), active=True).order_by(
            "code", "language", "-version"
        ):
            self.rows.setdefault((tpl.code, tpl.language), tpl)

    def render(self, code: str, language: str, context: dict[str, str]) -> templates.Rendered | None:
        language = language if language in templates.LANGUAGES else "en"
        tpl = self.rows.get((code, language)) or self.rows.get((code, "en"))
        if tpl is None:
            return None
        return templates.render_template(tpl, context)


# --- what the event said, in the victim's words ----------------------------------------------------
DISPOSALS = {
    "caution": ("a simple caution", "rhybuddiad syml"),
    "conditional_caution": ("a conditional caution", "rhybuddiad amodol"),
    "community_resolution": ("a community resolution", "datrysiad cymunedol"),
    "penalty_notice": ("a penalty notice", "hysbysiad cosb"),
}
HEARING_TYPES = {
    "first": ("First hearing", "Gwrandawiad cyntaf"),
    "plea": ("Plea hearing", "Gwrandawiad ple"),
    "trial": ("Trial", "Treial"),
    "sentencing": ("Sentencing", "Dedfrydu"),
    "bail": ("Bail hearing", "Gwrandawiad mechnïaeth"),
    "other": ("Hearing", "Gwrandawiad"),
}
CLOSURE_REASONS = {
    "no_suspect": (
        "We followed every line of enquiry we could, but we have not been able to identify who did it.",
        "Rydym wedi dilyn pob trywydd ymholi y gallem, ond nid ydym wedi gallu canfod pwy a'i gwnaeth.",
    ),
    "evidential_difficulties": (
        "We have identified a suspect, but there is not enough evidence to take the case further.",
        "Rydym wedi canfod rhywun a ddrwgdybir, ond nid oes digon o dystiolaeth i fynd â'r achos ymhellach.",
    ),
    "victim_does_not_support": (
        "You told us you did not want us to take any further action.",
        "Dywedoch wrthym nad oeddech am i ni gymryd unrhyw gamau pellach.",
    ),
    "not_in_public_interest": (
        "It was decided that taking the case to court would not be in the public interest.",
        "Penderfynwyd na fyddai mynd â'r achos i'r llys er budd y cyhoedd.",
    ),
    "out_of_court": (
        "The person responsible was dealt with out of court.",
        "Cafodd yr unigolyn sy'n gyfrifol ei drin y tu allan i'r llys.",
    ),
    "court_outcome": ("The court case has finished.", "Mae'r achos llys wedi dod i ben."),
    "not_investigated": (
        "We decided not to investigate further.",
        "Penderfynwyd peidio ag ymchwilio ymhellach.",
    ),
}


def bail_until_for(ob, language: str) -> str:
    """For a bail duty started by bail (not release under investigation): when the suspect must answer
    bail, in the victim's language; otherwise empty."""
    event = ob.trigger_event
    if ob.code != Duty.BAIL or event is None or event.code != "BAIL":
        return ""
    return _when(event.details.get("return_at"), language) if event.details.get("return_at") else ""


def _when(value, language: str) -> str:
    dt = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if dt is None:
        return str(value or "")
    if timezone.is_naive(dt):
        dt = dt.replace(tzinfo=LONDON)
    dt = dt.astimezone(LONDON)
    if language == "cy":
        return f"{dt.day} {MONTHS_CY[dt.month - 1]} {dt.year} am {dt:%H:%M}"
    return f"{dt.day} {dt:%B %Y} at {dt:%H:%M}"


def details_for(ob: Obligation, language: str) -> str:
    """The part of the event's details that belongs in the message to the victim (never the suspect's
    name or the officer's notes)."""
    event = ob.trigger_event
    d = (event.details if event is not None else None) or {}
    cy = language == "cy"
    i = 1 if cy else 0
    code = ob.code
    if code in (Duty.BAIL, Duty.BAIL_CHANGED):
        return str(d.get("conditions", ""))
    if code == Duty.CHARGE:
        parts = []
        if d.get("charges"):
            parts.append(f"{'Y cyhuddiad' if cy else 'The charge'}: {d['charges']}.")
        if d.get("first_hearing_at"):
            when = _when(d["first_hearing_at"], language)
            court = f" {'yn' if cy else 'at'} {d['court']}" if d.get("court") else ""
            parts.append(
                f"Bydd y gwrandawiad cyntaf ar {when}{court}."
                if cy
                else f"The first hearing is on {when}{court}."
            )
        return " ".join(parts)
    if code == Duty.OUT_OF_COURT:
        disposal = d.get("disposal", "")
        return DISPOSALS[disposal][i] if disposal in DISPOSALS else str(disposal)
    if code == Duty.HEARING_DATE:
        lines = []
        if d.get("hearing_at"):
            label = "Dyddiad ac amser" if cy else "Date and time"
            lines.append(f"{label}: {_when(d['hearing_at'], language)}")
        if d.get("court"):
            lines.append(f"{'Llys' if cy else 'Court'}: {d['court']}")
        if d.get("hearing_type"):
            label = HEARING_TYPES.get(d["hearing_type"], (d["hearing_type"], d["hearing_type"]))[i]
            lines.append(f"{'Math o wrandawiad' if cy else 'Type of hearing'}: {label}")
        return "\n".join(lines)
    if code == Duty.BAIL_HEARING_OUTCOME:
        return str(d.get("outcome", ""))
    if code in (Duty.NOT_INVESTIGATED, Duty.RELEASE_NO_FURTHER_ACTION, Duty.NOT_PROSECUTED):
        return str(d.get("reason", ""))
    if code == Duty.CLOSURE:
        reason = d.get("closure_reason", "")
        return CLOSURE_REASONS[reason][i] if reason in CLOSURE_REASONS else ""
    if code == Duty.OUTCOME_SENTENCE:
        parts = []
        if d.get("outcome"):
            parts.append(f"{'Y canlyniad' if cy else 'The outcome'}: {d['outcome']}")
        if d.get("sentence"):
            parts.append(f"{'Y ddedfryd' if cy else 'The sentence'}: {d['sentence']}")
        return "\n".join(parts)
    return ""


# --- writing the rows ------------------------------------------------------------------------------
def alerts_queue(*, victim: Victim, r: Route, tpls: TemplateSet, language: str, by=None) -> list[Message]:
    """One alert per safe channel: "you have a new update, sign in to read it". The alert templates get
    only the portal address, so whatever an admin writes in them, no case detail can reach an email or a
    text message."""
    out = []
    for channel in victim.alert_channels(r):
        rendered = tpls.render(ALERT_TEMPLATES[channel], language, {"portal_url": _portal_url()})
        if rendered is None:
            continue
        out.append(
            message_queue(
                crime_victim=victim.cv,
                channel=channel,
                kind=MessageKind.ALERT,
                to_address=victim.person.email if channel == Channel.EMAIL else victim.person.mobile_phone,
                subject=rendered.subject,
                body=rendered.body,
                language=rendered.language,
                template_code=rendered.code,
                template_version=rendered.version,
                not_before=r.sms_not_before if channel == Channel.SMS else None,
                by=by,
            )
        )
    return out


def _portal_url() -> str:
    return f"{settings.SITE_URL}/portal/"


def address_block(person: Person) -> str:
    from messaging.letters import address_lines

    return "\n".join(address_lines(person))[:300]


def content_queue(
    *,
    victim: Victim,
    r: Route,
    rendered: templates.Rendered,
    obligation: Obligation | None,
    kind: str = MessageKind.AUTOMATIC,
    by=None,
    **extra,
) -> Message:
    """The message itself, by the route's content channel (portal or a letter to the safe address)."""
    letter = r.content == Channel.LETTER
    return message_queue(
        crime_victim=victim.cv,
        channel=Channel.LETTER if letter else Channel.PORTAL,
        kind=kind,
        to_address=address_block(victim.person) if letter else "",
        subject=rendered.subject,
        body=rendered.body,
        obligation=obligation,
        language=rendered.language,
        template_code=rendered.code,
        template_version=rendered.version,
        letter_format=victim.letter_format if letter else "",
        by=by,
        **extra,
    )


def _draft(victim: Victim, rendered: templates.Rendered, ob: Obligation, r: Route | None) -> Message:
    return message_queue(
        crime_victim=victim.cv,
        channel=Channel.LETTER if (r and r.content == Channel.LETTER) else Channel.PORTAL,
        kind=MessageKind.OFFICER,
        subject=rendered.subject,
        body=rendered.body,
        obligation=ob,
        language=rendered.language,
        template_code=rendered.code,
        template_version=rendered.version,
        status=MessageStatus.DRAFT,
    )


def _tell_officer(crime: Crime, drafts: list[Message], now: datetime) -> None:
    if drafts:
        tell_staff(who_to_tell(crime), messages=drafts, stage=Stage.DRAFT_READY, now=now)


def _wanted(ob: Obligation) -> bool:
    if ob.state != ObligationState.OPEN or ob.code in NOT_AT_CREATION:
        return False
    return ob.code in DRAFT_CODES or ob.rule.auto_message_allowed


def on_obligations(
    *, crime: Crime, obligations: list[Obligation], now: datetime | None = None
) -> list[Message]:
    """Messages and drafts for obligations just created (see the module docstring). Returns the rows."""
    chosen = [ob for ob in obligations if _wanted(ob)]
    if not chosen:
        return []
    now = now or timezone.now()
    by_victim: dict[int, list[Obligation]] = defaultdict(list)
    cvs: dict[int, CrimeVictim] = {}
    for ob in chosen:
        by_victim[ob.crime_victim_id].append(ob)
        cvs[ob.crime_victim_id] = ob.crime_victim
    victims = victims_for(list(cvs.values()))
    tpls = TemplateSet({ob.code for ob in chosen} | set(ALERT_TEMPLATES.values()))
    out: list[Message] = []
    drafts: list[Message] = []
    for cv_id, obs in by_victim.items():
        victim = victims[cv_id]
        alert_route = None
        for ob in obs:
            ctx = templates.context_for(
                crime,
                victim.person,
                details=details_for(ob, victim.language),
                portal_url=_portal_url(),
                bail_until=bail_until_for(ob, victim.language),
            )
            rendered = tpls.render(ob.code, victim.language, ctx)
            if rendered is None:
                continue  # no standard wording: the duty stays with the officer, as before
            r = victim.route(now, is_update=ob.rule.is_update)
            if ob.code in DRAFT_CODES or (r.content is None and r.personal_contact_needed):
                drafts.append(_draft(victim, rendered, ob, r))
            elif r.content is not None:
                out.append(content_queue(victim=victim, r=r, rendered=rendered, obligation=ob))
                alert_route = alert_route or r
        if alert_route is not None:
            # One alert per victim however many messages this change made.
            out += alerts_queue(victim=victim, r=alert_route, tpls=tpls, language=victim.language)
    _tell_officer(crime, drafts, now)
    return out + drafts


def on_allocated(*, crime: Crime, event, obligations: list[Obligation] = (), now: datetime | None = None):
    """A new officer in case: the standard ALLOCATED message to each victim with a safe written channel
    (it meets no duty), plus whatever the allocation's obligations need. Not when the crime was recorded and
    allocated in one go: the acknowledgement already names the officer."""
    out = on_obligations(crime=crime, obligations=list(obligations), now=now)
    if event.code == "ALLOCATED" and event.occurred_at == crime.recorded_at:
        return out
    now = now or timezone.now()
    cvs = list(
        CrimeVictim.objects.filter(crime=crime)
        .filter(Q(contact_plan__isnull=True) | Q(contact_plan__wants_updates=True))
        .select_related("person", "contact_plan")
    )
    if not cvs:
        return out
    for cv in cvs:
        cv.crime = crime
    tpls = TemplateSet({ALLOCATED, *ALERT_TEMPLATES.values()})
    for victim in victims_for(cvs).values():
        r = victim.route(now)
        if r.content is None:
            continue  # nothing safe in writing; the new officer's introduction duty covers it
        rendered = tpls.render(
            ALLOCATED, victim.language, templates.context_for(crime, victim.person, portal_url=_portal_url())
        )
        if rendered is None:
            return out
        out.append(content_queue(victim=victim, r=r, rendered=rendered, obligation=None))
        out += alerts_queue(victim=victim, r=r, tpls=tpls, language=victim.language)
    return out
