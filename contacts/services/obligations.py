"""Duties (obligations): created by what happens to a case, met, closed as not required, or waived.

The only module that writes Obligation.state (tests/core/test_state_owners.py checks it): the
contact log, contact plans and delivered messages call the functions here."""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from cases.constants import Consent, CrimeStatus
from cases.models import CaseEvent, Crime, CrimeVictim
from messaging.constants import Channel, MessageKind, MessageStatus
from messaging.hooks import portal_readable
from messaging.models import Message
from victimcare.accounts.models import User
from victimcare.calendar import WorkingDayCalendar, local_date
from victimcare.core.errors import Errors

from .. import auto_messages, engine, hooks
from ..constants import (
    SUCCESSFUL_OUTCOMES,
    Condition,
    Duty,
    Frequency,
    ObligationState,
    Trigger,
)
from ..models import (
    AddedEligibility,
    Contact,
    Obligation,
)
from .rulebook import (
    DECLINED_REFERRAL,
    RuleBook,
    enhanced_for,
    initial_state,
    load_rulebook,
    plan_of,
    plan_period,
    refreshed_in_context,
    rules_for_victim,
    victims_in_context,
    with_rule_context,
    working_calendar,
)

CASE_CLOSED = "The case was closed."
CASE_REOPENED = "The case was reopened before the victim was told it had closed."
REPLANNED = "Replaced after the contact plan changed."


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
        for rule in rules_for_victim(candidates, crime, cv, enhanced, cv.person_id in repeat_ids):
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
                    team_id=crime.team_id,
                    bcu_id=crime.bcu_id,
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

    def create(trigger: str) -> list[Obligation]:
        return obligations_create(
            crime=crime,
            trigger=trigger,
            at=event.occurred_at,
            event=event,
            victims=victims,
            book=book,
            cal=cal,
        )

    made = create(event.code)
    if event.code == "OUTCOME" and qualifying_sentence(crime, event.details):
        made += create(Trigger.QUALIFYING_SENTENCE)
    if event.code == "CLOSED":
        close_not_required(Obligation.objects.filter(crime=crime, **ENDED_BY_CLOSURE), reason=CASE_CLOSED)
        _meet_closure_with_earlier_contacts(crime, made)
    if event.code == "REOPENED":
        # There is no closure to tell the victim about any more; closing again creates a new duty.
        close_not_required(
            Obligation.objects.filter(crime=crime, trigger=Trigger.CLOSED), reason=CASE_REOPENED
        )
        made += create(Trigger.PLAN)
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
        plan = plan_of(cv)
        if plan is not None and (not plan.wants_updates or plan.frequency == Frequency.NONE):
            continue
        if cv.id not in told:
            missing.append(cv.person.full_name)
    return missing


def _meet_closure_with_earlier_contacts(crime: Crime, made: list[Obligation]) -> None:
    for ob in closure_met_by_earlier_contacts(made, told=_closure_contacts(crime)):
        ob.save(update_fields=MET_FIELDS)


# --- the rules of meeting duties, on duties in memory: the services and the demo replay both use them ----
def closure_met_by_earlier_contacts(new: list[Obligation], *, told: dict[int, Contact]) -> list[Obligation]:
    """A closure duty is met by a contact that already told the victim the case was closing (`told`: each
    victim's such contact). Marks them met (not saved) and returns them."""
    met = []
    for ob in new:
        contact = told.get(ob.crime_victim_id)
        if ob.code == Duty.CLOSURE and ob.state == ObligationState.OPEN and contact is not None:
            met.append(set_met(ob, at=contact.occurred_at, contact=contact))
    return met


# Closing a case ends the recurring progress updates (they become not required): what they are, once.
ENDED_BY_CLOSURE = {"trigger": Trigger.PLAN}


def ends_at_closure(ob: Obligation) -> bool:
    """The in-memory form of ENDED_BY_CLOSURE (the demo replay); on_event closes them in one statement."""
    return ob.state == ObligationState.OPEN and all(getattr(ob, k) == v for k, v in ENDED_BY_CLOSURE.items())


def duties_a_contact_meets(
    open_duties: list[Obligation], *, chosen: list[Obligation], occurred_at: datetime, about_closure: bool
) -> list[Obligation]:
    """What a successful contact meets: the duties the officer chose; any open progress update (any
    successful contact is a qualifying update); and, if it told the victim the case is closing, the closure
    duty. Never a duty that began after the contact (a back-dated contact cannot meet a later duty)."""
    met = list(chosen)
    for ob in open_duties:
        if ob.state != ObligationState.OPEN or ob.triggered_at > occurred_at or ob in met:
            continue  # (model equality: the same row, or for unsaved duties the same object)
        if ob.trigger == Trigger.PLAN or (about_closure and ob.code == Duty.CLOSURE):
            met.append(ob)
    return met


