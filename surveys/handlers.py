"""How surveys reacts to what happens to a case (registered in SurveysConfig.ready()): it notes the
milestones after which a victim may be asked, and closes open links when a case is restricted. Each
handler runs in the case service's transaction."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import signals
from contacts import hooks as contacts_hooks
from contacts.hooks import WorkPanel
from portal import hooks as portal_hooks
from portal.hooks import PortalLink
from victimcare.accounts.constants import Role

from . import dip_samples, selectors, services
from .constants import MILESTONE_EVENTS, Milestone


def victims_added(e: signals.VictimsAdded) -> None:
    services.milestones_record(
        crime_victim_ids=[cv.pk for cv in e.victims], milestone=Milestone.REPORTED, at=e.crime.reported_at
    )


def event_recorded(e: signals.EventRecorded) -> None:
    for milestone, codes in MILESTONE_EVENTS.items():
        if e.event.code in codes:
            ids = list(e.crime.victims.values_list("pk", flat=True))
            services.milestones_record(crime_victim_ids=ids, milestone=milestone, at=e.event.occurred_at)
    if e.crime.is_restricted:
        services.invitations_withdraw_restricted(crime_id=e.crime.pk)


def case_page_victims(e: signals.CasePage) -> dict[int, dict]:
    """Surveys' row in each victim's details on the case page: their latest invitation, answers given,
    what they said about surveys, and the actions staff may take. Three queries whatever the victims."""
    rows = selectors.case_survey_rows(e.victims)
    return {
        cv.id: {"extra_rows": [{"template": "surveys/case_victim_row.html", "survey": rows[cv.id]}]}
        for cv in e.victims
    }


def case_allocated(e: signals.CaseAllocated) -> None:
    dip_samples.case_allocated(crime=e.crime)


def work_page_feedback(user) -> WorkPanel | None:
    """Officers: feedback from victims and dip-sample findings of the last 30 days, on their home page."""
    if user.role not in (Role.OFFICER, Role.SUPERVISOR):
        return None
    since = timezone.now() - timedelta(days=30)
    items, findings = selectors.recent_counts(user, since)
    if not items and not findings:
        return None
    parts = []
    if items:
        parts.append(f"{items} {'piece' if items == 1 else 'pieces'} of feedback from victims")
    if findings:
        parts.append(
            f"{findings} dip-sample {'finding' if findings == 1 else 'findings'} from your supervisor"
        )
    return WorkPanel(
        text="In the last 30 days: " + " and ".join(parts) + ".",
        link_text="Read your feedback",
        href=reverse("surveys_staff:feedback"),
    )


def portal_case_link(cv) -> PortalLink | None:
    """A survey waiting for the signed-in victim: answer it in the portal, no link needed."""
    if services.invitation_open_for(cv) is None:
        return None
    return PortalLink(
        text=_("Tell us how we did: answer a short survey"), href=reverse("surveys:portal_answer")
    )


def register() -> None:
    signals.victims_added.register(victims_added, order=80)
    signals.event_recorded.register(event_recorded, order=80)
    signals.case_page_victims.register(case_page_victims, order=70)
    signals.case_allocated.register(case_allocated, order=80)
    contacts_hooks.work_page_panels.register(work_page_feedback, order=80)
    portal_hooks.case_page_links.register(portal_case_link, order=80)
