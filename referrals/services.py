"""Domain writes of referrals: made by routing, decided with the victim, sent (which meets the Code's
referral duty), moved through their lifecycle by the force and the service, kept current when the
victim's details change, and corrected when a service reports them wrong.

The only writer of Referral.state: every change goes through `_move`, which checks the lifecycle
(constants.TRANSITIONS), writes a ReferralTransition and, for a change the service should hear about,
a webhook row in the same transaction."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.constants import Consent
from cases.models import Crime, CrimeVictim, NeedsAssessment, Person
from cases.selectors import who_to_tell
from contacts.constants import Duty, ObligationState, Trigger
from contacts.models import Obligation
from contacts.services import (
    DECLINED_REFERRAL,
    close_not_required,
    duty_done,
    obligations_create,
    referral_duty_restart,
    refreshed_in_context,
    victims_in_context,
    working_calendar,
)
from messaging.constants import Stage
from messaging.models import StaffNotification
from victimcare.accounts.models import User
from victimcare.calendar import WorkingDayCalendar, due_after_working_days
from victimcare.core.errors import Errors

from . import routing, selectors
from .constants import (
    ATTEMPT_METHODS,
    ATTEMPT_STATES,
    OPEN_STATES,
    REPORTABLE_STATES,
    TRANSITIONS,
    Actor,
    ConsentBasis,
    Decision,
    RouteTrigger,
    State,
    WrongDetail,
)
from .models import (
    ContactAttempt,
    DetailsReport,
    PartnerKey,
    Referral,
    ReferralTransition,
    SupportOrganisation,
    WebhookDelivery,
)

NOTE_MAX = 1000


@dataclass(frozen=True)
class By:
    """Who is acting: a member of staff or a partner user (user), or an API key (label), or the system."""

    actor: str
    user: User | None = None
    label: str = ""

    @classmethod
    def force(cls, user: User) -> By:
        return cls(Actor.FORCE, user=user)

    @classmethod
    def partner_user(cls, user: User) -> By:
        return cls(Actor.PARTNER, user=user)

    @classmethod
    def partner_key(cls, key: PartnerKey) -> By:
        return cls(Actor.PARTNER, label=key.label)

    @classmethod
    def system(cls) -> By:
        return cls(Actor.SYSTEM, label="Automatic")


def _duty_code(org: SupportOrganisation) -> str:
    return Duty.VCS_REFERRAL if org.kind == SupportOrganisation.Kind.PROBATION_VCS else Duty.SUPPORT_REFERRAL


# --- routing: referrals made when a victim is put on a crime, and after a qualifying sentence ----------
def referrals_route(
    *,
    crime: Crime,
    victims: list[CrimeVictim],
    at: datetime,
    trigger: str = RouteTrigger.RECORDED,
) -> list[Referral]:
    """Make the referrals routing gives each victim of this crime (those not already live)."""
    return referrals_route_many(items=[(crime, victims, at)], trigger=trigger)


def referrals_route_many(
    *,
    items: list[tuple[Crime, list[CrimeVictim], datetime]],
    trigger: str = RouteTrigger.RECORDED,
    rules: list[routing.RuleSpec] | None = None,
) -> list[Referral]:
    """Route many crimes at once (each with its victims, loaded with_rule_context, and the moment routing
    happens): the rules, organisations, calendar and existing referrals are read once, and the referrals
    and their first transitions written in two statements. A victim who declined referral in their needs
    assessment gets them as declined: recorded, never sent."""
    rules = selectors.routing_rules() if rules is None else rules
    if not rules or not items:
        return []
    cal = working_calendar()
    cv_ids = [cv.pk for _, victims, _ in items for cv in victims]
    existing = set(
        Referral.objects.filter(crime_victim__in=cv_ids, state__in=OPEN_STATES).values_list(
            "crime_victim_id", "organisation_id"
        )
    )
    orgs = SupportOrganisation.objects.in_bulk({o for r in rules for o in r.organisation_ids})
    made = []
    for crime, victims, at in items:
        hold_until = due_after_working_days(at, 1, cal)
        for cv in victims:
            na = getattr(cv, "needs_assessment", None)
            declined = (na.referral_consent if na else Consent.NOT_ASKED) == Consent.DECLINED
            for r in routing.route(selectors.victim_facts(crime, cv), rules, trigger=trigger):
                org = orgs.get(r.organisation_id)
                if org is None or not org.active or (cv.pk, org.pk) in existing:
                    continue
                existing.add((cv.pk, org.pk))
                # Opt-out referrals wait a working day so the victim can decline first, then go by
                # themselves; never automatically for a restricted case (the officer records the answer).
                auto = org.consent_basis == ConsentBasis.OPT_OUT and not crime.is_restricted
                made.append(
                    Referral(
                        crime=crime,
                        crime_victim=cv,
                        organisation=org,
                        routing_rule_id=r.rule_id,
                        consent_basis=org.consent_basis,
                        state=State.DECLINED if declined else State.CREATED,
                        decision=Decision.DECLINED if declined else Decision.NOT_ASKED,
                        decision_at=na.completed_at if declined else None,
                        decision_by_id=na.completed_by_id if declined else None,
                        created_at=at,
                        changed_at=at,
                        send_after=hold_until if auto and not declined else None,
                    )
                )
    Referral.objects.bulk_create(made)
    ReferralTransition.objects.bulk_create(
        [
            ReferralTransition(
                referral=ref,
                from_state="",
                to_state=ref.state,
                at=ref.created_at,
                actor=Actor.SYSTEM,
                by_label="Routing",
            )
            for ref in made
        ]
    )
    return made


@transaction.atomic
def referral_add(
    *, crime_victim: CrimeVictim, organisation: SupportOrganisation, by: User, at: datetime | None = None
) -> Referral:
    """An officer refers a victim to an organisation routing did not pick."""
    at = at or timezone.now()
    errors = Errors()
    if not organisation.active:
        errors.add("organisation", "That service is not taking referrals.")
    if Referral.objects.filter(
        crime_victim=crime_victim, organisation=organisation, state__in=OPEN_STATES
    ).exists():
        errors.add(
            "organisation", f"{crime_victim.person.full_name} already has a referral to {organisation.name}."
        )
    errors.raise_if_any()
    ref = Referral.objects.create(
        crime_id=crime_victim.crime_id,
        crime_victim=crime_victim,
        organisation=organisation,
        consent_basis=organisation.consent_basis,
        created_at=at,
        created_by=by,
        changed_at=at,
    )
    ReferralTransition.objects.create(
        referral=ref, from_state="", to_state=State.CREATED, at=at, actor=Actor.FORCE, by_user=by
    )
    return ref


# --- the lifecycle --------------------------------------------------------------------------------------
def _move(ref: Referral, to: str, by: By, at: datetime, note: str = "", *, notify: bool = True) -> Referral:
    allowed = TRANSITIONS.get(ref.state, {}).get(to)
    if not allowed or by.actor not in allowed:
        errors = Errors()
        errors.add(
            "state",
            f"A referral that is “{State(ref.state).label.lower()}” "
            f"cannot be marked “{State(to).label.lower()}”.",
        )
        errors.raise_if_any()
    before = ref.state
    ref.state = to
    ref.version += 1
    ref.changed_at = at
    ReferralTransition.objects.create(
        referral=ref,
        from_state=before,
        to_state=to,
        at=at,
        actor=by.actor,
        by_user=by.user,
        by_label=by.label,
        note=note,
    )
    # A referral withdrawn before it was sent was never the service's: it hears nothing of it.
    if notify and (to == State.SENT or (to == State.WITHDRAWN and ref.sent_at)):
        webhook_enqueue(
            referral=ref, event="referral.created" if to == State.SENT else "referral.updated", at=at
        )
    return ref


def _locked(ref: Referral) -> Referral:
    return (
        Referral.objects.select_for_update()
        .select_related("organisation", "crime", "crime_victim")
        .get(pk=ref.pk)
    )


def _clean_note(errors: Errors, field: str, text: str, *, required: str = "") -> str:
    text = (text or "").strip()
    if required and not text:
        errors.add(field, required)
    elif len(text) > NOTE_MAX:
        errors.add(field, f"This must be {NOTE_MAX:,} characters or fewer. You have {len(text):,}.")
    return text


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    by: User,
    decision: str,
    asked_at: datetime,
    sharing_note: str = "",
    now: datetime | None = None,
) -> Referral:
    """Record the victim's answer to this referral. Agreed: it is sent now. Declined: recorded, never sent,
    and if no other referral to support remains, the referral duty closes as not required."""
    now = now or timezone.now()
    errors = Errors()
    if decision not in (Decision.GIVEN, Decision.DECLINED):
        errors.add("decision", "Say whether the victim agreed to the referral.")
    if asked_at > now + timedelta(minutes=5):
        errors.add("asked_at", "The time the victim was asked cannot be in the future.")
    note = _clean_note(errors, "sharing_note", sharing_note)
    ref = _locked(referral)
    if ref.state not in (State.CREATED, State.DECLINED):
        errors.add("decision", "This referral has been sent already. To stop it, withdraw it.")
    errors.raise_if_any()
    ref.decision, ref.decision_by, ref.decision_at, ref.sharing_note = decision, by, asked_at, note
    if decision == Decision.DECLINED:
        if ref.state != State.DECLINED:
            _move(ref, State.DECLINED, By.force(by), now, note=note)
        ref.send_after = None
        ref.save()
        _close_duty_if_all_declined(ref)
        return ref
    if ref.state == State.DECLINED:
        _move(ref, State.CREATED, By.force(by), now, note="The victim changed their mind.")
        _reopen_duty(ref, now)
    _send(ref, By.force(by), now)
    ref.save()
    return ref


def _close_duty_if_all_declined(ref: Referral, *, reason: str = DECLINED_REFERRAL) -> None:
    code = _duty_code(ref.organisation)
    others = Referral.objects.filter(crime_victim_id=ref.crime_victim_id, state__in=OPEN_STATES).exclude(
        pk=ref.pk
    )
    probation = Q(organisation__kind=SupportOrganisation.Kind.PROBATION_VCS)
    others = others.filter(probation) if code == Duty.VCS_REFERRAL else others.exclude(probation)
    if not others.exists():
        close_not_required(
            Obligation.objects.filter(crime_victim_id=ref.crime_victim_id, code=code),
            reason=reason,
        )


def _reopen_duty(ref: Referral, at: datetime) -> None:
    """The victim changed their mind after every referral was declined: the referral duty starts again."""
    if _duty_code(ref.organisation) != Duty.SUPPORT_REFERRAL:
        return
    duties = Obligation.objects.filter(crime_victim_id=ref.crime_victim_id, code=Duty.SUPPORT_REFERRAL)
    if not duties.filter(state__in=[ObligationState.OPEN, ObligationState.MET]).exists():
        referral_duty_restart(crime_victim=ref.crime_victim, at=at)


def needs_victims_agreement(ref: Referral) -> bool:
    """Sent only once the victim has agreed: a specialist service (explicit consent), and any service on a
    restricted case, whose victim's details go nowhere without their own say (never by opt-out)."""
    return ref.consent_basis == ConsentBasis.EXPLICIT or ref.crime.is_restricted


