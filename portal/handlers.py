"""How the portal reacts to what happens to a case (registered in PortalConfig.ready())."""

from cases import signals
from messaging.hooks import portal_accounts, portal_readable

from . import services
from .models import AccountStatus, PortalAccount


def victim_checks(e: signals.VictimChecked) -> list[tuple[str, str]]:
    if not e.offer_portal:
        return []
    return [("offer_portal", problem) for problem in services.invite_problems(e.person)]


def victims_added(e: signals.VictimsAdded) -> None:
    # Before contacts' handler, so the acknowledgement it sends can go to the portal.
    services.invite_on_record(victims=[(cv, cv.id in e.offer_portal) for cv in e.victims], by=e.by, now=e.at)


def contact_details_changed(e: signals.ContactDetailsChanged) -> None:
    services.contact_details_changed(person=e.person, fields=set(e.fields), now=e.at)


def accounts_for(person_ids: frozenset[int]) -> dict[int, PortalAccount]:
    """The outbox's question "which of these people have a portal account, and in what state?"."""
    return {a.person_id: a for a in PortalAccount.objects.filter(person_id__in=person_ids)}


def readable(person_id: int) -> bool:
    return PortalAccount.objects.filter(person_id=person_id, status=AccountStatus.ACTIVE).exists()


def case_page_victims(e: signals.CasePage) -> dict[int, dict]:
    accounts = accounts_for(frozenset(cv.person_id for cv in e.victims))
    return {
        cv.id: {
            "extra_rows": [
                {"template": "portal/staff/case_victim_row.html", "account": accounts.get(cv.person_id)}
            ]
        }
        for cv in e.victims
    }


def register() -> None:
    signals.victim_checks.register(victim_checks, order=10)
    signals.victims_added.register(victims_added, order=10)
    signals.contact_details_changed.register(contact_details_changed, order=10)
    portal_accounts.register(accounts_for)
    portal_readable.register(readable)
    signals.case_page_victims.register(case_page_victims, order=60)