def contact_restarts_updates(met: list[Obligation]) -> bool:
    """The next progress update is due from a contact that met one (while the case is open)."""
    return any(o.trigger == Trigger.PLAN for o in met)


# --- the state transitions: the only code that changes Obligation.state ------------------------------
MET_FIELDS = ["state", "met_at", "met_by_contact", "met_on_time"]


def set_met(ob: Obligation, *, at: datetime, contact: Contact | None = None) -> Obligation:
    """Mark a duty met at `at` (on time if by its deadline), by a contact if one met it. Not saved: the
    caller saves (update_fields=MET_FIELDS) or bulk-inserts (the demo replay)."""
    ob.state, ob.met_at, ob.met_by_contact, ob.met_on_time = ObligationState.MET, at, contact, at <= ob.due_at
    return ob


def set_closed(ob: Obligation, *, state: str, reason: str, by: User | None = None) -> Obligation:
    """Mark a duty not required or waived, with the reason (and who waived it). Not saved."""
    if state not in (ObligationState.NOT_REQUIRED, ObligationState.WAIVED):
        raise ValueError(f"A duty is closed as not required or waived, not {state!r}.")
    ob.state, ob.closed_reason, ob.closed_by = state, reason, by
    return ob


def meet(obligations, *, at: datetime, contact: Contact | None = None) -> int:
    n = 0
    for ob in obligations:
        set_met(ob, at=at, contact=contact).save(update_fields=MET_FIELDS)
        n += 1
    return n


def close_not_required(obligations: QuerySet[Obligation], *, reason: str) -> int:
    """Close the open duties of this queryset as not required, with the reason. Returns how many."""
    return obligations.filter(state=ObligationState.OPEN).update(
        state=ObligationState.NOT_REQUIRED, closed_reason=reason
    )


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
        set_met(ob, at=at).save(update_fields=MET_FIELDS)


def duty_done(*, crime_victim: CrimeVictim, code: str, at: datetime) -> int:
    """A duty met by doing it (needs assessment completed, contact plan agreed)."""
    return meet(
        Obligation.objects.filter(crime_victim=crime_victim, code=code, state=ObligationState.OPEN), at=at
    )


def needs_assessed(*, crime_victim: CrimeVictim, assessment, at: datetime) -> None:
    duty_done(crime_victim=crime_victim, code=Duty.NEEDS_ASSESSMENT, at=at)
    referrals = Obligation.objects.filter(crime_victim=crime_victim, code=Duty.SUPPORT_REFERRAL)
    if assessment.referral_consent == Consent.DECLINED:
        close_not_required(referrals, reason=DECLINED_REFERRAL)
    elif (
        assessment.referral_consent == Consent.GIVEN
        and referrals.filter(closed_reason=DECLINED_REFERRAL).exists()
        and not referrals.exclude(closed_reason=DECLINED_REFERRAL).exists()
    ):
        referral_duty_restart(crime_victim=crime_victim, at=at)
    enhanced_reassess(crime_victim=crime_victim)


def referral_duty_restart(*, crime_victim: CrimeVictim, at: datetime) -> list[Obligation]:
    """The victim changed their mind after declining: the referral duty starts again from now (in the
    needs assessment, or on one referral: referrals.services.referral_decide)."""
    crime = Crime.objects.get(pk=crime_victim.crime_id)
    cv = victims_in_context(crime, [refreshed_in_context(crime_victim)])
    made = obligations_create(crime=crime, trigger=Trigger.VICTIM_ADDED, at=at, victims=cv, save=False)
    made = [o for o in made if o.code == Duty.SUPPORT_REFERRAL]
    Obligation.objects.bulk_create(made)
    return made


def enhanced_reassess(*, crime_victim: CrimeVictim) -> int:
    """A victim found to be enhanced later (needs assessment, an officer's reason) gets the shorter limits on
    the duties still open: each is re-derived from its own trigger time and only ever brought forward."""
    crime = Crime.objects.get(pk=crime_victim.crime_id)
    cv = victims_in_context(crime, [refreshed_in_context(crime_victim)])[0]
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
    set_closed(ob, state=ObligationState.WAIVED, reason=reason.strip(), by=by)
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
    hooks.eligibility_added.fire(
        hooks.EligibilityAdded(crime_victim=crime_victim, reason=reason, at=added.added_at)
    )
    return added