def _send(ref: Referral, by: By, at: datetime, cal: WorkingDayCalendar | None = None) -> None:
    if needs_victims_agreement(ref) and ref.decision != Decision.GIVEN:
        errors = Errors()
        if ref.consent_basis == ConsentBasis.EXPLICIT:
            errors.add("decision", f"{ref.organisation.name} takes referrals only with the victim's consent.")
        else:
            errors.add(
                "decision",
                "This case is restricted: record that the victim agreed to the referral before it is sent.",
            )
        errors.raise_if_any()
    cal = cal or working_calendar()
    org = ref.organisation
    _move(ref, State.SENT, by, at)
    ref.sent_at, ref.send_after = at, None
    ref.ack_due_at = due_after_working_days(at, org.ack_working_days, cal)
    ref.contact_due_at = due_after_working_days(at, org.contact_working_days, cal)
    # Sending meets the Code's referral duty (on time or late by its own deadline).
    duty_done(crime_victim=ref.crime_victim, code=_duty_code(org), at=at)


@transaction.atomic
def referral_send(*, referral: Referral, by: User, now: datetime | None = None) -> Referral:
    """An officer sends a waiting referral now (an opt-out one need not wait for the automatic send)."""
    now = now or timezone.now()
    ref = _locked(referral)
    if ref.state != State.CREATED:
        errors = Errors()
        errors.add("state", "Only a referral waiting to be sent can be sent.")
        errors.raise_if_any()
    if ref.decision == Decision.DECLINED:
        errors = Errors()
        errors.add("decision", "The victim declined this referral.")
        errors.raise_if_any()
    _send(ref, By.force(by), now)
    ref.save()
    return ref


