"""Domain writes for obligations, contact plans and the contact log.

Obligations are created by the case services (cases.services) when victims are added, events recorded
and cases reallocated, always in the same transaction as their cause. They are met by contacts (or by
completing the duty itself: a needs assessment, an agreed contact plan) and never deleted.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.constants import SAFE_FLAGS, Consent, ContactMethod, CrimeStatus
from cases.eligibility import eligibility_input_for, enhanced_reasons
from cases.models import CaseEvent, Crime, CrimeVictim
from messaging.constants import Channel, Format, MessageKind, MessageStatus
from messaging.hooks import portal_readable
from messaging.models import Message
from victimcare.accounts.models import User
from victimcare.calendar import WorkingDayCalendar, local_date
from victimcare.core.errors import Errors

from . import auto_messages, engine
from .constants import (
    FREQUENCY_DAYS,
    SUCCESSFUL_OUTCOMES,
    Condition,
    ContactOutcome,
    Duty,
    Frequency,
    ObligationState,
    RuleSetKind,
    Trigger,
)
from .models import (
    AddedEligibility,
    ClosureDay,
    Contact,
    ContactPlan,
    ContactPlanChange,
    Obligation,
    Rule,
    RuleSet,
)

NO_UPDATES = "The victim asked for no updates."
KEY_EVENTS_ONLY = "The victim asked to hear only when something important happens."
DECLINED_REFERRAL = "The victim declined a referral to a support service."
CASE_CLOSED = "The case was closed."
CASE_REOPENED = "The case was reopened before the victim was told it had closed."


def working_calendar() -> WorkingDayCalendar:
    """Built per use from the admin's closure days, so an edit applies at once in every process."""
    return WorkingDayCalendar(closure_days=ClosureDay.objects.values_list("day", flat=True))


# --- the rule book ---------------------------------------------------------------------------------
@dataclass
class RuleBook:
    editions: list[tuple[date, RuleSet, list[Rule]]] = field(default_factory=list)  # newest first
    overlays: list[tuple[date, RuleSet, list[Rule]]] = field(default_factory=list)

    def edition_at(self, day: date) -> tuple[RuleSet, list[Rule]] | None:
        for starts, rule_set, rules in self.editions:
            if starts <= day:
                return rule_set, rules
        return None

    def rules_for(self, trigger: str, at: datetime) -> list[Rule]:
        """Rules with this trigger in the edition in force at `at`, overlaid by active local overlays.
        Conditions are checked per victim (rule_applies)."""
        day = local_date(at)
        edition = self.edition_at(day)
        if edition is None:
            return []
        chosen: dict[str, list[Rule]] = {}
        for rule in edition[1]:
            if trigger in rule.triggers:
                chosen.setdefault(rule.code, []).append(rule)
        # Overlay rules replace the edition's rule of the same code; a conditional overlay rule is tried
        # first and falls back to the unconditional one (see rule_applies / _pick).
        for starts, _rs, rules in self.overlays:
            if starts <= day:
                for rule in rules:
                    if trigger in rule.triggers:
                        chosen[rule.code] = [rule, *chosen.get(rule.code, [])] if rule.condition else [rule]
        return [r for candidates in chosen.values() for r in candidates]


def load_rulebook() -> RuleBook:
    book = RuleBook()
    rules_by_set: dict[int, list[Rule]] = {}
    for rule in Rule.objects.select_related("rule_set").order_by("rule_set_id", "code"):
        rules_by_set.setdefault(rule.rule_set_id, []).append(rule)
    for rs in RuleSet.objects.order_by("-effective_from", "-id"):
        entry = (rs.effective_from, rs, rules_by_set.get(rs.id, []))
        if rs.kind == RuleSetKind.EDITION:
            book.editions.append(entry)
        elif rs.active:
            book.overlays.append(entry)
    # Overlays apply oldest first so a newer overlay wins.
    book.overlays.reverse()
    return book


# --- per-victim context ----------------------------------------------------------------------------
def enhanced_for(cv: CrimeVictim, rule_set: RuleSet) -> tuple[bool, list[str]]:
    reasons = [code for code, _ in enhanced_reasons(eligibility_input_for(cv))]
    if rule_set.enhanced_reasons:
        reasons = [r for r in reasons if r in rule_set.enhanced_reasons]
    added = [a.reason for a in cv.added_eligibility.all()]
    return bool(reasons or added), reasons + added


