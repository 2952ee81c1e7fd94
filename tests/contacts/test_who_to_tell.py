"""Who hears about a case's messages: the officer in case, or with no officer yet the team's supervisors
(cases.selectors.who_to_tell). Victims' questions, drafts and delivery failures all follow it."""

import pytest

from cases.selectors import who_to_tell
from messaging.constants import MessageStatus, Stage
from messaging.models import Message, StaffNotification
from tests.contacts.support import person, record


@pytest.mark.django_db
def test_officer_in_case_or_the_teams_active_supervisors(officer, supervisor):
    allocated = record(officer)
    assert who_to_tell(allocated) == [officer.pk]
    unallocated = record(officer, oic=None)
    assert who_to_tell(unallocated) == [supervisor.pk]
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    assert who_to_tell(unallocated) == []


@pytest.mark.django_db
def test_a_draft_on_an_unallocated_case_reaches_the_supervisors(officer, supervisor):
    # No safe written channel: the acknowledgement becomes a draft for a personal contact.
    crime = record(officer, oic=None, people=[person(safe_email=False, email="")])
    draft = Message.objects.get(crime=crime, status=MessageStatus.DRAFT)
    told = StaffNotification.objects.filter(message=draft, stage=Stage.DRAFT_READY)
    assert list(told.values_list("recipient_id", flat=True)) == [supervisor.pk]