def send_one_held(*, now: datetime, cal: WorkingDayCalendar | None = None) -> bool:
    """Send one opt-out referral whose hold has passed. Claims it with SKIP LOCKED so two workers never
    send the same one. Returns whether it sent something."""
    with transaction.atomic():
        ref = (
            Referral.objects.select_for_update(skip_locked=True, no_key=True)
            .select_related("organisation", "crime", "crime_victim")
            .filter(state=State.CREATED, send_after__lte=now, consent_basis=ConsentBasis.OPT_OUT)
            .exclude(decision=Decision.DECLINED)
            # Restricted after routing held it: it waits for the victim's answer like any restricted one.
            .exclude(crime__is_restricted=True, decision=Decision.NOT_ASKED)
            .order_by("send_after", "id")
            .first()
        )
        if ref is None:
            return False
        _send(ref, By.system(), now, cal)
        ref.save()
        return True


@transaction.atomic
def referral_withdraw(*, referral: Referral, by: User, reason: str, now: datetime | None = None) -> Referral:
    now = now or timezone.now()
    errors = Errors()
    reason = _clean_note(errors, "reason", reason, required="Say why the referral is being withdrawn.")
    errors.raise_if_any()
    ref = _locked(referral)
    _move(ref, State.WITHDRAWN, By.force(by), now, note=reason)
    ref.reason, ref.closed_at, ref.send_after = reason, now, None
    ref.save()
    if ref.sent_at is None:
        why = f"The referral was withdrawn before it was sent: {reason}"
        # The duty's reason holds 300 characters; the withdrawal's may be longer.
        _close_duty_if_all_declined(ref, reason=why if len(why) <= 300 else why[:299] + "…")
    return ref