def _plan(cv: CrimeVictim) -> ContactPlan | None:
    try:
        return cv.contact_plan
    except ContactPlan.DoesNotExist:
        return None


def _consent(cv: CrimeVictim) -> str:
    na = getattr(cv, "needs_assessment", None)
    return na.referral_consent if na else Consent.NOT_ASKED


def rule_applies(rule: Rule, crime: Crime, cv: CrimeVictim, enhanced: bool, repeat: bool) -> bool:
    if rule.condition == Condition.SENSITIVE:
        return crime.is_sensitive
    if rule.condition == Condition.NOT_MINOR_PROPERTY:
        minor = crime.offence.is_vehicle or (
            crime.offence.is_criminal_damage and not crime.offence.is_most_serious
        )
        asked = _consent(cv) == Consent.GIVEN
        return not minor or enhanced or repeat or crime.is_hate_crime or asked
    return True


def _pick(rules: list[Rule], crime: Crime, cv: CrimeVictim, enhanced: bool, repeat: bool) -> list[Rule]:
    """One rule per code: the first candidate whose condition holds."""
    picked: dict[str, Rule] = {}
    for rule in rules:
        if rule.code not in picked and rule_applies(rule, crime, cv, enhanced, repeat):
            picked[rule.code] = rule
    return list(picked.values())


def initial_state(rule: Rule, cv: CrimeVictim) -> tuple[str, str]:
    plan = _plan(cv)
    if plan is not None and rule.is_update and (not plan.wants_updates or plan.frequency == Frequency.NONE):
        return ObligationState.NOT_REQUIRED, NO_UPDATES
    if plan is not None and Trigger.PLAN in rule.triggers and plan.frequency == Frequency.KEY_EVENTS:
        return ObligationState.NOT_REQUIRED, KEY_EVENTS_ONLY
    if rule.code == Duty.SUPPORT_REFERRAL and _consent(cv) == Consent.DECLINED:
        return ObligationState.NOT_REQUIRED, DECLINED_REFERRAL
    return ObligationState.OPEN, ""


def plan_period(rule: Rule, cv: CrimeVictim) -> int | None:
    """The stricter of the rule's period and the one agreed with the victim."""
    plan = _plan(cv)
    agreed = FREQUENCY_DAYS.get(plan.frequency) if plan else None
    if rule.period_days and agreed:
        return min(rule.period_days, agreed)
    return rule.period_days or agreed


def with_rule_context(qs):
    """Victims with everything the rules read: the person, needs assessment, plan, added reasons."""
    return qs.select_related("person", "needs_assessment", "contact_plan").prefetch_related(
        "added_eligibility"
    )


def victims_in_context(crime: Crime, victims: list[CrimeVictim] | None) -> list[CrimeVictim]:
    if victims is None:
        victims = list(with_rule_context(crime.victims.all()))
    for cv in victims:
        cv.crime = crime
    return victims


