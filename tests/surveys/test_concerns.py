"""Concerns and feedback from victims reach staff (service recovery): "tell us about a problem" and
feedback rated dissatisfied become inbox items for the officer and the team's supervisors with a duty to
respond, met by the officer's reply; the outcome is recorded; nobody else sees or records anything."""

import pytest
from django.urls import reverse

from contacts.constants import ObligationState
from contacts.officer_messages import message_send
from messaging.constants import MessageKind
from messaging.models import Message, StaffNotification
from messaging.outbox import message_deliver
from surveys.models import ConcernRecord
from tests.factories import UserFactory
from tests.portal.conftest import give_account, make_victim, signed_in_client
from victimcare.accounts.constants import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(officer):
    """A victim of the officer's case with a portal account (as in the portal's tests)."""
    cv = make_victim(officer)
    give_account(cv)
    return cv


def close(crime):
    crime.status, crime.closure_reason, crime.closed_at = "closed", "no_suspect", crime.recorded_at
    crime.save(update_fields=["status", "closure_reason", "closed_at"])


def test_a_problem_reaches_the_officer_and_supervisor_with_a_duty(victim, officer, supervisor):
    c = signed_in_client(victim)
    r = c.post("/portal/problem/", {"concern": "Nobody rang me back for three weeks."})
    assert r.status_code == 302
    msg = Message.objects.get(crime_victim=victim, kind=MessageKind.VICTIM, topic="concern")
    assert msg.obligation.code == "CONCERN_REPLY" and msg.obligation.state == ObligationState.OPEN
    told = set(StaffNotification.objects.filter(message=msg).values_list("recipient_id", flat=True))
    assert told == {officer.pk, supervisor.pk}
    # The officer's reply meets the duty.
    reply = message_send(
        crime_victim=victim,
        by=officer,
        body="I am sorry. I will call you today.",
        subject="",
        in_reply_to=msg,
    )
    message_deliver(message_id=reply.pk)
    msg.obligation.refresh_from_db()
    assert msg.obligation.state == ObligationState.MET


@pytest.mark.parametrize(
    "text, words", [("", "Tell us what went wrong."), ("x" * 4001, "4,000 characters or fewer")]
)
def test_a_bad_problem_changes_nothing(victim, text, words):
    r = signed_in_client(victim).post("/portal/problem/", {"concern": text})
    assert r.status_code == 400 and words in r.content.decode()
    assert not Message.objects.filter(kind=MessageKind.VICTIM).exists()


def test_the_problem_page_in_welsh(victim):
    c = signed_in_client(victim)
    c.cookies["django_language"] = "cy"
    html = c.get("/portal/problem/").content.decode()
    assert "Dywedwch wrthym am broblem" in html and "Beth aeth o&#x27;i le?" in html


@pytest.mark.parametrize(
    "rating, duty", [("very_dissatisfied", True), ("dissatisfied", True), ("satisfied", False)]
)
def test_feedback_reaches_staff_and_unhappy_feedback_is_owed_a_response(victim, officer, rating, duty):
    close(victim.crime)
    r = signed_in_client(victim).post("/portal/feedback/", {"rating": rating, "comments": "My words"})
    assert r.status_code == 302
    msg = Message.objects.get(crime_victim=victim, kind=MessageKind.VICTIM, topic="feedback")
    assert "My words" in msg.body
    assert (msg.obligation is not None) is duty
    assert StaffNotification.objects.filter(message=msg, recipient=officer).exists()


def test_outcomes_are_recorded_by_those_answering_for_the_case(
    victim, officer, supervisor, make_client, org, analyst
):
    signed_in_client(victim).post("/portal/problem/", {"concern": "Rude on the phone."})
    msg = Message.objects.get(topic="concern")
    url = reverse("surveys_staff:concerns")
    page = make_client(supervisor).get(url).content.decode()
    assert "Rude on the phone." in page and "Not recorded yet" in page
    other = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(other)
    assert "Rude on the phone." not in make_client(other).get(url).content.decode()
    assert make_client(other).post(url, {"message": msg.pk, "outcome": "apologised"}).status_code == 404
    assert make_client(analyst).get(url).status_code == 403
    assert make_client(officer).post(url, {"message": msg.pk, "outcome": "sorted"}).status_code == 302
    assert not ConcernRecord.objects.exists()
    make_client(officer).post(
        url, {"message": msg.pk, "outcome": "apologised", "note": "Apologised by phone"}
    )
    assert ConcernRecord.objects.get().get_outcome_display() == "Apology given"
    make_client(supervisor).post(url, {"message": msg.pk, "outcome": "put_right"})
    assert ConcernRecord.objects.count() == 1
    assert "Apology given: Apologised by phone" in make_client(supervisor).get(url).content.decode()