def needs_referral_answer(*, crime_victim: CrimeVictim, assessment: NeedsAssessment, at: datetime) -> None:
    """The needs assessment's answer on referral. Declined: every referral still waiting is declined
    (recorded, never sent). Agreed: waiting opt-out referrals are sent now, and declined ones made again;
    a specialist (explicit-consent) service still needs the victim's answer to that referral."""
    consent = assessment.referral_consent
    if consent == Consent.NOT_ASKED:
        return
    by = assessment.completed_by
    refs = list(
        Referral.objects.select_for_update()
        .select_related("organisation", "crime", "crime_victim")
        .filter(crime_victim=crime_victim, state__in=[State.CREATED, State.DECLINED])
    )
    for ref in refs:
        if consent == Consent.DECLINED and ref.state == State.CREATED:
            ref.decision, ref.decision_by, ref.decision_at, ref.send_after = Decision.DECLINED, by, at, None
            _move(ref, State.DECLINED, By.force(by), at, note="Declined in the needs assessment.")
            ref.save()
        elif (
            consent == Consent.GIVEN
            and ref.consent_basis == ConsentBasis.OPT_OUT
            and not ref.crime.is_restricted
        ):
            if ref.state == State.DECLINED:
                _move(ref, State.CREATED, By.force(by), at, note="The victim changed their mind.")
            ref.decision, ref.decision_by, ref.decision_at = Decision.GIVEN, by, at
            _send(ref, By.force(by), at)
            ref.save()


# --- what the service does --------------------------------------------------------------------------
PARTNER_MOVES = {
    "acknowledge": State.RECEIVED,
    "accept": State.ACCEPTED,
    "reject": State.REJECTED,
    "support_given": State.SUPPORT_GIVEN,
    "support_declined": State.SUPPORT_DECLINED,
    "close": State.CLOSED,
}


@transaction.atomic
def referral_partner_move(
    *, referral: Referral, action: str, by: By, note: str = "", now: datetime | None = None
) -> Referral:
    """The service acknowledges, accepts, rejects (with a reason), records the outcome or closes."""
    now = now or timezone.now()
    errors = Errors()
    to = PARTNER_MOVES.get(action)
    if to is None:
        errors.add("action", "Choose what to do with the referral.")
        errors.raise_if_any()
    note = _clean_note(
        errors,
        "reason" if to == State.REJECTED else "note",
        note,
        required="Say why the referral is rejected." if to == State.REJECTED else "",
    )
    errors.raise_if_any()
    ref = _locked(referral)
    _move(ref, to, by, now, note=note)
    if to in (State.RECEIVED, State.ACCEPTED, State.REJECTED) and ref.acknowledged_at is None:
        ref.acknowledged_at = now
    if to == State.ACCEPTED:
        ref.accepted_at = now
    if to == State.REJECTED:
        ref.reason, ref.closed_at = note, now
    if to == State.CLOSED:
        ref.closed_at = now
    ref.save()
    return ref


