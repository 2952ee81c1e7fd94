"""How referrals reacts to what happens to a case (registered in ReferralsConfig.ready()). Each handler
runs in the case service's transaction, so referrals commit or roll back with their cause."""

from cases import signals
from cases.models import CrimeVictim
from contacts.services import qualifying_sentence, victims_in_context, with_rule_context

from . import services
from .constants import RouteTrigger


def victims_added(e: signals.VictimsAdded) -> None:
    # After contacts (order 50) has opened the referral duty that sending meets.
    ids = [cv.pk for cv in e.victims]
    victims = victims_in_context(e.crime, list(with_rule_context(CrimeVictim.objects.filter(pk__in=ids))))
    services.referrals_route(crime=e.crime, victims=victims, at=e.at)


def event_recorded(e: signals.EventRecorded) -> None:
    if e.event.code == "OUTCOME" and qualifying_sentence(e.crime, e.event.details):
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


def register() -> None:
    signals.victims_added.register(victims_added, order=60)
    signals.event_recorded.register(event_recorded, order=60)
    signals.needs_assessed.register(needs_assessed, order=60)
    signals.contact_details_changed.register(contact_details_changed, order=60)
