"""Found in review of the surveys change: each test names the rule it holds."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases.models import CrimeVictim, Person
from contacts.models import Contact
from contacts.services import plan_save
from messaging.constants import MessageKind
from messaging.models import Message
from surveys import callbacks, scoring, services
from surveys.constants import CallBackState, QuestionKind
from surveys.models import Invitation, SurveyPlan
from tests.contacts.support import NOW
from tests.contacts.support import record as record_case
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


@pytest.mark.django_db
def test_a_call_back_is_not_recorded_once_the_phone_is_no_longer_safe(officer, supervisor, clock):
    """Drawn while the phone was marked safe; by the time of the call it is not (a victim of domestic abuse
    whose phone the suspect now has): recording the call is refused and nothing is kept."""
    record_case(officer, now=NOW - timedelta(days=5))
    (cb,) = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)
    Person.objects.filter(pk=cb.crime_victim.person_id).update(safe_phone=False)
    with pytest.raises(ValidationError, match="may no longer be called"):
        callbacks.callback_record(callback=cb, by=supervisor, outcome="no_answer", now=NOW)
    cb.refresh_from_db()
    assert cb.state == CallBackState.QUEUED
    assert not Contact.objects.filter(summary__startswith="Quality call-back").exists()


@pytest.mark.parametrize(
    "choices",
    [["a", "b"], [{"en": "No value"}], [{"value": "x"}], None, "text", [None, 3]],
)
def test_a_list_question_typed_wrongly_in_the_admin_does_not_break_the_page(choices):
    assert scoring.options(QuestionKind.CHOICE, choices, "cy") == []


def test_list_question_words_in_welsh_with_english_when_missing():
    choices = [{"value": 1, "en": "One", "cy": "Un"}, {"value": "b", "en": "Two"}, "stray"]
    assert scoring.options(QuestionKind.CHOICE, choices, "cy") == [("1", "Un"), ("b", "Two")]