@transaction.atomic
def contact_attempt_record(
    *,
    referral: Referral,
    by: By,
    reached: bool,
    at: datetime,
    method: str = "",
    note: str = "",
    now: datetime | None = None,
) -> ContactAttempt:
    """A try to reach the victim. Reached: the victim is contacted. Not reached: after the organisation's
    number of attempts the referral is marked 'could not contact'."""
    now = now or timezone.now()
    errors = Errors()
    note = _clean_note(errors, "note", note)
    if at > now + timedelta(minutes=5):
        errors.add("at", "The attempt cannot be in the future.")
    if method and method not in dict(ATTEMPT_METHODS):
        errors.add("method", "Choose how you tried to contact the victim from the list.")
    ref = _locked(referral)
    if ref.state not in ATTEMPT_STATES:
        errors.add(
            "state",
            "Contact attempts are recorded from when the referral is sent until the victim is reached.",
        )
    elif ref.sent_at and at < ref.sent_at - timedelta(minutes=5):
        errors.add("at", "The attempt cannot be before the referral was sent.")
    errors.raise_if_any()
    # Trying to reach the victim implies the service has the referral and took it on.
    if ref.state == State.SENT:
        _move(ref, State.RECEIVED, by, now)
        ref.acknowledged_at = ref.acknowledged_at or now
    if ref.state == State.RECEIVED:
        _move(ref, State.ACCEPTED, by, now)
        ref.accepted_at = now
    attempt = ContactAttempt.objects.create(
        referral=ref,
        at=at,
        reached=reached,
        method=method or "",
        note=note,
        recorded_at=now,
        by_user=by.user,
        by_label=by.label,
    )
    ref.contact_attempts += 1
    if reached:
        _move(ref, State.CONTACTED, by, now, note=note)
        ref.contacted_at = at
    elif ref.state == State.ACCEPTED and ref.contact_attempts >= ref.organisation.max_contact_attempts:
        _move(
            ref,
            State.UNABLE_TO_CONTACT,
            by,
            now,
            note=f"{ref.contact_attempts} attempts without reaching the victim.",
        )
    else:
        ref.version += 1
        ref.changed_at = now
    ref.save()
    return attempt


# --- details: kept current, and corrected when a service says they are wrong ---------------------------
@transaction.atomic
def details_report(
    *, referral: Referral, by: By, fields: list[str], note: str = "", now: datetime | None = None
) -> DetailsReport:
    """A service says the victim's details are wrong: the officer gets a duty (2 working days) and an
    inbox item; the correction reaches the service when the officer saves it (details_changed)."""
    now = now or timezone.now()
    errors = Errors()
    fields = list(dict.fromkeys(fields or []))
    if not fields:
        errors.add("fields", "Say which details are wrong.")
    elif any(f not in WrongDetail.values for f in fields):
        errors.add("fields", "Choose the wrong details from the list.")
    note = _clean_note(
        errors, "note", note, required="Say what is wrong, for example 'the phone number is not in use'."
    )
    ref = _locked(referral)
    if ref.state not in REPORTABLE_STATES:
        errors.add("state", "Details can be reported wrong only on a referral the service is working on.")
    errors.raise_if_any()
    crime = Crime.objects.select_related("offence", "team").get(pk=ref.crime_id)
    cv = victims_in_context(crime, [refreshed_in_context(ref.crime_victim)])
    made = obligations_create(crime=crime, trigger=Trigger.DETAILS_REPORTED, at=now, victims=cv)
    duty = next((o for o in made if o.code == Duty.CORRECT_DETAILS), None)
    report = DetailsReport.objects.create(
        referral=ref,
        fields=fields,
        note=note,
        reported_at=now,
        by_user=by.user,
        by_label=by.label,
        obligation=duty,
    )
    if duty is not None:
        StaffNotification.objects.bulk_create(
            [
                StaffNotification(
                    recipient_id=r, obligation=duty, stage=Stage.DETAILS_REPORTED, created_at=now
                )
                for r in who_to_tell(crime)
            ],
            ignore_conflicts=True,
        )
    ref.version += 1
    ref.changed_at = now
    ref.save(update_fields=["version", "changed_at"])
    return report


