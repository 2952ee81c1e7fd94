"""Found in review of the surveys change: each test names the rule it holds."""

from datetime import timedelta

import pytest
import time_machine

from cases.models import CrimeVictim
from contacts.services import plan_save
from messaging.constants import MessageKind
from messaging.models import Message
from surveys import services
from surveys.models import Invitation, SurveyPlan
from tests.surveys.test_services import AFTER, record


@pytest.mark.django_db
def test_no_reminder_after_the_victim_asks_for_no_contact(officer):
    """The reminder checks the same "never" rules as the invitation: a victim who has since asked not to
    be contacted gets no reminder (their link still works until it closes)."""
    SurveyPlan.objects.update(rate_percent=100)  # every eligible victim is asked
    record(officer)
    services.invitations_send(now=AFTER)
    inv = Invitation.objects.get()
    cv = CrimeVictim.objects.get(pk=inv.crime_victim_id)
    with time_machine.travel(AFTER + timedelta(days=1), tick=False):
        plan_save(
            crime_victim=cv, by=officer, data={"wants_updates": False, "methods": [], "frequency": "none"}
        )
    assert services.reminders_send(now=AFTER + timedelta(days=7)) == 0
    assert Message.objects.filter(kind=MessageKind.SURVEY).count() == 1
