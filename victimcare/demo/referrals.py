"""Demo referrals: the organisations' terms, the routing rules, the demo partner's organisation, and a
referral history for the demo crimes that agrees with their duties.

The routing is the real one (referrals.selectors.routing_rules + referrals.routing.route, the pure
function the services use). Each victim's referral duty says what happened: met at T → the referrals
were sent at T (specialist ones only where the victim agreed) and have since moved on as a service would
(acknowledged, accepted, contacted, support given, closed; a realistic few late or rejected); closed as
not required → the victim declined, recorded and never sent; still open → waiting, sent by the beat
when its hold passes."""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from cases.models import Crime, CrimeVictim
from contacts.constants import Duty, ObligationState
from contacts.models import Obligation
from contacts.services import working_calendar
from referrals import routing
from referrals.constants import Actor, ConsentBasis, Decision, RouteTrigger, State
from referrals.keys import KEY_PREFIX, PREFIX_CHARS
from referrals.models import (
    ContactAttempt,
    PartnerKey,
    PartnerMember,
    Referral,
    ReferralTransition,
    RoutingRule,
    SupportOrganisation,
)
from referrals.selectors import routing_rules, victim_facts
from referrals.services import needs_victims_agreement
from victimcare.accounts.models import BCU, User
from victimcare.calendar import due_after_working_days

from .data import BATCH, DEMO_PARTNER, DEMO_PARTNER_KEY, DEMO_PARTNER_ORG, ROUTING_RULES, SUPPORT_ORG_TERMS

REJECT_REASONS = [
    "Outside our area: the victim lives outside the area we serve.",
    "The victim already has a caseworker with another service.",
]


def seed_referral_setup(counts: Counter) -> None:
    """Organisations' terms, routing rules and the partner's membership; only what is missing."""
    for name, (basis, ack, contact, attempts, groups, offences, services) in SUPPORT_ORG_TERMS.items():
        org = SupportOrganisation.objects.filter(name=name).first()
        if org is None or org.services:
            continue
        org.consent_basis, org.ack_working_days, org.contact_working_days = basis, ack, contact
        org.max_contact_attempts, org.victim_groups, org.offence_groups = attempts, groups, offences
        org.services = services
        org.save()
    orgs = {o.name: o for o in SupportOrganisation.objects.all()}
    bcus = {b.code: b for b in BCU.objects.all()}
    for name, trigger, cond, targets in ROUTING_RULES:
        if RoutingRule.objects.filter(name=name).exists():
            continue
        rule = RoutingRule.objects.create(
            name=name,
            trigger=trigger,
            flags=cond.get("flags", []),
            min_age=cond.get("min_age"),
            max_age=cond.get("max_age"),
        )
        rule.bcus.set([bcus[c] for c in cond.get("bcus", []) if c in bcus])
        rule.organisations.set([orgs[t] for t in targets if t in orgs])
        counts["routing rules"] += 1
    partner = User.objects.filter(email=DEMO_PARTNER).first()
    if partner is not None and DEMO_PARTNER_ORG in orgs:
        _, made = PartnerMember.objects.get_or_create(
            user=partner, defaults={"organisation": orgs[DEMO_PARTNER_ORG]}
        )
        counts["partner members"] += made
        prefix = DEMO_PARTNER_KEY[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_CHARS]
        _, made = PartnerKey.objects.get_or_create(
            prefix=prefix,
            defaults={
                "organisation": orgs[DEMO_PARTNER_ORG],
                "name": "Demo key (public: demo data only)",
                "digest": hashlib.sha256(DEMO_PARTNER_KEY.encode()).hexdigest(),
                "created_at": timezone.now(),
                "created_by": partner,
            },
        )
        counts["partner API keys"] += made