# What a service sees of the victim: a change to any of these reaches every open referral.
SHARED_FIELDS = frozenset(
    {
        "title",
        "first_name",
        "last_name",
        "mobile_phone",
        "other_phone",
        "email",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "preferred_contact_method",
        "preferred_contact_times",
        "safe_phone",
        "safe_voicemail",
        "safe_sms",
        "safe_email",
        "safe_letter",
        "safe_visit",
        "first_language",
        "interpreter_needed",
        "needs_large_print",
        "needs_easy_read",
        "needs_braille",
    }
)


# The date of birth is not shown, but it decides "Under 18 at the time of the offence" among the enhanced
# reasons the service sees.
UPDATES_REFERRALS = SHARED_FIELDS | {"date_of_birth"}


def details_changed(*, person: Person, fields: frozenset[str], at: datetime) -> int:
    """The victim's details changed: every open referral of theirs is marked updated (the service sees the
    new details, and its webhook hears), reports of wrong details are resolved, and the officer's
    correction duties are met. Returns how many referrals were updated."""
    if not (fields & UPDATES_REFERRALS):
        return 0
    refs = list(
        Referral.objects.select_for_update()
        .select_related("organisation")
        .filter(crime_victim__person=person, state__in=OPEN_STATES)
        .exclude(state=State.CREATED)
    )
    return _mark_updated(refs, at, changed=fields)


# Which of the victim's details answer a report of each kind; "something else" is answered by any.
CORRECTED_BY = {
    WrongDetail.PHONE: {"mobile_phone", "other_phone", "safe_phone", "safe_voicemail", "safe_sms"},
    WrongDetail.EMAIL: {"email", "safe_email"},
    WrongDetail.ADDRESS: {
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "safe_letter",
        "safe_visit",
    },
    WrongDetail.NAME: {"title", "first_name", "last_name"},
    WrongDetail.LANGUAGE: {
        "first_language",
        "interpreter_needed",
        "needs_large_print",
        "needs_easy_read",
        "needs_braille",
    },
}


def _answers(report: DetailsReport, changed: frozenset[str]) -> bool:
    """Whether this change is the officer's answer to the report (a change to a detail it named)."""
    return any(f not in CORRECTED_BY or CORRECTED_BY[f] & changed for f in report.fields)


def _mark_updated(refs: list[Referral], at: datetime, *, changed: frozenset[str] | None = None) -> int:
    """Mark the referrals updated. With the person's `changed` fields, also resolve the reports of wrong
    details that the change answers; a victim's correction duty is met once none of theirs is open."""
    for ref in refs:
        ref.details_updated_at = at
        ref.version += 1
        ref.changed_at = at
        ref.save(update_fields=["details_updated_at", "version", "changed_at"])
        webhook_enqueue(referral=ref, event="referral.updated", at=at)
    if changed is not None and refs:
        open_reports = DetailsReport.objects.filter(referral__in=refs, resolved_at__isnull=True)
        fixed = [r for r in open_reports.select_related("referral") if _answers(r, changed)]
        DetailsReport.objects.filter(pk__in=[r.pk for r in fixed]).update(resolved_at=at)
        for cv_id in {r.referral.crime_victim_id for r in fixed}:
            if not DetailsReport.objects.filter(
                referral__crime_victim_id=cv_id, resolved_at__isnull=True
            ).exists():
                duty_done(crime_victim=CrimeVictim(pk=cv_id), code=Duty.CORRECT_DETAILS, at=at)
    return len(refs)


def crime_victim_changed(*, crime_victim: CrimeVictim, at: datetime) -> int:
    """Needs or enhanced status changed for this victim on this crime: their open referrals are updated."""
    refs = list(
        Referral.objects.select_for_update()
        .select_related("organisation")
        .filter(crime_victim=crime_victim, state__in=OPEN_STATES, sent_at__lt=at)
        .exclude(state=State.CREATED)
    )
    # (sent_at before `at`: a referral the same answer sent already has the new details.)
    return _mark_updated(refs, at)


