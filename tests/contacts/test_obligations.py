"""Obligation generation: every trigger of the vcop-2020 table, standard and enhanced victims, owners,
contact plans, the 2006 edition and local overlays. Everything is recorded through cases.services, exactly
as the web app and API do."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import CrimeVictim
from contacts import services as contacts
from contacts.constants import ObligationState, Trigger
from contacts.models import AddedEligibility, Obligation, RuleSet
from tests.factories import UserFactory
from victimcare.accounts.constants import Role

from .support import NOW, child, end_of, event, london, obs, one, open_one, person, record, victims

pytestmark = pytest.mark.django_db

OPEN = ObligationState.OPEN
MET = ObligationState.MET
NOT_REQUIRED = ObligationState.NOT_REQUIRED

# From Monday 2 Nov 2026 10:00 (NOW): the end of the N-th working day after it.
WD = {1: end_of(2026, 11, 3), 2: end_of(2026, 11, 4), 5: end_of(2026, 11, 9), 10: end_of(2026, 11, 16)}
WD[30] = end_of(2026, 12, 14)


@pytest.fixture
def case(clock, officer):
    """A case recorded and allocated at NOW with an adult (standard) and a child (enhanced) victim."""
    return record(officer, people=[person(), child()])


def adult_and_child(crime) -> tuple[CrimeVictim, CrimeVictim]:
    adult, kid = victims(crime)
    assert kid.person.first_name == "Sam"
    return adult, kid


# --- crime recorded -------------------------------------------------------------------------------
def test_crime_recorded_creates_the_five_duties_per_victim(case, officer):
    adult, kid = adult_and_child(case)
    expected = {
        # code: (trigger, standard due, enhanced due)
        "ACKNOWLEDGE": (Trigger.VICTIM_ADDED, WD[5], WD[5]),
        "NEEDS_ASSESSMENT": (Trigger.VICTIM_ADDED, WD[1], WD[1]),
        "SUPPORT_REFERRAL": (Trigger.VICTIM_ADDED, WD[2], WD[2]),
        "CONTACT_PLAN": (Trigger.VICTIM_ADDED, WD[5], WD[1]),
        # recurring, default every 28 calendar days from the report
        "PROGRESS_UPDATE": (Trigger.PLAN, end_of(2026, 11, 30), end_of(2026, 11, 30)),
    }
    for cv, enhanced in ((adult, False), (kid, True)):
        made = obs(cv)
        assert sorted(o.code for o in made) == sorted(expected), cv
        for ob in made:
            trigger, std, enh = expected[ob.code]
            assert ob.trigger == trigger
            assert ob.due_at == (enh if enhanced else std), ob.code
            assert ob.enhanced is enhanced
            assert ob.state == OPEN and ob.closed_reason == ""
            assert ob.triggered_at == NOW
            assert ob.owner == officer
            assert ob.crime_id == case.id
            assert ob.rule.rule_set.code == "vcop-2020"
            assert ob.remind_at >= ob.triggered_at
            assert ob.escalate_at > ob.due_at


def test_unallocated_case_obligations_have_no_owner_until_allocated(clock, officer, colleague):
    crime = record(officer, oic=None)
    assert obs(crime) and all(o.owner_id is None for o in obs(crime))
    services.case_allocate(crime=crime, officer=colleague, by=officer)
    assert all(o.owner == colleague for o in obs(crime))
    # a first allocation is not a reallocation: no introduction duty
    assert not obs(crime, "OFFICER_INTRODUCTION")


def test_victim_added_later_gets_own_duties_from_that_time(case, officer, clock):
    clock.move_to(london(2026, 11, 4, 15), tick=False)
    before = Obligation.objects.filter(crime=case).count()
    cv = services.victim_add(crime=case, by=officer, victim=services.VictimInput(person=person()))
    made = obs(cv)
    assert sorted(o.code for o in made) == sorted(
        ["ACKNOWLEDGE", "NEEDS_ASSESSMENT", "SUPPORT_REFERRAL", "CONTACT_PLAN", "PROGRESS_UPDATE"]
    )
    assert Obligation.objects.filter(crime=case).count() == before + 5
    assert one(cv, "NEEDS_ASSESSMENT").due_at == end_of(2026, 11, 5)
    assert one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 12, 2)
    assert all(o.owner == officer for o in made)


# --- every case-event trigger of vcop-2020 --------------------------------------------------------
# (event code, earlier events needed first, {obligation code: (standard WD, enhanced WD)})
EVENT_TABLE = [
    ("ARREST", [], {"ARREST": (5, 1)}),
    ("INTERVIEW", [], {"INTERVIEW": (5, 1)}),
    ("RELEASED_NFA", [], {"RELEASE_NO_FURTHER_ACTION": (5, 1)}),
    ("BAIL", ["ARREST"], {"BAIL": (5, 1)}),
    ("RUI", [], {"BAIL": (5, 1)}),
    ("BAIL_CHANGED", ["ARREST", "BAIL"], {"BAIL_CHANGED": (5, 1)}),
    ("CHARGED", [], {"CHARGE": (5, 1), "VPS_OFFER": (5, 5)}),
    ("WITNESS_STATEMENT", [], {"VPS_OFFER": (5, 5)}),
    ("OUT_OF_COURT", [], {"OUT_OF_COURT": (5, 1)}),
    ("NOT_INVESTIGATED", [], {"NOT_INVESTIGATED": (5, 1)}),
    ("NOT_PROSECUTED", ["ARREST"], {"NOT_PROSECUTED": (5, 1)}),
    ("CLOSED", [], {"CLOSURE": (5, 1)}),
    ("HEARING_DETAILS", ["CHARGED"], {"HEARING_DATE": (1, 1)}),
    ("BAIL_HEARING_OUTCOME", ["CHARGED"], {"BAIL_HEARING_OUTCOME": (5, 1)}),
    ("EVIDENCE_DECISION", ["CHARGED"], {"GIVE_EVIDENCE": (1, 1)}),
    ("OUTCOME", ["CHARGED", "HEARING_DETAILS"], {"OUTCOME_SENTENCE": (1, 1)}),
    ("VRR_REQUESTED", ["RELEASED_NFA"], {"VRR_ACKNOWLEDGE": (10, 10), "VRR_DECISION": (30, 30)}),
]


@pytest.mark.parametrize(("code", "setup", "expected"), EVENT_TABLE, ids=[row[0] for row in EVENT_TABLE])
def test_event_creates_its_obligations(case, officer, code, setup, expected):
    earlier = london(2026, 11, 1, 12)  # the day before (a Sunday)
    for prior in setup:
        event(case, prior, officer, at=earlier)
    extra = {"not_told_reason": "Victims moved away; no contact details"} if code == "CLOSED" else {}
    ev = event(case, code, officer, at=NOW, **extra)
    adult, kid = adult_and_child(case)
    made = list(Obligation.objects.filter(trigger_event=ev).select_related("rule__rule_set"))
    assert sorted(o.code for o in made) == sorted(list(expected) * 2)
    for ob in made:
        std, enh = expected[ob.code]
        enhanced = ob.crime_victim_id == kid.id
        assert ob.crime_victim_id in (adult.id, kid.id)
        assert ob.enhanced is enhanced
        assert ob.due_at == WD[enh if enhanced else std], (ob.code, enhanced)
        assert ob.trigger == code
        assert ob.triggered_at == NOW
        assert ob.owner == officer
        assert ob.state == OPEN
        assert ob.rule.rule_set.code == "vcop-2020"


def test_reallocation_creates_officer_introduction_for_the_new_oic(case, officer, colleague, clock):
    clock.move_to(london(2026, 11, 4, 9), tick=False)
    ev = services.case_allocate(crime=case, officer=colleague, by=officer)
    intro = list(Obligation.objects.filter(trigger_event=ev))
    assert len(intro) == 2 and {o.code for o in intro} == {"OFFICER_INTRODUCTION"}
    assert all(o.owner == colleague and o.trigger == "REALLOCATED" for o in intro)
    assert all(o.due_at == end_of(2026, 11, 5) for o in intro)  # 1 WD for everyone


def test_open_obligations_follow_reallocation_met_ones_stay(case, officer, colleague, supervisor, clock):
    adult, _kid = adult_and_child(case)
    services.needs_assessment_save(crime_victim=adult, by=officer, data={})
    assert one(adult, "NEEDS_ASSESSMENT").state == MET
    services.case_allocate(crime=case, officer=colleague, by=supervisor)
    for ob in obs(case):
        if ob.state == OPEN:
            assert ob.owner == colleague, ob.code
        else:
            assert ob.owner == officer, ob.code
    # later triggers go to the new officer
    ev = event(case, "ARREST", supervisor)
    assert {o.owner_id for o in Obligation.objects.filter(trigger_event=ev)} == {colleague.id}


def test_hearing_date_is_due_from_wcu_receipt_not_the_hearing(case, officer, clock):
    event(case, "CHARGED", officer)
    # Recorded on Wednesday about details the WCU received on Tuesday at 16:00, for a hearing in December.
    clock.move_to(london(2026, 11, 4, 11), tick=False)
    ev = event(case, "HEARING_DETAILS", officer, at=london(2026, 11, 3, 16), hearing_at="2026-12-01T10:00")
    for ob in Obligation.objects.filter(trigger_event=ev):
        assert ob.code == "HEARING_DATE"
        assert ob.triggered_at == london(2026, 11, 3, 16)
        assert ob.due_at == end_of(2026, 11, 4)
    assert ev.details["hearing_at"].startswith("2026-12-01")


def test_vps_offer_once_per_victim_charge_then_statement(case, officer):
    event(case, "CHARGED", officer, at=london(2026, 11, 1, 12))
    ev = event(case, "WITNESS_STATEMENT", officer)
    assert not Obligation.objects.filter(trigger_event=ev).exists()
    event(case, "CHARGED", officer, charges="A second charge")  # a second charge: CHARGE again, no VPS
    for cv in victims(case):
        assert len(obs(cv, "VPS_OFFER")) == 1
        assert len(obs(cv, "CHARGE")) == 2


def test_vps_offer_once_per_victim_statement_then_charge(case, officer):
    first = event(case, "WITNESS_STATEMENT", officer, at=london(2026, 11, 1, 12))
    ev = event(case, "CHARGED", officer)
    assert (
        sorted(Obligation.objects.filter(trigger_event=ev).values_list("code", flat=True)) == ["CHARGE"] * 2
    )
    for cv in victims(case):
        vps = one(cv, "VPS_OFFER")
        assert vps.trigger_event_id == first.id


def test_vps_offer_still_once_after_it_was_met(case, officer):
    adult, _ = adult_and_child(case)
    event(case, "WITNESS_STATEMENT", officer, at=london(2026, 11, 1, 12))
    vps = one(adult, "VPS_OFFER")
    contacts.contact_log(
        crime_victim=adult,
        by=officer,
        method="phone",
        outcome="spoke",
        summary="Offered a VPS",
        occurred_at=NOW,
        obligation_ids=[vps.id],
    )
    event(case, "CHARGED", officer)
    assert len(obs(adult, "VPS_OFFER")) == 1


@pytest.mark.parametrize(
    ("offence_code", "months", "expected"),
    [
        ("8N", 12, True),  # violent, 12 months
        ("8N", 36, True),
        ("8N", 11, False),  # under 12 months
        ("8N", None, False),  # no custody
        ("20", 18, True),  # sexual
        ("28E", 24, False),  # burglary: neither violent nor sexual
    ],
)
def test_outcome_and_vcs_referral(clock, officer, offence_code, months, expected):
    crime = record(officer, offence=offence_code)
    event(crime, "CHARGED", officer, at=london(2026, 11, 1, 9))
    event(crime, "HEARING_DETAILS", officer, at=london(2026, 11, 1, 10))
    details = {"sentence": "Imprisonment"}
    if months is not None:
        details["custody_months"] = months
    ev = event(crime, "OUTCOME", officer, **details)
    made = {o.code: o for o in Obligation.objects.filter(trigger_event=ev)}
    assert "OUTCOME_SENTENCE" in made and made["OUTCOME_SENTENCE"].due_at == WD[1]
    if expected:
        assert set(made) == {"OUTCOME_SENTENCE", "VCS_REFERRAL"}
        vcs = made["VCS_REFERRAL"]
        assert vcs.trigger == Trigger.QUALIFYING_SENTENCE
        assert vcs.due_at == WD[10]
        assert vcs.rule.met_by_referral
    else:
        assert set(made) == {"OUTCOME_SENTENCE"}


def test_events_on_an_unknown_code_create_nothing(case, officer):
    before = Obligation.objects.count()
    with pytest.raises(ValidationError, match="Unknown event"):
        event(case, "NO_SUCH_EVENT", officer)
    assert Obligation.objects.count() == before


# --- who is enhanced ------------------------------------------------------------------------------
def test_domestic_abuse_victim_is_enhanced(clock, officer):
    crime = record(officer, is_domestic_abuse=True)
    (cv,) = victims(crime)
    assert one(cv, "CONTACT_PLAN").due_at == WD[1]
    ev = event(crime, "ARREST", officer)
    ob = Obligation.objects.get(trigger_event=ev)
    assert ob.enhanced and ob.due_at == WD[1]


def test_standard_adult_victim_is_not_enhanced(clock, officer):
    crime = record(officer, offence="28E")  # burglary, no flags
    (cv,) = victims(crime)
    ev = event(crime, "ARREST", officer)
    ob = Obligation.objects.get(trigger_event=ev)
    assert not ob.enhanced and ob.due_at == WD[5]
    assert one(cv, "CONTACT_PLAN").due_at == WD[5]


@pytest.mark.parametrize(
    "flag", ["mental_disorder", "physical_disability", "fear_or_distress_giving_evidence"]
)
def test_needs_assessment_vulnerability_makes_later_triggers_enhanced(clock, officer, flag):
    crime = record(officer, offence="28E")
    (cv,) = victims(crime)
    before = event(crime, "ARREST", officer)
    assert Obligation.objects.get(trigger_event=before).due_at == WD[5]
    services.needs_assessment_save(crime_victim=cv, by=officer, data={flag: True})
    after = event(crime, "INTERVIEW", officer)
    ob = Obligation.objects.get(trigger_event=after)
    assert ob.enhanced and ob.due_at == WD[1]


def test_officer_added_eligibility_makes_later_triggers_enhanced(clock, officer):
    crime = record(officer, offence="28E")
    (cv,) = victims(crime)
    added = contacts.eligibility_add(
        crime_victim=cv, by=officer, reason="Elderly, lives alone, very frightened"
    )
    assert AddedEligibility.objects.filter(crime_victim=cv).get() == added
    assert added.added_by == officer
    ev = event(crime, "ARREST", officer)
    ob = Obligation.objects.get(trigger_event=ev)
    assert ob.enhanced and ob.due_at == WD[1]
    enhanced, reasons = contacts.enhanced_for(
        CrimeVictim.objects.get(pk=cv.pk), RuleSet.objects.get(code="vcop-2020")
    )
    assert enhanced and "Elderly, lives alone, very frightened" in reasons


def test_victim_turning_18_after_the_offence_is_still_enhanced(clock, officer):
    # 17 on the day of the offence (31 Oct 2026), 18 by the time the suspect is arrested.
    crime = record(officer, offence="28E", people=[person(date_of_birth=NOW.date().replace(year=2008))])
    ev = event(crime, "ARREST", officer)
    assert Obligation.objects.get(trigger_event=ev).enhanced


# --- contact plans --------------------------------------------------------------------------------
def test_no_updates_victim_gets_update_duties_as_not_required(case, officer):
    adult, kid = adult_and_child(case)
    contacts.plan_save(crime_victim=adult, by=officer, data={"wants_updates": False, "methods": ["phone"]})
    # the recurring update is still there, closed with a reason, not silently dropped
    pu = one(adult, "PROGRESS_UPDATE", state=NOT_REQUIRED, closed_reason=contacts.NO_UPDATES)
    assert pu.due_at == end_of(2026, 11, 30)
    assert not obs(adult, "PROGRESS_UPDATE", state=OPEN)
    # duties that are not updates stay open
    for code in ("NEEDS_ASSESSMENT", "ACKNOWLEDGE", "SUPPORT_REFERRAL"):
        assert one(adult, code).state == OPEN
    assert one(adult, "CONTACT_PLAN").state == MET
    # later update duties: created, not required, with the reason; non-update duties open
    ev = event(case, "CHARGED", officer)
    charge = Obligation.objects.get(trigger_event=ev, crime_victim=adult, code="CHARGE")
    assert charge.state == NOT_REQUIRED and charge.closed_reason == contacts.NO_UPDATES
    vps = Obligation.objects.get(trigger_event=ev, crime_victim=adult, code="VPS_OFFER")
    assert vps.state == OPEN
    # the other victim is unaffected
    assert Obligation.objects.get(trigger_event=ev, crime_victim=kid, code="CHARGE").state == OPEN


def test_frequency_none_is_the_same_as_no_updates(case, officer):
    adult, _ = adult_and_child(case)
    contacts.plan_save(crime_victim=adult, by=officer, data={"frequency": "none", "methods": ["phone"]})
    ev = event(case, "ARREST", officer)
    ob = Obligation.objects.get(trigger_event=ev, crime_victim=adult)
    assert ob.state == NOT_REQUIRED and ob.closed_reason == contacts.NO_UPDATES


def test_key_events_only_makes_progress_update_not_required(case, officer):
    adult, _ = adult_and_child(case)
    contacts.plan_save(crime_victim=adult, by=officer, data={"frequency": "key_events", "methods": ["phone"]})
    pu = one(adult, "PROGRESS_UPDATE", state=NOT_REQUIRED, closed_reason=contacts.KEY_EVENTS_ONLY)
    assert pu
    assert not obs(adult, "PROGRESS_UPDATE", state=OPEN)
    # key events are still told
    ev = event(case, "ARREST", officer)
    assert Obligation.objects.get(trigger_event=ev, crime_victim=adult).state == OPEN


def test_declined_referral_in_needs_assessment(case, officer):
    adult, kid = adult_and_child(case)
    services.needs_assessment_save(crime_victim=adult, by=officer, data={"referral_consent": "declined"})
    ref = one(adult, "SUPPORT_REFERRAL")
    assert ref.state == NOT_REQUIRED and ref.closed_reason == contacts.DECLINED_REFERRAL
    assert one(kid, "SUPPORT_REFERRAL").state == OPEN


def test_needs_assessment_meets_needs_assessment(case, officer, clock):
    adult, kid = adult_and_child(case)
    clock.move_to(london(2026, 11, 3, 15), tick=False)
    services.needs_assessment_save(crime_victim=adult, by=officer, data={"wants_support": True})
    na = one(adult, "NEEDS_ASSESSMENT")
    assert na.state == MET and na.met_at == london(2026, 11, 3, 15) and na.met_on_time is True
    assert na.met_by_contact is None
    assert one(kid, "NEEDS_ASSESSMENT").state == OPEN
    # late: done after the end of the first working day
    clock.move_to(london(2026, 11, 4, 9), tick=False)
    services.needs_assessment_save(crime_victim=kid, by=officer, data={})
    late = one(kid, "NEEDS_ASSESSMENT")
    assert late.state == MET and late.met_on_time is False


def test_plan_save_meets_contact_plan_and_reschedules_progress_update(case, officer, clock):
    adult, _ = adult_and_child(case)
    original = open_one(adult, "PROGRESS_UPDATE")
    assert original.due_at == end_of(2026, 11, 30)
    clock.move_to(london(2026, 11, 4, 12), tick=False)
    contacts.plan_save(
        crime_victim=adult,
        by=officer,
        data={"wants_updates": True, "methods": ["phone"], "frequency": "weekly"},
    )
    plan_duty = one(adult, "CONTACT_PLAN")
    assert plan_duty.state == MET and plan_duty.met_on_time is True
    assert plan_duty.met_at == london(2026, 11, 4, 12)
    original.refresh_from_db()
    assert original.state == NOT_REQUIRED
    new = open_one(adult, "PROGRESS_UPDATE")
    # weekly: 7 days from the start of the cycle (the report on 2 Nov), not from the plan
    assert new.triggered_at == NOW
    assert new.due_at == end_of(2026, 11, 9)
    # a change back to every 28 days moves it out again
    clock.move_to(london(2026, 11, 5, 12), tick=False)
    contacts.plan_save(
        crime_victim=adult, by=officer, data={"methods": ["phone"], "frequency": "every_28_days"}
    )
    assert open_one(adult, "PROGRESS_UPDATE").due_at == end_of(2026, 11, 30)


def test_plan_fortnightly_after_a_contact_counts_from_the_contact(case, officer, clock):
    adult, _ = adult_and_child(case)
    clock.move_to(london(2026, 11, 3, 10), tick=False)
    contacts.contact_log(
        crime_victim=adult,
        by=officer,
        method="phone",
        outcome="spoke",
        summary="Update",
        occurred_at=london(2026, 11, 3, 10),
    )
    clock.move_to(london(2026, 11, 5, 10), tick=False)
    contacts.plan_save(
        crime_victim=adult, by=officer, data={"methods": ["phone"], "frequency": "fortnightly"}
    )
    pu = open_one(adult, "PROGRESS_UPDATE")
    assert pu.triggered_at == london(2026, 11, 3, 10)
    assert pu.due_at == end_of(2026, 11, 17)


# --- closing --------------------------------------------------------------------------------------
def test_closing_closes_progress_updates_but_closure_stays_open_until_met(case, officer, clock):
    adult, _kid = adult_and_child(case)
    ev = event(case, "CLOSED", officer, not_told_reason="Could not reach either victim")
    for cv in victims(case):
        pu = one(cv, "PROGRESS_UPDATE")
        assert pu.state == NOT_REQUIRED and pu.closed_reason == contacts.CASE_CLOSED
        closure = one(cv, "CLOSURE")
        assert closure.state == OPEN and closure.trigger_event == ev
        # one-off duties are not closed by closing the case
        assert one(cv, "NEEDS_ASSESSMENT").state == OPEN
    clock.move_to(london(2026, 11, 3, 10), tick=False)
    contact, met = contacts.contact_log(
        crime_victim=adult,
        by=officer,
        method="phone",
        outcome="spoke",
        summary="Told her the case is closed",
        occurred_at=london(2026, 11, 3, 10),
        about_closure=True,
    )
    closure = one(adult, "CLOSURE")
    assert closure.state == MET and closure.met_by_contact == contact and closure.met_on_time
    assert [o.code for o in met] == ["CLOSURE"]
    # no new progress update on a closed case
    assert not obs(adult, "PROGRESS_UPDATE", state=OPEN)


def test_reopening_starts_progress_updates_again(case, officer, clock):
    event(case, "CLOSED", officer, not_told_reason="Could not reach the victims")
    clock.move_to(london(2026, 11, 10, 9), tick=False)
    event(case, "REOPENED", officer)
    for cv in victims(case):
        pu = open_one(cv, "PROGRESS_UPDATE")
        assert pu.triggered_at == london(2026, 11, 10, 9)
        assert pu.due_at == end_of(2026, 12, 8)


# --- the 2006 edition -----------------------------------------------------------------------------
@pytest.fixture
def in_2019(time_machine):
    at = london(2019, 6, 3, 10)  # Monday 3 June 2019
    time_machine.move_to(at, tick=False)
    return at


def test_2006_edition_applies_before_april_2021(in_2019, officer):
    crime = record(officer, is_domestic_abuse=True, people=[person(), child()])
    adult, kid = victims(crime)
    for cv in (adult, kid):
        made = obs(cv)
        assert {o.rule.rule_set.code for o in made} == {"vcop-2006"}
        assert sorted(o.code for o in made) == ["PROGRESS_UPDATE", "SUPPORT_REFERRAL", "WRITTEN_INFORMATION"]
        assert one(cv, "WRITTEN_INFORMATION").due_at == end_of(2019, 6, 10)
        assert one(cv, "SUPPORT_REFERRAL").due_at == end_of(2019, 6, 5)
        assert one(cv, "PROGRESS_UPDATE").due_at == end_of(2019, 7, 1)
    ev = event(crime, "ARREST", officer, at=in_2019)
    arrests = {o.crime_victim_id: o for o in Obligation.objects.filter(trigger_event=ev)}
    # domestic abuse alone is not enhanced under 2006 ...
    assert not arrests[adult.id].enhanced and arrests[adult.id].due_at == end_of(2019, 6, 10)
    # ... but a child (vulnerable) is
    assert arrests[kid.id].enhanced and arrests[kid.id].due_at == end_of(2019, 6, 4)
    # 2006 has no INTERVIEW duty and no VPS offer
    assert not Obligation.objects.filter(
        trigger_event=event(crime, "INTERVIEW", officer, at=in_2019)
    ).exists()
    charged = event(crime, "CHARGED", officer, at=in_2019)
    assert sorted(Obligation.objects.filter(trigger_event=charged).values_list("code", flat=True)) == [
        "CHARGE",
        "CHARGE",
    ]


def test_2006_intimidated_victim_is_enhanced(in_2019, officer):
    crime = record(officer, offence="28E")
    (cv,) = victims(crime)
    services.needs_assessment_save(
        crime_victim=cv, by=officer, data={"fear_or_distress_giving_evidence": True}
    )
    ob = Obligation.objects.get(trigger_event=event(crime, "ARREST", officer, at=in_2019))
    assert ob.enhanced and ob.due_at == end_of(2019, 6, 4)


def test_2006_persistently_targeted_alone_is_not_enhanced(in_2019, officer):
    crime = record(officer, offence="28E")
    (cv,) = victims(crime)
    services.needs_assessment_save(crime_victim=cv, by=officer, data={"persistently_targeted": True})
    ob = Obligation.objects.get(trigger_event=event(crime, "ARREST", officer, at=in_2019))
    assert not ob.enhanced and ob.due_at == end_of(2019, 6, 10)


def test_a_trigger_uses_the_edition_in_force_at_its_time(in_2019, officer, time_machine):
    crime = record(officer, is_domestic_abuse=True)
    (cv,) = victims(crime)
    assert one(cv, "WRITTEN_INFORMATION").rule.rule_set.code == "vcop-2006"
    time_machine.move_to(NOW, tick=False)
    ev = event(crime, "ARREST", officer)
    ob = Obligation.objects.select_related("rule__rule_set").get(trigger_event=ev)
    assert ob.rule.rule_set.code == "vcop-2020"
    assert ob.enhanced and ob.due_at == WD[1]  # domestic abuse is enhanced under 2020
    # an event back-dated to before April 2021 is judged by the 2006 edition
    old = event(crime, "BAIL", officer, at=london(2021, 3, 31, 12))
    ob = Obligation.objects.select_related("rule__rule_set").get(trigger_event=old)
    assert ob.rule.rule_set.code == "vcop-2006" and not ob.enhanced


@pytest.mark.parametrize(
    ("offence_code", "flags", "expected"),
    [
        ("45", {}, False),  # theft from a motor vehicle
        ("48", {}, False),  # vehicle taking
        ("58A", {}, False),  # minor criminal damage
        ("58C", {}, False),  # criminal damage to a vehicle
        ("56A", {}, True),  # arson endangering life: not minor
        ("28E", {}, True),  # burglary: not property-minor
        ("45", {"is_hate_crime": True}, True),
        ("45", {"child": True}, True),  # vulnerable
    ],
)
def test_2006_support_referral_condition(in_2019, officer, offence_code, flags, expected):
    flags = dict(flags)
    people = [child()] if flags.pop("child", False) else [person()]
    crime = record(officer, offence=offence_code, people=people, **flags)
    (cv,) = victims(crime)
    assert bool(obs(cv, "SUPPORT_REFERRAL")) is expected
    # the other duties are there regardless
    assert one(cv, "WRITTEN_INFORMATION")


def test_2006_support_referral_for_a_repeat_victim(in_2019, officer):
    p = person()
    record(officer, offence="28E", people=[p])
    crime = record(officer, offence="45", people=[dict(p)])
    (cv,) = victims(crime)
    assert CrimeVictim.objects.filter(person=cv.person).count() == 2
    assert one(cv, "SUPPORT_REFERRAL").state == OPEN


def test_2006_support_referral_when_the_victim_asks(in_2019, officer):
    crime = record(officer, offence="45")
    (cv,) = victims(crime)
    assert not obs(cv, "SUPPORT_REFERRAL")
    services.needs_assessment_save(crime_victim=cv, by=officer, data={"referral_consent": "given"})
    cv = CrimeVictim.objects.select_related("person", "needs_assessment").get(pk=cv.pk)
    made = contacts.obligations_create(
        crime=crime, trigger=Trigger.VICTIM_ADDED, at=in_2019, victims=[cv], save=False
    )
    assert "SUPPORT_REFERRAL" in {o.code for o in made}


def test_2020_vehicle_crime_still_gets_a_referral(clock, officer):
    crime = record(officer, offence="45")
    (cv,) = victims(crime)
    assert one(cv, "SUPPORT_REFERRAL").state == OPEN


# --- local overlays -------------------------------------------------------------------------------
def activate(code: str) -> None:
    assert RuleSet.objects.filter(code=code, kind="overlay").update(active=True) == 1


def test_overlays_are_off_by_default(clock, officer):
    assert not RuleSet.objects.filter(kind="overlay", active=True).exists()
    crime = record(officer, is_sensitive=True)
    (cv,) = victims(crime)
    assert one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 11, 30)


def test_first_update_within_7_days_overlay(clock, officer):
    activate("local-first-update-7-days")
    crime = record(officer)
    (cv,) = victims(crime)
    first = open_one(cv, "PROGRESS_UPDATE")
    assert first.rule.rule_set.code == "local-first-update-7-days"
    assert first.due_at == end_of(2026, 11, 9)
    # then every 28 days from the last qualifying contact
    clock.move_to(london(2026, 11, 4, 10), tick=False)
    contacts.contact_log(
        crime_victim=cv,
        by=officer,
        method="phone",
        outcome="spoke",
        summary="First update",
        occurred_at=london(2026, 11, 4, 10),
    )
    first.refresh_from_db()
    assert first.state == MET and first.met_on_time
    assert open_one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 12, 2)


def test_sensitive_fortnightly_overlay_applies_only_to_sensitive_cases(clock, officer):
    activate("local-sensitive-fortnightly")
    sensitive = record(officer, is_sensitive=True)
    ordinary = record(officer)
    (scv,) = victims(sensitive)
    (ocv,) = victims(ordinary)
    s = open_one(scv, "PROGRESS_UPDATE")
    o = open_one(ocv, "PROGRESS_UPDATE")
    assert s.rule.rule_set.code == "local-sensitive-fortnightly" and s.due_at == end_of(2026, 11, 16)
    assert o.rule.rule_set.code == "vcop-2020" and o.due_at == end_of(2026, 11, 30)


def test_inactive_overlay_changes_nothing_after_deactivation(clock, officer):
    activate("local-first-update-7-days")
    RuleSet.objects.filter(code="local-first-update-7-days").update(active=False)
    crime = record(officer)
    (cv,) = victims(crime)
    assert open_one(cv, "PROGRESS_UPDATE").due_at == end_of(2026, 11, 30)


# --- misc -----------------------------------------------------------------------------------------
def test_every_obligation_has_a_consistent_schedule(case, officer):
    for code, setup, _ in EVENT_TABLE:
        if code in ("CLOSED", "NOT_INVESTIGATED", "OUT_OF_COURT", "RELEASED_NFA"):
            continue
        try:
            event(case, code, officer)
        except ValidationError:  # some make no sense in the case's state by then; skip them
            continue
    assert Obligation.objects.filter(crime=case).count() > 20
    for ob in Obligation.objects.filter(crime=case):
        assert ob.triggered_at <= ob.remind_at <= ob.due_at < ob.escalate_at, ob.code
        assert ob.due_at - ob.triggered_at < timedelta(days=60)


def test_supervisor_can_be_oic(clock, officer, supervisor):
    crime = record(officer, oic=supervisor)
    assert {o.owner_id for o in obs(crime)} == {supervisor.id}


def test_reallocating_to_someone_outside_the_team_is_refused(case, officer, outsider):
    before = list(Obligation.objects.filter(crime=case).values_list("id", "owner_id"))
    with pytest.raises(ValidationError) as e:
        services.case_allocate(crime=case, officer=outsider, by=officer)
    assert "officer" in e.value.message_dict
    assert list(Obligation.objects.filter(crime=case).values_list("id", "owner_id")) == before


def test_partner_cannot_be_oic(case, officer, org):
    partner = UserFactory(role=Role.PARTNER, team=org["team_a1"])
    with pytest.raises(ValidationError):
        services.case_allocate(crime=case, officer=partner, by=officer)
    assert not obs(case, "OFFICER_INTRODUCTION")