class ReferralSeeder:
    def __init__(self, *, now: datetime, seed: int) -> None:
        self.now = now
        self.rng = random.Random(seed + 7)
        self.cal = working_calendar()
        self.counts: Counter = Counter()

    def seed(self, crimes_qs) -> None:
        rules = routing_rules()
        if not rules:
            return
        orgs = SupportOrganisation.objects.in_bulk()
        duties = {
            (o.crime_victim_id, o.code): o
            for o in Obligation.objects.filter(
                crime__in=crimes_qs, code__in=[Duty.SUPPORT_REFERRAL, Duty.VCS_REFERRAL]
            ).order_by("triggered_at")
        }
        crimes = (
            crimes_qs.select_related("offence")
            .prefetch_related(
                Prefetch(
                    "victims",
                    queryset=CrimeVictim.objects.select_related(
                        "person", "needs_assessment"
                    ).prefetch_related("added_eligibility"),
                )
            )
            .order_by("id")
        )
        refs: list[Referral] = []
        history: list[tuple[int, list[tuple[str, str, datetime, str]]]] = []
        attempts: list[tuple[int, datetime, bool]] = []
        for crime in crimes.iterator(chunk_size=BATCH):
            for cv in crime.victims.all():
                facts = victim_facts(crime, cv)
                for trigger, code in (
                    (RouteTrigger.RECORDED, Duty.SUPPORT_REFERRAL),
                    (RouteTrigger.QUALIFYING_SENTENCE, Duty.VCS_REFERRAL),
                ):
                    duty = duties.get((cv.pk, code))
                    if duty is None:
                        continue
                    for route in routing.route(facts, rules, trigger=trigger):
                        org = orgs[route.organisation_id]
                        made = self._referral(crime, cv, org, route.rule_id, duty)
                        if made is not None:
                            ref, steps, tries = made
                            refs.append(ref)
                            history.append((len(refs) - 1, steps))
                            attempts.extend((len(refs) - 1, at, ok) for at, ok in tries)
        Referral.objects.bulk_create(refs, batch_size=BATCH)
        ReferralTransition.objects.bulk_create(
            [
                ReferralTransition(
                    referral=refs[i],
                    from_state=a,
                    to_state=b,
                    at=at,
                    actor=actor,
                    by_label="Automatic" if actor == Actor.SYSTEM else ("Routing" if not a else ""),
                    by_user_id=refs[i].decision_by_id if actor == Actor.FORCE else None,
                    note=REJECT_REASONS[0] if b == State.REJECTED else "",
                )
                for i, steps in history
                for a, b, at, actor in steps
            ],
            batch_size=BATCH,
        )
        ContactAttempt.objects.bulk_create(
            [
                ContactAttempt(
                    referral=refs[i],
                    at=at,
                    reached=ok,
                    method="phone",
                    recorded_at=at,
                    by_label="",
                    note="Spoke to the victim." if ok else "No answer.",
                )
                for i, at, ok in attempts
            ],
            batch_size=BATCH,
        )
        # Referral duties were met by sending, not by a contact.
        Obligation.objects.filter(
            crime__in=crimes_qs,
            code__in=[Duty.SUPPORT_REFERRAL, Duty.VCS_REFERRAL],
            met_by_contact__isnull=False,
        ).update(met_by_contact=None)
        self.counts["referrals"] += len(refs)

    def _referral(
        self, crime: Crime, cv: CrimeVictim, org: SupportOrganisation, rule_id: int, duty: Obligation
    ):
        rng, now = self.rng, self.now
        explicit = org.consent_basis == ConsentBasis.EXPLICIT
        base = {
            "crime": crime,
            "crime_victim": cv,
            "organisation": org,
            "routing_rule_id": rule_id,
            "consent_basis": org.consent_basis,
            "created_at": duty.triggered_at,
            "changed_at": duty.triggered_at,
        }
        officer = crime.oic_id or crime.created_by_id
        # The same rule as real sending: a specialist service, or any on a restricted case, only once the
        # victim has agreed (recorded by the officer); otherwise the automatic send after the hold.
        agreed_first = needs_victims_agreement(Referral(**base))
        steps = [("", State.CREATED, duty.triggered_at, Actor.SYSTEM)]
        if duty.state == ObligationState.NOT_REQUIRED or (duty.state == ObligationState.WAIVED):
            at = duty.triggered_at + timedelta(hours=rng.uniform(2, 30))
            steps.append((State.CREATED, State.DECLINED, at, Actor.FORCE))
            return (
                Referral(
                    **base,
                    state=State.DECLINED,
                    decision=Decision.DECLINED,
                    decision_at=at,
                    decision_by_id=officer,
                ),
                steps,
                [],
            )
        if duty.state == ObligationState.OPEN:
            if agreed_first:
                return Referral(**base, state=State.CREATED), steps, []
            return (
                Referral(
                    **base,
                    state=State.CREATED,
                    send_after=due_after_working_days(duty.triggered_at, 1, self.cal),
                ),
                steps,
                [],
            )
        sent = duty.met_at or duty.triggered_at
        if explicit and rng.random() < 0.3:
            # Asked, and the victim said no to this specialist service (the general one was still sent).
            steps.append((State.CREATED, State.DECLINED, sent, Actor.FORCE))
            return (
                Referral(
                    **base,
                    state=State.DECLINED,
                    decision=Decision.DECLINED,
                    decision_at=sent,
                    decision_by_id=officer,
                ),
                steps,
                [],
            )
        ref = Referral(
            **base,
            state=State.SENT,
            decision=Decision.GIVEN if agreed_first else Decision.NOT_ASKED,
            decision_at=sent if agreed_first else None,
            decision_by_id=officer if agreed_first else None,
            sent_at=sent,
            ack_due_at=due_after_working_days(sent, org.ack_working_days, self.cal),
            contact_due_at=due_after_working_days(sent, org.contact_working_days, self.cal),
        )
        steps.append((State.CREATED, State.SENT, sent, Actor.FORCE if agreed_first else Actor.SYSTEM))
        tries: list[tuple[datetime, bool]] = []

        def step(state: str, after_hours: tuple[float, float], actor: str = Actor.PARTNER) -> datetime | None:
            at = steps[-1][2] + timedelta(hours=rng.uniform(*after_hours))
            if at > now:
                return None
            steps.append((ref.state, state, at, actor))
            ref.state = state
            ref.changed_at = at
            ref.version += 1
            return at

        # A realistic few are slow to acknowledge; more among the latest, so the stale lists have work.
        late = rng.random() < (0.35 if now - sent < timedelta(days=10) else 0.08)
        at = step(State.RECEIVED, (60, 120) if late else (1, 30))
        if at is None:
            return ref, steps, tries
        ref.acknowledged_at = at
        if rng.random() < 0.05:
            at = step(State.REJECTED, (1, 8))
            if at is not None:
                ref.reason, ref.closed_at = REJECT_REASONS[0], at
            return ref, steps, tries
        at = step(State.ACCEPTED, (1, 24))
        if at is None:
            return ref, steps, tries
        ref.accepted_at = at
        reached_after = rng.choice([1, 1, 1, 2, 3, 4])
        for n in range(1, min(reached_after, org.max_contact_attempts) + 1):
            try_at = steps[-1][2] + timedelta(hours=rng.uniform(4, 40) * n)
            if try_at > now:
                return ref, steps, tries
            ok = n == reached_after
            tries.append((try_at, ok))
            ref.contact_attempts += 1
            if ok:
                steps.append((ref.state, State.CONTACTED, try_at, Actor.PARTNER))
                ref.state, ref.contacted_at, ref.changed_at = State.CONTACTED, try_at, try_at
                ref.version += 1
        if ref.state != State.CONTACTED:
            if ref.contact_attempts >= org.max_contact_attempts:
                step(State.UNABLE_TO_CONTACT, (0, 1))
            return ref, steps, tries
        outcome = State.SUPPORT_GIVEN if rng.random() < 0.7 else State.SUPPORT_DECLINED
        if step(outcome, (24, 24 * 10)) is None:
            return ref, steps, tries
        at = step(State.CLOSED, (24 * 7, 24 * 40))
        if at is not None:
            ref.closed_at = at
        return ref, steps, tries