# --- reminders to services ------------------------------------------------------------------------------
STALE_TARGETS = (
    # (reminded field, due field, states still owing it, webhook event, in words)
    ("ack_reminded_at", "ack_due_at", (State.SENT,), "referral.acknowledgement_overdue", "not acknowledged"),
    (
        "contact_reminded_at",
        "contact_due_at",
        (State.SENT, State.RECEIVED, State.ACCEPTED),
        "referral.contact_overdue",
        "victim not contacted yet",
    ),
)


def remind_stale(*, now: datetime) -> int:
    """Each referral past a service target gets one reminder per target: a webhook event, and one email to
    the service listing its overdue referrals by reference (never a victim's name: email is not secure).
    Per organisation in one transaction that claims its rows (SKIP LOCKED): if the email cannot be sent
    nothing is marked and the next run tries again; two schedulers remind once. Returns how many."""
    org_ids = set()
    for field, due_field, states, _, _ in STALE_TARGETS:
        org_ids |= set(
            Referral.objects.filter(state__in=states, **{f"{due_field}__lt": now, f"{field}__isnull": True})
            .order_by()
            .values_list("organisation_id", flat=True)
            .distinct()
        )
    return sum(_remind_organisation(org_id, now) for org_id in sorted(org_ids))


def _remind_organisation(org_id: int, now: datetime) -> int:
    from django.conf import settings
    from django.core.mail import send_mail

    with transaction.atomic():
        org = SupportOrganisation.objects.get(pk=org_id)
        lines, n = [], 0
        for field, due_field, states, event, words in STALE_TARGETS:
            qs = Referral.objects.filter(
                organisation_id=org_id,
                state__in=states,
                **{f"{due_field}__lt": now, f"{field}__isnull": True},
            )
            if transaction.get_connection().features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            refs = list(qs.select_related("organisation").order_by(due_field, "id")[:500])
            Referral.objects.filter(pk__in=[r.pk for r in refs]).update(**{field: now})
            for ref in refs:
                webhook_enqueue(referral=ref, event=event, at=now)
                due = timezone.localtime(getattr(ref, due_field))
                lines.append(f"- {ref.reference}: {words} (due {due:%-d %b %Y})")
            n += len(refs)
        if lines and org.email:
            send_mail(
                subject=f"Victim care: {n} referral{'s' if n != 1 else ''} past your service level",
                message=(
                    f"These referrals to {org.name} are past the times agreed with the police:\n\n"
                    + "\n".join(lines)
                    + f"\n\nSee them in your workspace: {settings.SITE_URL}/partner/?show=stale\n"
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[org.email],
            )
        return n


# --- webhooks (the outbox; referrals.webhooks delivers) ---------------------------------------------
def webhook_enqueue(*, referral: Referral, event: str, at: datetime) -> WebhookDelivery | None:
    """A webhook row for the referral's service, written with the change (nothing if it has no address)."""
    ref, org = referral, referral.organisation
    if not org.webhook_url:
        return None
    return WebhookDelivery.objects.create(
        organisation=org,
        referral=ref,
        msg_id=f"msg_{uuid.uuid4().hex}",
        event=event,
        payload={
            "type": event,
            "timestamp": at.isoformat(),
            "data": {"referral": ref.reference, "id": ref.pk, "state": ref.state, "version": ref.version},
        },
        created_at=at,
        next_attempt_at=at,
    )


@transaction.atomic
def webhook_save(*, organisation: SupportOrganisation, url: str, new_secret: bool) -> str:
    """Set or clear the organisation's webhook address. Returns a new signing secret (to show once) when
    one was made: asked for, or the first address set; clearing the address forgets the secret."""
    from .webhooks import webhook_url_problem

    if url and (problem := webhook_url_problem(url)):
        errors = Errors()
        errors.add("url", problem)
        errors.raise_if_any()
    org = SupportOrganisation.objects.select_for_update().get(pk=organisation.pk)
    secret = ""
    if not url:
        org.webhook_url, org.webhook_secret = "", ""
    else:
        org.webhook_url = url
        if new_secret or not org.webhook_secret:
            secret = org.webhook_secret = webhook_secret_new()
    org.save(update_fields=["webhook_url", "webhook_secret", "updated_at"])
    organisation.webhook_url, organisation.webhook_secret = org.webhook_url, org.webhook_secret
    return secret


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: 'whsec_' and 32 random bytes in base64."""
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