def obligations_create(
    *,
    crime: Crime,
    trigger: str,
    at: datetime,
    event: CaseEvent | None = None,
    victims: list[CrimeVictim] | None = None,
    book: RuleBook | None = None,
    cal: WorkingDayCalendar | None = None,
    first: bool = False,
    save: bool = True,
) -> list[Obligation]:
    """Create the obligations a trigger gives each victim on the crime, under the rule set in force at
    `at`. Victims who asked for no updates get them as not required (so compliance stays honest)."""
    book = book or load_rulebook()
    candidates = book.rules_for(trigger, at)
    if not candidates:
        return []
    cal = cal or working_calendar()
    edition = book.edition_at(local_date(at))[0]
    victims = victims_in_context(crime, victims)
    once_codes = {r.code for r in candidates if r.once_per_victim}
    existing_once = set()
    if once_codes and crime.pk:
        existing_once = set(
            Obligation.objects.filter(crime=crime, code__in=once_codes).values_list("crime_victim_id", "code")
        )
    repeat_ids = set()
    if any(r.condition == Condition.NOT_MINOR_PROPERTY for r in candidates):
        repeat_ids = set(
            CrimeVictim.objects.filter(person_id__in=[cv.person_id for cv in victims])
            .exclude(crime_id=crime.pk)
            .values_list("person_id", flat=True)
        )
    out = []
    for cv in victims:
        enhanced, _ = enhanced_for(cv, edition)
        for rule in _pick(candidates, crime, cv, enhanced, cv.person_id in repeat_ids):
            if rule.once_per_victim and (cv.id, rule.code) in existing_once:
                continue
            state, reason = initial_state(rule, cv)
            due = engine.due_at(
                at, rule, enhanced=enhanced, cal=cal, period_days=plan_period(rule, cv), first=first
            )
            sch = engine.schedule(at, due, rule, enhanced=enhanced)
            out.append(
                Obligation(
                    crime=crime,
                    crime_victim=cv,
                    rule=rule,
                    code=rule.code,
                    trigger=trigger,
                    trigger_event=event,
                    triggered_at=at,
                    due_at=sch.due_at,
                    remind_at=sch.remind_at,
                    escalate_at=sch.escalate_at,
                    enhanced=enhanced,
                    owner_id=crime.oic_id,
                    state=state,
                    closed_reason=reason,
                )
            )
    if save and out:
        Obligation.objects.bulk_create(out)
    return out


# --- hooks called by the case services (same transaction as their cause) -------------------------
def on_victims_added(*, crime: Crime, victims: list[CrimeVictim], at: datetime) -> list[Obligation]:
    book, cal = load_rulebook(), working_calendar()
    victims = victims_in_context(
        crime, list(with_rule_context(CrimeVictim.objects.filter(pk__in=[cv.pk for cv in victims])))
    )
    made = obligations_create(
        crime=crime, trigger=Trigger.VICTIM_ADDED, at=at, victims=victims, book=book, cal=cal
    )
    if crime.status != CrimeStatus.CLOSED:
        made += obligations_create(
            crime=crime, trigger=Trigger.PLAN, at=at, victims=victims, book=book, cal=cal, first=True
        )
    auto_messages.on_obligations(crime=crime, obligations=made)
    return made


def qualifying_sentence(crime: Crime, details: dict) -> bool:
    """Probation Victim Contact Scheme: 12 months or more for a specified violent or sexual offence."""
    months = details.get("custody_months") or 0
    return int(months) >= 12 and (crime.offence.is_violence or crime.offence.is_sexual)


def on_event(*, crime: Crime, event: CaseEvent) -> list[Obligation]:
    book, cal = load_rulebook(), working_calendar()
    victims = victims_in_context(crime, None)
    if event.code == Trigger.VRR_REQUESTED:
        victims = _review_askers(event, victims)
    made = obligations_create(
        crime=crime,
        trigger=event.code,
        at=event.occurred_at,
        event=event,
        victims=victims,
        book=book,
        cal=cal,
    )
    if event.code == "OUTCOME" and qualifying_sentence(crime, event.details):
        made += obligations_create(
            crime=crime,
            trigger=Trigger.QUALIFYING_SENTENCE,
            at=event.occurred_at,
            event=event,
            victims=victims,
            book=book,
            cal=cal,
        )
    if event.code == "CLOSED":
        Obligation.objects.filter(crime=crime, state=ObligationState.OPEN, trigger=Trigger.PLAN).update(
            state=ObligationState.NOT_REQUIRED, closed_reason=CASE_CLOSED
        )
        _meet_closure_with_earlier_contacts(crime, made)
    if event.code == "REOPENED":
        # There is no closure to tell the victim about any more; closing again creates a new duty.
        Obligation.objects.filter(crime=crime, state=ObligationState.OPEN, trigger=Trigger.CLOSED).update(
            state=ObligationState.NOT_REQUIRED, closed_reason=CASE_REOPENED
        )
        made += obligations_create(
            crime=crime,
            trigger=Trigger.PLAN,
            at=event.occurred_at,
            event=event,
            victims=victims,
            book=book,
            cal=cal,
        )
    if event.code == Trigger.VRR_REQUESTED and len(victims) > 1:
        made_auto = [o for o in made if o.code != Duty.VRR_ACKNOWLEDGE]
    else:
        made_auto = made
    auto_messages.on_obligations(crime=crime, obligations=made_auto)
    return made


