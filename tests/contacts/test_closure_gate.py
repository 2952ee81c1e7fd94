"""The closure gate: a case cannot close until each victim has been told (a successful contact about
closure) or a reason is recorded why they could not be."""

import pytest
from django.core.exceptions import ValidationError

from cases.constants import CrimeStatus
from cases.models import CaseEvent, Crime
from contacts import services as contacts
from contacts.constants import ObligationState
from contacts.models import Obligation

from .support import NOW, end_of, event, london, obs, one, person, record, snapshot, victims

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(clock, officer):
    return record(officer, people=[person(first_name="Aisha", last_name="Khan")])


def tell(cv, by, at=None, *, outcome="spoke", about_closure=True):
    contact, _ = contacts.contact_log(
        crime_victim=cv,
        by=by,
        method="phone",
        outcome=outcome,
        summary="Explained the investigation is closing, that it can be reopened, support and VRR",
        occurred_at=at or london(2026, 11, 3, 10),
        about_closure=about_closure,
    )
    return contact


def close(crime, by, at=None, **details):
    return event(crime, "CLOSED", by, at=at or london(2026, 11, 3, 12), **details)


def assert_refused(crime, by, names, **details):
    crime = Crime.objects.get(pk=crime.pk)
    status, events, before = crime.status, CaseEvent.objects.filter(crime=crime).count(), snapshot(crime)
    with pytest.raises(ValidationError) as exc:
        close(crime, by, **details)
    messages = exc.value.message_dict["details.not_told_reason"]
    for name in names:
        assert name in " ".join(messages)
    crime = Crime.objects.get(pk=crime.pk)
    assert crime.status == status and crime.closed_at is None and crime.closure_reason == ""
    assert CaseEvent.objects.filter(crime=crime).count() == events
    assert snapshot(crime) == before
    return messages


@pytest.fixture(autouse=True)
def _later(clock):
    clock.move_to(london(2026, 11, 3, 12), tick=False)


def test_closing_without_telling_and_without_reason_is_refused(case, officer):
    messages = assert_refused(case, officer, ["Aisha Khan"])
    assert "Log a contact telling" in messages[0]
    assert not obs(case, "CLOSURE")


@pytest.mark.parametrize("reason", ["", "   "])
def test_blank_reason_is_no_reason(case, officer, reason):
    assert_refused(case, officer, ["Aisha Khan"], not_told_reason=reason)


def test_names_every_victim_not_told(clock, officer):
    crime = record(
        officer,
        people=[
            person(first_name="Aisha", last_name="Khan"),
            person(first_name="Ben", last_name="Ortiz"),
            person(first_name="Cara", last_name="Lee"),
        ],
    )
    clock.move_to(london(2026, 11, 3, 12), tick=False)
    tell(victims(crime)[1], officer)
    messages = assert_refused(crime, officer, ["Aisha Khan", "Cara Lee"])
    assert "Ben Ortiz" not in " ".join(messages)


def test_told_victim_lets_it_close_and_closure_is_met_by_that_contact(case, officer):
    (cv,) = victims(case)
    contact = tell(cv, officer, at=london(2026, 11, 3, 10))
    ev = close(case, officer)
    crime = Crime.objects.get(pk=case.pk)
    assert crime.status == CrimeStatus.CLOSED and crime.closed_at == london(2026, 11, 3, 12)
    closure = one(cv, "CLOSURE")
    assert closure.trigger_event == ev
    assert closure.state == ObligationState.MET
    assert closure.met_by_contact == contact
    assert closure.met_at == london(2026, 11, 3, 10)
    assert closure.met_on_time is True
    assert closure.due_at == end_of(2026, 11, 10)


@pytest.mark.parametrize("outcome", ["no_answer", "left_message", "wrong_number", "declined"])
def test_failed_closure_attempt_does_not_count(case, officer, outcome):
    (cv,) = victims(case)
    tell(cv, officer, outcome=outcome)
    assert_refused(case, officer, ["Aisha Khan"])


def test_successful_contact_not_about_closure_does_not_count(case, officer):
    (cv,) = victims(case)
    tell(cv, officer, about_closure=False)
    assert_refused(case, officer, ["Aisha Khan"])


def test_a_reason_lets_it_close_and_closure_stays_open(case, officer):
    (cv,) = victims(case)
    close(case, officer, not_told_reason="Victim has moved abroad; no working number or address")
    assert Crime.objects.get(pk=case.pk).status == CrimeStatus.CLOSED
    closure = one(cv, "CLOSURE")
    assert closure.state == ObligationState.OPEN and closure.met_by_contact is None
    ev = CaseEvent.objects.get(crime=case, code="CLOSED")
    assert ev.details["not_told_reason"].startswith("Victim has moved abroad")


