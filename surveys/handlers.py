"""How surveys reacts to what happens to a case (registered in SurveysConfig.ready()): it notes the
milestones after which a victim may be asked, and closes open links when a case is restricted. Each
handler runs in the case service's transaction."""

from cases import signals

from . import selectors, services
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


def register() -> None:
    signals.victims_added.register(victims_added, order=80)
    signals.event_recorded.register(event_recorded, order=80)
    signals.case_page_victims.register(case_page_victims, order=70)
