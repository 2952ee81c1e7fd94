"""The contact log, waiving, added eligibility, contact plans and allocation to an absent officer:
what each meets, and clear errors with nothing changed on bad input."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import CaseEvent, Crime
from contacts import services as contacts
from contacts.constants import ContactOutcome, ObligationState
from contacts.models import AddedEligibility, Contact, ContactPlan, ContactPlanChange, Obligation
from victimcare.accounts.models import Absence

from .support import NOW, end_of, event, london, obs, one, open_one, person, record, snapshot, victims

pytestmark = pytest.mark.django_db

OPEN, MET = ObligationState.OPEN, ObligationState.MET


@pytest.fixture
def case(clock, officer):
    return record(officer, people=[person(), person(first_name="Ben", last_name="Ortiz")])


@pytest.fixture
def cv(case):
    return victims(case)[0]


def log(cv, by, *, at=None, outcome="spoke", method="phone", summary="Spoke to the victim", **kw):
    return contacts.contact_log(
        crime_victim=cv,
        by=by,
        method=method,
        outcome=outcome,
        summary=summary,
        occurred_at=at or NOW,
        **kw,
    )


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- meeting obligations --------------------------------------------------------------------------
def test_successful_contact_meets_chosen_obligations_on_time(case, cv, officer, clock):
    clock.move_to(london(2026, 11, 3, 14), tick=False)
    ack = open_one(cv, "ACKNOWLEDGE")
    contact, met = log(cv, officer, at=london(2026, 11, 3, 14), obligation_ids=[ack.id])
    ack.refresh_from_db()
    assert ack.state == MET
    assert ack.met_by_contact == contact
    assert ack.met_at == london(2026, 11, 3, 14)
    assert ack.met_on_time is True
    assert ack in met
    # the other duties the officer did not choose stay open (the needs assessment is met by doing it)
    assert open_one(cv, "NEEDS_ASSESSMENT")
    assert open_one(cv, "SUPPORT_REFERRAL")
    assert contact.recorded_by == officer and contact.crime == case and contact.successful


def test_late_contact_is_met_late(case, cv, officer, clock):
    clock.move_to(london(2026, 11, 12, 9), tick=False)
    ack = open_one(cv, "ACKNOWLEDGE")  # due end of Mon 9 Nov
    log(cv, officer, at=london(2026, 11, 12, 9), obligation_ids=[ack.id])
    ack.refresh_from_db()
    assert ack.state == MET and ack.met_on_time is False


def test_contact_exactly_at_the_deadline_is_on_time(case, cv, officer, clock):
    ack = open_one(cv, "ACKNOWLEDGE")
    clock.move_to(ack.due_at + timedelta(hours=1), tick=False)
    log(cv, officer, at=ack.due_at, obligation_ids=[ack.id])
    ack.refresh_from_db()
    assert ack.met_on_time is True


def test_back_dated_contact_logged_late_counts_when_it_happened(case, cv, officer, clock):
    ack = open_one(cv, "ACKNOWLEDGE")
    clock.move_to(london(2026, 11, 12, 9), tick=False)  # logged after the deadline ...
    log(cv, officer, at=london(2026, 11, 5, 16), obligation_ids=[ack.id])  # ... about a contact before it
    ack.refresh_from_db()
    assert ack.met_on_time is True and ack.met_at == london(2026, 11, 5, 16)


def test_one_contact_meets_several_obligations(case, cv, officer):
    event(case, "ARREST", officer)
    ack, arrest = open_one(cv, "ACKNOWLEDGE"), open_one(cv, "ARREST")
    contact, met = log(cv, officer, obligation_ids=[ack.id, arrest.id, ack.id])
    assert {o.code for o in met} == {"ACKNOWLEDGE", "ARREST", "PROGRESS_UPDATE"}
    assert Obligation.objects.filter(met_by_contact=contact).count() == 3
    assert open_one(victims(case)[1], "ARREST")  # the other victim still has to be told


@pytest.mark.parametrize(
    "outcome",
    [
        ContactOutcome.LEFT_MESSAGE,
        ContactOutcome.NO_ANSWER,
        ContactOutcome.WRONG_NUMBER,
        ContactOutcome.DECLINED,
    ],
)
def test_failed_attempt_is_stored_but_meets_nothing(case, cv, officer, outcome):
    ack = open_one(cv, "ACKNOWLEDGE")
    pu = open_one(cv, "PROGRESS_UPDATE")
    before = snapshot(case)
    contact, met = log(cv, officer, outcome=outcome, summary="Tried to call", obligation_ids=[ack.id])
    assert met == []
    assert Contact.objects.get(pk=contact.pk).outcome == outcome
    assert not contact.successful
    assert snapshot(case) == before
    assert open_one(cv, "PROGRESS_UPDATE").id == pu.id


@pytest.mark.parametrize("outcome", [ContactOutcome.SPOKE, ContactOutcome.MET, ContactOutcome.WRITTEN_SENT])
def test_any_successful_contact_resets_the_progress_update(case, cv, officer, clock, outcome):
    old = open_one(cv, "PROGRESS_UPDATE")
    assert old.due_at == end_of(2026, 11, 30)
    clock.move_to(london(2026, 11, 20, 11), tick=False)
    contact, met = log(cv, officer, at=london(2026, 11, 20, 11), outcome=outcome)  # nothing chosen
    old.refresh_from_db()
    assert old.state == MET and old.met_by_contact == contact and old.met_on_time is True
    assert [o.code for o in met] == ["PROGRESS_UPDATE"]
    new = open_one(cv, "PROGRESS_UPDATE")
    assert new.id != old.id
    assert new.triggered_at == london(2026, 11, 20, 11)
    assert new.due_at == end_of(2026, 12, 18)  # 28 days from the contact
    assert new.owner == officer
    # the other victim's update is untouched
    other = victims(case)[1]
    assert open_one(other, "PROGRESS_UPDATE").due_at == end_of(2026, 11, 30)


def test_progress_update_reset_follows_the_agreed_plan(case, cv, officer, clock):
    contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["phone"], "frequency": "fortnightly"})
    clock.move_to(london(2026, 11, 6, 11), tick=False)
    log(cv, officer, at=london(2026, 11, 6, 11))
    assert open_one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 11, 20)


def test_late_progress_update_is_met_late(case, cv, officer, clock):
    clock.move_to(london(2026, 12, 3, 11), tick=False)
    log(cv, officer, at=london(2026, 12, 3, 11))
    met = one(cv, "PROGRESS_UPDATE", state=MET)
    assert met.met_on_time is False
    assert open_one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 12, 31)


# --- bad input: a clear message, nothing changed --------------------------------------------------
def other_case_obligation(officer):
    other = record(officer)
    return open_one(victims(other)[0], "ACKNOWLEDGE")


BAD = {
    "future": ({"at": NOW + timedelta(hours=2)}, "occurred_at", "future"),
    "before-offence": ({"at": NOW - timedelta(days=5)}, "occurred_at", "before the offence"),
    "unknown-method": ({"method": "pigeon"}, "method", "how you contacted"),
    "unknown-outcome": ({"outcome": "shouted"}, "outcome", "what happened"),
    "empty-summary": ({"summary": "   "}, "summary", "summary"),
    "oversize-summary": ({"summary": "x" * 4001}, "summary", "4,000"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_contact_input_is_refused(case, cv, officer, name):
    over, field, words = BAD[name]
    ack = open_one(cv, "ACKNOWLEDGE")
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        log(cv, officer, obligation_ids=[ack.id], **over)
    errors = errors_of(exc)
    assert field in errors, errors
    assert words in " ".join(errors[field])
    assert Contact.objects.count() == 0
    assert snapshot(case) == before


def test_contact_without_a_time_is_refused(case, cv, officer):
    with pytest.raises(ValidationError) as exc:
        contacts.contact_log(
            crime_victim=cv, by=officer, method="phone", outcome="spoke", summary="x", occurred_at=None
        )
    assert "occurred_at" in errors_of(exc)
    assert not Contact.objects.exists()


def test_a_few_minutes_of_clock_skew_is_allowed(case, cv, officer):
    contact, _ = log(cv, officer, at=NOW + timedelta(minutes=4))
    assert contact.pk


@pytest.mark.parametrize("whose", ["other-victim", "other-case", "missing"])
def test_obligation_of_someone_else_is_refused(case, cv, officer, whose):
    if whose == "other-victim":
        target = open_one(victims(case)[1], "ACKNOWLEDGE").id
    elif whose == "other-case":
        target = other_case_obligation(officer).id
    else:
        target = 999_999_999
    mine = open_one(cv, "ACKNOWLEDGE")
    before = snapshot(case)
    other_before = list(Obligation.objects.order_by("id").values_list("id", "state"))
    with pytest.raises(ValidationError) as exc:
        log(cv, officer, obligation_ids=[mine.id, target])
    assert "this victim on this case" in " ".join(errors_of(exc)["obligations"])
    assert Contact.objects.count() == 0
    assert snapshot(case) == before
    assert list(Obligation.objects.order_by("id").values_list("id", "state")) == other_before


@pytest.mark.parametrize("state", ["met", "waived", "not_required"])
def test_obligation_already_closed_is_refused(case, cv, officer, state):
    ack = open_one(cv, "ACKNOWLEDGE")
    if state == "met":
        log(cv, officer, obligation_ids=[ack.id])
    elif state == "waived":
        contacts.obligation_waive(obligation=ack, by=officer, reason="Victim already has the letter")
    else:
        Obligation.objects.filter(pk=ack.pk).update(state=state, closed_reason="Not needed")
    contacts_before = Contact.objects.count()
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        log(cv, officer, obligation_ids=[ack.id])
    assert "already been met or closed" in " ".join(errors_of(exc)["obligations"])
    assert Contact.objects.count() == contacts_before
    assert snapshot(case) == before


def test_every_problem_is_reported_at_once(case, cv, officer):
    with pytest.raises(ValidationError) as exc:
        log(cv, officer, method="x", outcome="y", summary="", at=NOW + timedelta(days=1))
    assert {"method", "outcome", "summary", "occurred_at"} <= set(errors_of(exc))


# --- waiving --------------------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_waive_needs_a_reason(case, cv, officer, reason):
    ack = open_one(cv, "ACKNOWLEDGE")
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        contacts.obligation_waive(obligation=ack, by=officer, reason=reason)
    assert "why" in " ".join(errors_of(exc)["reason"])
    assert snapshot(case) == before


def test_waive_reason_too_long(case, cv, officer):
    ack = open_one(cv, "ACKNOWLEDGE")
    with pytest.raises(ValidationError) as exc:
        contacts.obligation_waive(obligation=ack, by=officer, reason="x" * 301)
    assert "300" in " ".join(errors_of(exc)["reason"])
    ack.refresh_from_db()
    assert ack.state == OPEN


def test_waive_an_open_obligation(case, cv, officer, supervisor):
    ack = open_one(cv, "ACKNOWLEDGE")
    ob = contacts.obligation_waive(obligation=ack, by=supervisor, reason="  Duplicate crime record  ")
    ack.refresh_from_db()
    assert ack.state == ObligationState.WAIVED == ob.state
    assert ack.closed_reason == "Duplicate crime record"
    assert ack.closed_by == supervisor
    assert ack.met_at is None


def test_only_open_obligations_can_be_waived(case, cv, officer):
    ack = open_one(cv, "ACKNOWLEDGE")
    log(cv, officer, obligation_ids=[ack.id])
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        contacts.obligation_waive(obligation=ack, by=officer, reason="Not needed")
    assert "open" in " ".join(errors_of(exc)["reason"])
    assert snapshot(case) == before
    contacts.obligation_waive(obligation=open_one(cv, "SUPPORT_REFERRAL"), by=officer, reason="Has support")
    with pytest.raises(ValidationError):
        contacts.obligation_waive(obligation=one(cv, "SUPPORT_REFERRAL"), by=officer, reason="Again")


# --- added eligibility ----------------------------------------------------------------------------
@pytest.mark.parametrize("reason", ["", "  ", None, "x" * 301])
def test_eligibility_add_needs_a_reason(case, cv, officer, reason):
    with pytest.raises(ValidationError) as exc:
        contacts.eligibility_add(crime_victim=cv, by=officer, reason=reason)
    assert "reason" in errors_of(exc)
    assert not AddedEligibility.objects.exists()


def test_eligibility_add_keeps_every_reason(case, cv, officer, supervisor):
    contacts.eligibility_add(crime_victim=cv, by=officer, reason=" Elderly and isolated ")
    contacts.eligibility_add(crime_victim=cv, by=supervisor, reason="Repeat victim of ASB")
    rows = list(AddedEligibility.objects.filter(crime_victim=cv).values_list("reason", "added_by"))
    assert rows == [("Elderly and isolated", officer.id), ("Repeat victim of ASB", supervisor.id)]


# --- contact plans --------------------------------------------------------------------------------
def test_plan_rejects_a_method_not_safe_for_the_victim(case, cv, officer):
    assert cv.person.safe_letter is False
    before = snapshot(case)
    with pytest.raises(ValidationError) as exc:
        contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["phone", "letter"]})
    msg = " ".join(errors_of(exc)["methods"])
    assert "Letter" in msg and "safe" in msg
    assert not ContactPlan.objects.exists()
    assert snapshot(case) == before  # CONTACT_PLAN still open, progress update unchanged


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"methods": ["pigeon"]}, "methods"),
        ({"methods": ["phone"], "frequency": "hourly"}, "frequency"),
        ({"methods": ["phone"], "format": "papyrus"}, "format"),
        ({"methods": ["phone"], "safe_times": "x" * 201}, "safe_times"),
    ],
)
def test_plan_bad_input(case, cv, officer, data, field):
    with pytest.raises(ValidationError) as exc:
        contacts.plan_save(crime_victim=cv, by=officer, data=data)
    assert field in errors_of(exc)
    assert not ContactPlan.objects.exists()


def test_plan_portal_needs_no_safe_flag(case, cv, officer):
    plan = contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["portal", "email"]})
    assert plan.methods == ["portal", "email"]


def test_plan_changes_keep_history(case, cv, officer, supervisor, clock):
    plan = contacts.plan_save(
        crime_victim=cv, by=officer, data={"methods": ["phone"], "frequency": "every_28_days"}
    )
    assert plan.agreed_by == officer and plan.agreed_at == NOW
    assert not ContactPlanChange.objects.exists()  # agreeing it is not a change
    clock.move_to(london(2026, 11, 5, 9), tick=False)
    contacts.plan_save(
        crime_victim=cv,
        by=supervisor,
        data={"methods": ["email", "phone"], "frequency": "weekly", "safe_times": "After 6pm"},
    )
    change = ContactPlanChange.objects.get()
    assert change.plan == plan and change.changed_by == supervisor
    assert change.changes == {
        "methods": [["phone"], ["email", "phone"]],
        "frequency": ["every_28_days", "weekly"],
        "safe_times": ["", "After 6pm"],
    }
    # saving the same again records no change
    contacts.plan_save(
        crime_victim=cv,
        by=supervisor,
        data={"methods": ["email", "phone"], "frequency": "weekly", "safe_times": "After 6pm"},
    )
    assert ContactPlanChange.objects.count() == 1
    assert ContactPlan.objects.get().frequency == "weekly"


def test_plan_safe_after_victim_details_change(case, cv, officer):
    services.victim_update(person=cv.person, by=officer, data={"safe_letter": True})
    cv.person.refresh_from_db()
    plan = contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["letter"]})
    assert plan.methods == ["letter"]


# --- allocation to an absent officer --------------------------------------------------------------
@pytest.mark.parametrize(
    ("starts", "ends", "refused"),
    [
        (date(2026, 11, 2), date(2026, 11, 2), True),  # away today only
        (date(2026, 10, 20), date(2026, 11, 13), True),
        (date(2026, 11, 3), date(2026, 11, 10), False),  # away from tomorrow
        (date(2026, 10, 1), date(2026, 11, 1), False),  # back today
    ],
)
def test_allocating_to_an_absent_officer(case, officer, colleague, starts, ends, refused):
    Absence.objects.create(user=colleague, kind="leave", starts_on=starts, ends_on=ends, recorded_by=officer)
    before = snapshot(case)
    events = CaseEvent.objects.filter(crime=case).count()
    if not refused:
        services.case_allocate(crime=case, officer=colleague, by=officer)
        assert Crime.objects.get(pk=case.pk).oic == colleague
        return
    with pytest.raises(ValidationError) as exc:
        services.case_allocate(crime=case, officer=colleague, by=officer)
    msg = " ".join(errors_of(exc)["officer"])
    assert "away" in msg and "annual leave" in msg
    assert Crime.objects.get(pk=case.pk).oic == officer
    assert CaseEvent.objects.filter(crime=case).count() == events
    assert snapshot(case) == before
    assert not obs(case, "OFFICER_INTRODUCTION")


def test_a_contact_by_a_channel_not_marked_safe_is_refused(clock, officer):
    cv = victims(record(officer, people=[person(safe_phone=False)]))[0]
    with pytest.raises(ValidationError) as e:
        contacts.contact_log(
            crime_victim=cv,
            by=officer,
            method="phone",
            outcome="spoke",
            summary="Called",
            occurred_at=NOW,
        )
    assert e.value.message_dict == {"method": [e.value.message_dict["method"][0]]}
    assert "not marked safe" in str(e.value)
    assert not Contact.objects.filter(crime_victim=cv).exists()


def test_a_plan_with_the_same_method_twice_is_refused(cv, officer):
    with pytest.raises(ValidationError) as e:
        contacts.plan_save(crime_victim=cv, by=officer, data={"methods": ["phone", "phone"]})
    assert "each contact method once" in str(e.value)
