"""How referrals reacts to what happens to a case (registered in ReferralsConfig.ready()). Each handler
runs in the case service's transaction, so referrals commit or roll back with their cause."""

from django.db.models import prefetch_related_objects
from django.utils import timezone

from cases import signals
from cases.constants import Consent
from cases.models import CrimeVictim
from contacts import hooks as contacts_hooks
from contacts.constants import Trigger
from contacts.services import qualifying_sentence, victims_in_context, with_rule_context

from . import selectors, services
from .constants import OPEN_STATES, Decision, RouteTrigger, State
from .fit import facts_for
from .forms import AddReferralForm, DecisionForm, WithdrawForm
from .templatetags.referral_staff import can_withdraw, late_words, targets


def victims_added(e: signals.VictimsAdded) -> None:
    # After contacts (order 50) has opened the referral duty that sending meets.
    ids = [cv.pk for cv in e.victims]
    victims = victims_in_context(e.crime, list(with_rule_context(CrimeVictim.objects.filter(pk__in=ids))))
    services.referrals_route(crime=e.crime, victims=victims, at=e.at)


def event_recorded(e: signals.EventRecorded) -> None:
    if e.event.code == Trigger.OUTCOME and qualifying_sentence(e.crime, e.event.details):
        victims = victims_in_context(e.crime, None)
        services.referrals_route(
            crime=e.crime, victims=victims, at=e.event.occurred_at, trigger=RouteTrigger.QUALIFYING_SENTENCE
        )


def needs_assessed(e: signals.NeedsAssessed) -> None:
    """The needs assessment's answer on referral: declined declines every referral still waiting; agreed
    sends the waiting opt-out ones now (specialist services still need their own consent)."""
    services.needs_referral_answer(crime_victim=e.crime_victim, assessment=e.assessment, at=e.at)
    services.crime_victim_changed(crime_victim=e.crime_victim, at=e.at)


def contact_details_changed(e: signals.ContactDetailsChanged) -> None:
    services.details_changed(person=e.person, fields=e.fields, at=e.at)


def case_page_victims(e: signals.CasePage) -> dict[int, dict]:
    """Referrals' part of each victim on the case page: their referrals (organisation, consent basis,
    state, the victim's decision, targets, history, contact attempts, wrong-details reports) with the
    actions staff may take, and a form to refer them to another service in the area. A fixed number of
    queries whatever the number of victims and referrals."""
    by_victim = selectors.case_referrals(e.crime)
    every = [r for refs in by_victim.values() for r in refs]
    prefetch_related_objects(every, "decision_by", "attempts__by_user", "details_reports__by_user")
    # One read of the area's services per kind of victim (only a bereaved role changes what fits).
    services_for: dict = {}
    asked_default = timezone.localtime(e.now).replace(second=0, microsecond=0)
    out = {}
    for cv in e.victims:
        cv.crime = e.crime
        facts = facts_for(e.crime, cv)
        if facts not in services_for:
            services_for[facts] = list(
                selectors.support_services_for(bcu_id=e.crime.bcu_id, crime=e.crime, crime_victim=cv)
            )
        refs = by_victim.get(cv.id, [])
        for ref in refs:
            ref.crime = e.crime  # read by the sending rule (restricted?), without a query per referral
            ref.late = late_words(ref, e.now)
            ref.targets = targets(ref, e.now)
            ref.can_decide = ref.state in (State.CREATED, State.DECLINED)
            ref.can_send = (
                ref.state == State.CREATED
                and ref.decision != Decision.DECLINED
                and (ref.decision == Decision.GIVEN or not services.needs_victims_agreement(ref))
            )
            ref.can_withdraw = can_withdraw(ref.state)
            # The needs assessment said "No, do not refer me" after this referral had gone: ask the officer
            # to withdraw it if the victim no longer wants it (nothing withdraws it by itself).
            na = getattr(cv, "needs_assessment", None)
            ref.declined_after_sending = bool(
                ref.can_withdraw
                and ref.sent_at
                and na is not None
                and na.referral_consent == Consent.DECLINED
                and na.completed_at > ref.sent_at
            )
            prefix = f"referral-{ref.pk}"
            ref.decide_form = (
                DecisionForm(prefix=prefix, initial={"asked_at": asked_default}) if ref.can_decide else None
            )
            ref.withdraw_form = WithdrawForm(prefix=prefix) if ref.can_withdraw else None
        live = {r.organisation_id for r in refs if r.state in OPEN_STATES}
        others = [o for o in services_for[facts] if o.pk not in live]
        out[cv.id] = {
            "sections": [{"template": "referrals/case/victim_referrals.html"}],
            "referrals": refs,
            "referral_add_form": AddReferralForm(prefix=f"add-{cv.id}", organisations=others)
            if others
            else None,
        }
    return out


def eligibility_added(e: contacts_hooks.EligibilityAdded) -> None:
    # The services see the victim's enhanced reasons: an officer's new one is news to them.
    services.crime_victim_changed(crime_victim=e.crime_victim, at=e.at)


def register() -> None:
    contacts_hooks.eligibility_added.register(eligibility_added, order=60)
    signals.victims_added.register(victims_added, order=60)
    signals.event_recorded.register(event_recorded, order=60)
    signals.needs_assessed.register(needs_assessed, order=60)
    signals.contact_details_changed.register(contact_details_changed, order=60)
    signals.case_page_victims.register(case_page_victims, order=60)
