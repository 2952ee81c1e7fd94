"""How contacts reacts to what happens to a case (registered in ContactsConfig.ready()).

Each handler runs inside the case service's transaction, so the duties and outbox rows it writes commit
or roll back with the change that caused them.
"""

from cases import signals
from messaging import hooks as messaging_hooks

from . import selectors, services
from .models import plan_of


def victims_added(e: signals.VictimsAdded) -> None:
    # The Code's clocks start when a victim is put on a crime: acknowledgement, needs assessment,
    # referral, plan.
    services.on_victims_added(crime=e.crime, victims=e.victims, at=e.at)


def event_recorded(e: signals.EventRecorded) -> None:
    services.on_event(crime=e.crime, event=e.event)


def case_allocated(e: signals.CaseAllocated) -> None:
    services.on_allocated(crime=e.crime, event=e.event)


def needs_assessed(e: signals.NeedsAssessed) -> None:
    services.needs_assessed(crime_victim=e.crime_victim, assessment=e.assessment, at=e.at)


def case_closing(e: signals.CaseClosing) -> list[tuple[str, str]]:
    """Closure is a contact, not a click: each victim must have been told, or we record why not."""
    not_told = services.closure_gate(crime=e.crime, not_told_reason=e.not_told_reason)
    if not not_told:
        return []
    return [
        (
            "details.not_told_reason",
            f"Log a contact telling {', '.join(not_told)} that the investigation is closing, "
            "or say why they could not be told.",
        )
    ]


CASE_PAGE_PARTS = {
    "actions": [{"template": "contacts/case/victim_actions.html"}],
    "after_rows": [{"template": "contacts/case/plan_row.html"}],
    "sections": [{"template": "contacts/case/victim_duties.html"}],
}


def case_page_victims(e: signals.CasePage) -> dict[int, dict]:
    """contacts' part of each victim on the case page: the actions (log a contact, the contact plan, the
    care card, messages, an enhanced reason), the contact plan, the duties (open first, with their
    red/amber/green) and the contact log, and the eligibility reasons officers added."""
    duties = selectors.case_duties(e.crime, e.now, services.working_calendar())
    out = {}
    for cv in e.victims:
        d = duties.get(cv.id)
        out[cv.id] = {
            **CASE_PAGE_PARTS,
            "plan": plan_of(cv),
            "obligations": d.obligations if d else [],
            "contacts": d.contacts if d else [],
            "added_reasons": list(cv.added_eligibility.all()),
        }
    return out


def message_delivered(e: messaging_hooks.MessageDelivered) -> None:
    services.duty_met_by_message(message=e.message, at=e.at)


def register() -> None:
    signals.victims_added.register(victims_added, order=50)
    signals.event_recorded.register(event_recorded, order=50)
    signals.case_allocated.register(case_allocated, order=50)
    signals.needs_assessed.register(needs_assessed, order=50)
    signals.case_closing.register(case_closing, order=50)
    signals.case_page_victims.register(case_page_victims, order=50)
    messaging_hooks.message_delivered.register(message_delivered, order=50)