def _review_askers(event: CaseEvent, victims: list[CrimeVictim]) -> list[CrimeVictim]:
    """A review request is one victim's: only they get its duties and acknowledgement. The portal records
    who asked; when staff record one on a case with several victims without saying who, every victim gets
    the duties (the officer closes the others as not required) but nobody an automatic acknowledgement."""
    asker = event.details.get("crime_victim")
    named = [cv for cv in victims if cv.pk == asker]
    return named or victims


def on_allocated(*, crime: Crime, event: CaseEvent) -> list[Obligation]:
    """Open obligations follow the case to its new officer; a new officer introduces themselves."""
    Obligation.objects.filter(crime=crime, state=ObligationState.OPEN).update(owner=crime.oic_id)
    made = []
    if event.code == "REALLOCATED":
        made = obligations_create(crime=crime, trigger=Trigger.REALLOCATED, at=event.occurred_at, event=event)
    auto_messages.on_allocated(crime=crime, event=event, obligations=made)
    return made


# --- the closure gate --------------------------------------------------------------------------------
def _closure_contacts(crime: Crime) -> dict[int, Contact]:
    """For each victim, the latest successful contact telling them about closure since the case was last
    reopened."""
    since = (
        crime.events.filter(code="REOPENED")
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    qs = Contact.objects.filter(crime=crime, about_closure=True, outcome__in=list(SUCCESSFUL_OUTCOMES))
    if since:
        qs = qs.filter(occurred_at__gte=since)
    out: dict[int, Contact] = {}
    for c in qs.order_by("occurred_at"):
        out[c.crime_victim_id] = c
    return out


def closure_gate(*, crime: Crime, not_told_reason: str) -> list[str]:
    """Names of victims who have not been told the case is closing (empty when it may close)."""
    if (not_told_reason or "").strip():
        return []
    told = _closure_contacts(crime)
    missing = []
    for cv in crime.victims.select_related("person", "contact_plan"):
        plan = _plan(cv)
        if plan is not None and (not plan.wants_updates or plan.frequency == Frequency.NONE):
            continue
        if cv.id not in told:
            missing.append(cv.person.full_name)
    return missing


def _meet_closure_with_earlier_contacts(crime: Crime, made: list[Obligation]) -> None:
    told = _closure_contacts(crime)
    for ob in made:
        contact = told.get(ob.crime_victim_id)
        if ob.code == Duty.CLOSURE and ob.state == ObligationState.OPEN and contact is not None:
            ob.state, ob.met_at, ob.met_by_contact = ObligationState.MET, contact.occurred_at, contact
            ob.met_on_time = contact.occurred_at <= ob.due_at
            ob.save(update_fields=["state", "met_at", "met_by_contact", "met_on_time"])


# --- meeting, waiving --------------------------------------------------------------------------------
def _meet(obligations, *, at: datetime, contact: Contact | None = None) -> int:
    n = 0
    for ob in obligations:
        ob.state, ob.met_at, ob.met_by_contact, ob.met_on_time = (
            ObligationState.MET,
            at,
            contact,
            at <= ob.due_at,
        )
        ob.save(update_fields=["state", "met_at", "met_by_contact", "met_on_time"])
        n += 1
    return n


# --- duties met by messages (messaging tells us through message_delivered) ---------------------------
def meet_waiting_duties(*, person_id: int, at: datetime) -> int:
    """When a victim activates their portal: the duties of standard and officer messages already waiting
    there are met now (the victim can read them from this moment)."""
    waiting = Message.objects.filter(
        crime_victim__person_id=person_id,
        channel=Channel.PORTAL,
        status=MessageStatus.DELIVERED,
        kind__in=(MessageKind.AUTOMATIC, MessageKind.OFFICER),
        obligation__state=ObligationState.OPEN,
    ).select_related("crime_victim")
    n = 0
    for msg in waiting:
        duty_met_by_message(message=msg, at=at)
        n += 1
    return n


def duty_met_by_message(*, message: Message, at: datetime) -> None:
    """A content message reached the victim (messaging.hooks.message_delivered). An officer's own written
    message meets its duty whatever the rule says (they wrote it personally); an automatic one only where
    the rule allows automatic messages. Alerts never reach here."""
    msg = message
    if msg.obligation_id is None or msg.kind not in (MessageKind.AUTOMATIC, MessageKind.OFFICER):
        return
    if msg.channel == Channel.PORTAL and not portal_readable.ask(msg.crime_victim.person_id):
        # Waiting in a portal the victim has not activated yet: met when they activate
        # (meet_waiting_duties).
        return
    ob = Obligation.objects.select_for_update().select_related("rule").get(pk=msg.obligation_id)
    allowed = msg.kind == MessageKind.OFFICER or ob.rule.auto_message_allowed
    if ob.state == ObligationState.OPEN and allowed:
        ob.state, ob.met_at, ob.met_on_time = ObligationState.MET, at, at <= ob.due_at
        ob.save(update_fields=["state", "met_at", "met_on_time"])


def duty_done(*, crime_victim: CrimeVictim, code: str, at: datetime) -> int:
    """A duty met by doing it (needs assessment completed, contact plan agreed)."""
    return _meet(
        Obligation.objects.filter(crime_victim=crime_victim, code=code, state=ObligationState.OPEN), at=at
    )


def needs_assessed(*, crime_victim: CrimeVictim, assessment, at: datetime) -> None:
    duty_done(crime_victim=crime_victim, code=Duty.NEEDS_ASSESSMENT, at=at)
    referrals = Obligation.objects.filter(crime_victim=crime_victim, code=Duty.SUPPORT_REFERRAL)
    if assessment.referral_consent == Consent.DECLINED:
        referrals.filter(state=ObligationState.OPEN).update(
            state=ObligationState.NOT_REQUIRED, closed_reason=DECLINED_REFERRAL
        )
    elif (
        assessment.referral_consent == Consent.GIVEN
        and referrals.filter(closed_reason=DECLINED_REFERRAL).exists()
        and not referrals.exclude(closed_reason=DECLINED_REFERRAL).exists()
    ):
        # The victim changed their mind: the referral duty starts again from now.
        crime = Crime.objects.get(pk=crime_victim.crime_id)
        cv = victims_in_context(crime, [_fresh(crime_victim)])
        made = obligations_create(crime=crime, trigger=Trigger.VICTIM_ADDED, at=at, victims=cv, save=False)
        Obligation.objects.bulk_create([o for o in made if o.code == Duty.SUPPORT_REFERRAL])
    enhanced_reassess(crime_victim=crime_victim)


def _fresh(cv: CrimeVictim) -> CrimeVictim:
    return with_rule_context(CrimeVictim.objects.all()).get(pk=cv.pk)


def enhanced_reassess(*, crime_victim: CrimeVictim) -> int:
    """A victim found to be enhanced later (needs assessment, an officer's reason) gets the shorter limits on
    the duties still open: each is re-derived from its own trigger time and only ever brought forward."""
    crime = Crime.objects.get(pk=crime_victim.crime_id)
    cv = victims_in_context(crime, [_fresh(crime_victim)])[0]
    book, cal = load_rulebook(), None
    changed = 0
    for ob in Obligation.objects.filter(
        crime_victim=cv, state=ObligationState.OPEN, enhanced=False
    ).select_related("rule"):
        edition = book.edition_at(local_date(ob.triggered_at))
        if edition is None or ob.rule.standard_wd is None:
            continue
        enhanced, _ = enhanced_for(cv, edition[0])
        if not enhanced:
            continue
        cal = cal or working_calendar()
        due = engine.due_at(ob.triggered_at, ob.rule, enhanced=True, cal=cal)
        if due >= ob.due_at:
            continue
        sch = engine.schedule(ob.triggered_at, due, ob.rule, enhanced=True)
        ob.enhanced, ob.due_at, ob.remind_at, ob.escalate_at = (
            True,
            sch.due_at,
            sch.remind_at,
            sch.escalate_at,
        )
        ob.save(update_fields=["enhanced", "due_at", "remind_at", "escalate_at"])
        changed += 1
    return changed


@transaction.atomic
def obligation_waive(*, obligation: Obligation, by: User, reason: str) -> Obligation:
    errors = Errors()
    if not (reason or "").strip():
        errors.add("reason", "Say why this duty is being waived.")
    elif len(reason) > 300:
        errors.add("reason", "The reason must be 300 characters or fewer.")
    ob = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if ob.state != ObligationState.OPEN:
        errors.add("reason", "Only an open duty can be waived.")
    errors.raise_if_any()
    ob.state, ob.closed_reason, ob.closed_by = ObligationState.WAIVED, reason.strip(), by
    ob.save(update_fields=["state", "closed_reason", "closed_by"])
    return ob


@transaction.atomic
def eligibility_add(*, crime_victim: CrimeVictim, by: User, reason: str) -> AddedEligibility:
    """An officer adds a reason a victim is enhanced. Nothing removes one."""
    errors = Errors()
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", "Say why the victim should get enhanced entitlements.")
    elif len(reason) > 300:
        errors.add("reason", "The reason must be 300 characters or fewer.")
    errors.raise_if_any()
    added = AddedEligibility.objects.create(crime_victim=crime_victim, reason=reason, added_by=by)
    enhanced_reassess(crime_victim=crime_victim)
    return added


# --- the contact log -------------------------------------------------------------------------------
@transaction.atomic
def contact_log(
    *,
    crime_victim: CrimeVictim,
    by: User,
    method: str,
    outcome: str,
    summary: str,
    occurred_at: datetime | None,
    obligation_ids: list[int] | None = None,
    about_closure: bool = False,
    now: datetime | None = None,
) -> tuple[Contact, list[Obligation]]:
    """Log a contact (or an attempt). A successful contact meets the chosen open obligations of this victim
    and, being a qualifying contact, resets the recurring progress update. A failed attempt meets nothing."""
    now = now or timezone.now()
    crime = Crime.objects.select_for_update().get(pk=crime_victim.crime_id)
    errors = Errors()
    if method not in ContactMethod.values:
        errors.add("method", "Choose how you contacted the victim.")
    if outcome not in ContactOutcome.values:
        errors.add("outcome", "Choose what happened.")
    summary = (summary or "").strip()
    if not summary:
        errors.add("summary", "Write a short summary of the contact.")
    elif len(summary) > 4000:
        errors.add("summary", "The summary must be 4,000 characters or fewer.")
    if occurred_at is None:
        errors.add("occurred_at", "Enter when the contact happened.")
    elif occurred_at > now + timedelta(minutes=5):
        errors.add("occurred_at", "A contact cannot be in the future.")
    elif occurred_at < crime.occurred_at:
        errors.add("occurred_at", "A contact cannot be before the offence.")
    ids = sorted(set(obligation_ids or []))
    chosen = list(Obligation.objects.select_for_update().filter(pk__in=ids)) if ids else []
    if len(chosen) != len(ids) or any(o.crime_victim_id != crime_victim.id for o in chosen):
        errors.add("obligations", "Choose only duties of this victim on this case.")
    elif any(o.state != ObligationState.OPEN for o in chosen):
        errors.add("obligations", "One of the chosen duties has already been met or closed. Reload the page.")
    elif occurred_at and any(o.triggered_at > occurred_at for o in chosen):
        errors.add(
            "obligations", "This contact was before one of the chosen duties began, so it cannot meet it."
        )
    errors.raise_if_any()

    contact = Contact.objects.create(
        crime=crime,
        crime_victim=crime_victim,
        method=method,
        outcome=outcome,
        summary=summary,
        occurred_at=occurred_at,
        about_closure=about_closure,
        recorded_by=by,
    )
    if outcome not in SUCCESSFUL_OUTCOMES:
        return contact, []
    met = chosen + list(
        Obligation.objects.select_for_update()
        .filter(crime_victim=crime_victim, state=ObligationState.OPEN, trigger=Trigger.PLAN)
        .filter(triggered_at__lte=occurred_at)  # a back-dated contact cannot meet a later duty
        .exclude(pk__in=ids)
    )
    if about_closure:
        met += list(
            Obligation.objects.select_for_update()
            .filter(crime_victim=crime_victim, state=ObligationState.OPEN, code=Duty.CLOSURE)
            .filter(triggered_at__lte=occurred_at)
            .exclude(pk__in=[o.pk for o in met])
        )
    _meet(met, at=occurred_at, contact=contact)
    if crime.status != CrimeStatus.CLOSED and any(o.trigger == Trigger.PLAN for o in met):
        # The next progress update is due from this contact (the plan's period).
        obligations_create(crime=crime, trigger=Trigger.PLAN, at=occurred_at, victims=[crime_victim])
    return contact, met


# --- contact plans ---------------------------------------------------------------------------------
PLAN_FIELDS = ["wants_updates", "methods", "safe_times", "frequency", "language", "format", "notes"]


@transaction.atomic
def plan_save(
    *,
    crime_victim: CrimeVictim,
    by: User | None,
    data: dict[str, Any],
    now: datetime | None = None,
    by_victim: bool = False,
) -> ContactPlan:
    """Agree or change the victim's contact plan; every change is kept with who and when. Agreeing it
    meets the CONTACT_PLAN duty; a change of frequency reschedules the next progress update. The victim
    can change their own preferences in the portal (by_victim): that is kept as theirs and does not count
    as the officer agreeing a plan."""
    now = now or timezone.now()
    errors = Errors()
    person = crime_victim.person
    methods = list(dict.fromkeys(data.get("methods") or []))
    if any(m not in ContactMethod.values for m in methods):
        errors.add("methods", "Choose contact methods from the list.")
    bad = [ContactMethod(m).label for m in methods if m in SAFE_FLAGS and not person.channel_safe(m)]
    if bad:
        errors.add(
            "methods",
            f"Not marked safe for this victim: {', '.join(map(str, bad))}. "
            "Confirm it is safe in their details first.",
        )
    if data.get("frequency", Frequency.EVERY_28_DAYS) not in Frequency.values:
        errors.add("frequency", "Choose how often to update the victim.")
    if data.get("format", Format.STANDARD) not in Format.values:
        errors.add("format", "Choose a format.")
    if len(data.get("safe_times") or "") > 200:
        errors.add("safe_times", "Safe times must be 200 characters or fewer.")
    errors.raise_if_any()

    plan = ContactPlan.objects.select_for_update().filter(crime_victim=crime_victim).first()
    new = plan is None
    if new:
        plan = ContactPlan(crime_victim=crime_victim, agreed_by=by, agreed_at=now)
    before = {k: getattr(plan, k) for k in PLAN_FIELDS}
    values = {**{k: data[k] for k in PLAN_FIELDS if k in data}, "methods": methods}
    for k, v in values.items():
        setattr(plan, k, v)
    changes = {k: [before[k], getattr(plan, k)] for k in PLAN_FIELDS if before[k] != getattr(plan, k)}
    if not by_victim:
        plan.agreed_by, plan.agreed_at = by, now
    plan.save()
    if changes and (not new or by_victim):
        ContactPlanChange.objects.create(plan=plan, changed_by=by, by_victim=by_victim, changes=changes)
    crime_victim.contact_plan = plan
    if not by_victim:
        duty_done(crime_victim=crime_victim, code=Duty.CONTACT_PLAN, at=now)
    if new or {"wants_updates", "frequency"} & changes.keys():
        _replan_updates(crime_victim, now)
    return plan


def _replan_updates(cv: CrimeVictim, now: datetime) -> None:
    """Re-derive the open recurring update after a plan change: close it and start again from its
    original start (so a shorter period can make it due sooner, never later than agreed)."""
    crime = Crime.objects.get(pk=cv.crime_id)
    open_updates = list(
        Obligation.objects.filter(crime_victim=cv, state=ObligationState.OPEN, trigger=Trigger.PLAN)
    )
    start = min((o.triggered_at for o in open_updates), default=now)
    if open_updates:
        Obligation.objects.filter(pk__in=[o.pk for o in open_updates]).update(
            state=ObligationState.NOT_REQUIRED, closed_reason="Replaced after the contact plan changed."
        )
    if crime.status != CrimeStatus.CLOSED:
        cv = _fresh(cv)
        obligations_create(
            crime=crime,
            trigger=Trigger.PLAN,
            at=start,
            victims=[cv],
            first=not Contact.objects.filter(crime_victim=cv).exists(),
        )