def test_victim_who_asked_for_no_updates_does_not_block_closure(clock, officer):
    crime = record(
        officer,
        people=[person(first_name="Aisha", last_name="Khan"), person(first_name="Ben", last_name="Ortiz")],
    )
    aisha, ben = victims(crime)
    contacts.plan_save(crime_victim=ben, by=officer, data={"wants_updates": False, "methods": ["phone"]})
    clock.move_to(london(2026, 11, 3, 12), tick=False)
    messages = assert_refused(crime, officer, ["Aisha Khan"])
    assert "Ben Ortiz" not in " ".join(messages)
    tell(aisha, officer)
    close(crime, officer)
    assert Crime.objects.get(pk=crime.pk).status == CrimeStatus.CLOSED
    assert one(aisha, "CLOSURE").state == ObligationState.MET
    ben_closure = one(ben, "CLOSURE")
    assert ben_closure.state == ObligationState.NOT_REQUIRED
    assert ben_closure.closed_reason == contacts.NO_UPDATES


def test_after_reopening_an_older_closure_contact_no_longer_counts(case, officer, clock):
    (cv,) = victims(case)
    tell(cv, officer, at=london(2026, 11, 3, 10))
    close(case, officer)
    clock.move_to(london(2026, 11, 10, 9), tick=False)
    event(case, "REOPENED", officer, at=london(2026, 11, 10, 9))
    clock.move_to(london(2026, 11, 17, 9), tick=False)
    assert_refused(case, officer, ["Aisha Khan"], at=london(2026, 11, 17, 9))
    # a new closure contact after the reopening counts
    new_contact = tell(cv, officer, at=london(2026, 11, 16, 15))
    ev = close(case, officer, at=london(2026, 11, 17, 9))
    second = Obligation.objects.get(trigger_event=ev, code="CLOSURE")
    assert second.state == ObligationState.MET and second.met_by_contact == new_contact


def test_closing_with_contact_logged_before_the_gate_counts_per_victim(clock, officer):
    crime = record(
        officer,
        people=[person(first_name="Aisha", last_name="Khan"), person(first_name="Ben", last_name="Ortiz")],
    )
    aisha, ben = victims(crime)
    clock.move_to(london(2026, 11, 3, 12), tick=False)
    told = tell(aisha, officer)
    close(crime, officer, not_told_reason="Ben is in hospital and cannot be contacted")
    assert one(aisha, "CLOSURE").met_by_contact == told
    assert one(ben, "CLOSURE").state == ObligationState.OPEN


def test_closed_case_progress_update_closed_and_closure_met_later(case, officer, clock):
    (cv,) = victims(case)
    close(case, officer, not_told_reason="No answer on three attempts")
    clock.move_to(london(2026, 11, 5, 12), tick=False)
    contact = tell(cv, officer, at=london(2026, 11, 5, 11))
    closure = one(cv, "CLOSURE")
    assert closure.state == ObligationState.MET and closure.met_by_contact == contact
    assert not obs(cv, "PROGRESS_UPDATE", state=ObligationState.OPEN)
    assert closure.met_at > NOW


def test_reopening_ends_an_untold_closure_so_it_does_not_breach(case, officer, clock):
    """Closed with a reason (CLOSURE left open), then reopened: there is no closure to tell the victim
    about any more, so the old CLOSURE duty must not go on to breach and escalate."""
    from contacts import scan

    (cv,) = victims(case)
    close(case, officer, not_told_reason="Victim in hospital")
    assert one(cv, "CLOSURE").state == ObligationState.OPEN
    clock.move_to(london(2026, 11, 4, 9), tick=False)
    event(case, "REOPENED", officer, at=london(2026, 11, 4, 9))
    old = one(cv, "CLOSURE")
    assert old.state == ObligationState.NOT_REQUIRED and old.closed_reason == contacts.CASE_REOPENED
    scan.tick(london(2026, 11, 30, 9))
    assert not old.notifications.filter(stage__in=["breach", "escalation"]).exists()
    # closing again creates a new CLOSURE duty, and the gate applies again
    clock.move_to(london(2026, 11, 5, 9), tick=False)
    assert_refused(case, officer, ["Aisha Khan"], at=london(2026, 11, 5, 9))
    close(case, officer, at=london(2026, 11, 5, 9), not_told_reason="Still in hospital")
    assert len(obs(cv, "CLOSURE", state=ObligationState.OPEN)) == 1
