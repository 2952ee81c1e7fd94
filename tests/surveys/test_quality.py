"""Quality call-backs and dip sampling through their services and pages: who is drawn (and who never is),
a call-back logged as a contact that meets no duty, answers kept as a call-back response, feedback reaching
the officer, the checklist and its findings, the officer's next cases after a poor result; every refusal
changes nothing, and nobody outside the team sees or does anything."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts.constants import ObligationState
from contacts.models import Contact, Obligation
from surveys import callbacks, dip_samples
from surveys.constants import CallBackState, Check, SampleCaseState, Source
from surveys.models import CallBack, DipSample, DipSampleCase, Response
from tests.contacts.support import NOW, child, person, record
from tests.factories import UserFactory
from victimcare.accounts.constants import Role
from victimcare.audit.models import AccessAction, AccessRecord

pytestmark = pytest.mark.django_db
ANSWERS = {
    "ease_of_contact": "7",
    "actions": "6",
    "kept_informed": "6",
    "treatment": "7",
    "whole_experience": "7",
}
ALL_YES = {c.value: "yes" for c in Check}


@pytest.fixture
def cases(officer, colleague, clock):
    """Recent cases of two officers in team A1: the officer's three, the colleague's one; plus victims who
    must never be drawn."""
    made = [record(officer, now=NOW - timedelta(days=d)) for d in (5, 10, 15)]
    made.append(record(colleague, now=NOW - timedelta(days=7)))
    record(officer, now=NOW - timedelta(days=8), people=[child()])  # under 16
    record(officer, now=NOW - timedelta(days=8), people=[person(safe_phone=False)])  # phone not safe
    record(officer, now=NOW - timedelta(days=8), is_restricted=True)
    record(officer, now=NOW - timedelta(days=90))  # not recent
    return made


def test_draw_picks_recent_eligible_victims_per_officer(cases, supervisor, officer, colleague):
    made = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)
    by_officer = {}
    for cb in made:
        by_officer.setdefault(cb.officer_id, []).append(cb.crime_id)
    assert len(by_officer[officer.pk]) == 2 and len(by_officer[colleague.pk]) == 1
    assert {c for ids in by_officer.values() for c in ids} <= {c.pk for c in cases}
    assert callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW) == []  # nobody twice


def test_only_the_teams_supervisor_draws(cases, org, officer):
    other = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(other)
    with pytest.raises(ValidationError):
        callbacks.callbacks_draw(team=officer.team, by=other, now=NOW)
    with pytest.raises(ValidationError):
        callbacks.callbacks_draw(team=officer.team, by=officer, now=NOW)
    assert not CallBack.objects.exists()


def test_a_call_back_is_a_contact_that_meets_no_duty(cases, supervisor, officer):
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    open_before = Obligation.objects.filter(crime_victim=cb.crime_victim, state=ObligationState.OPEN).count()
    done = callbacks.callback_record(
        callback=cb,
        by=supervisor,
        outcome="spoke",
        raw=ANSWERS,
        passed_on="Please thank PC Officer, she was kind",
        passed_on_kind="praise",
        now=NOW,
    )
    assert done.state == CallBackState.DONE
    contact = Contact.objects.get(pk=done.contact_id)
    assert (contact.method, contact.outcome, contact.recorded_by) == ("phone", "spoke", supervisor)
    assert (
        Obligation.objects.filter(crime_victim=cb.crime_victim, state=ObligationState.OPEN).count()
        == open_before
    )
    r = Response.objects.get()
    assert (r.source, r.passed_on_kind, r.whole_experience) == (Source.CALLBACK, "praise", 7)
    with pytest.raises(ValidationError):
        callbacks.callback_record(callback=cb, by=supervisor, outcome="spoke", raw=ANSWERS, now=NOW)


def test_bad_call_back_input_changes_nothing(cases, supervisor, officer):
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    for outcome, raw in (("spoke", {**ANSWERS, "actions": "12"}), ("shouted", ANSWERS), ("spoke", {})):
        with pytest.raises(ValidationError):
            callbacks.callback_record(callback=cb, by=supervisor, outcome=outcome, raw=raw, now=NOW)
    cb.refresh_from_db()
    assert cb.state == CallBackState.QUEUED
    assert not Response.objects.exists()
    assert not Contact.objects.filter(summary__startswith="Quality call-back").exists()


def test_not_reached_is_logged_without_answers(cases, supervisor, officer):
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    done = callbacks.callback_record(callback=cb, by=supervisor, outcome="no_answer", now=NOW)
    assert done.state == CallBackState.NOT_REACHED and done.response is None
    assert Contact.objects.get(pk=done.contact_id).outcome == "no_answer"


def test_call_back_pages_and_audit(cases, supervisor, officer, make_client, org, analyst):
    c = make_client(supervisor)
    r = c.post(reverse("surveys_staff:callbacks"), {"team": officer.team.pk})
    assert r.status_code == 302
    before = AccessRecord.objects.filter(action=AccessAction.CALLBACK_LISTED).count()
    html = c.get(reverse("surveys_staff:callbacks")).content.decode()
    listed = AccessRecord.objects.filter(action=AccessAction.CALLBACK_LISTED).count() - before
    assert listed == CallBack.objects.count() == 3
    cb = CallBack.objects.first()
    assert cb.crime_victim.person.full_name in html
    page = c.get(reverse("surveys_staff:callback", kwargs={"pk": cb.pk}))
    assert page.status_code == 200 and "What to say" in page.content.decode()
    r = c.post(reverse("surveys_staff:callback", kwargs={"pk": cb.pk}), {"outcome": "spoke", **ANSWERS})
    assert r.status_code == 302
    # Outsiders: a supervisor of another team gets "not found"; officers and analysts are refused.
    other = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(other)
    assert make_client(other).get(reverse("surveys_staff:callback", kwargs={"pk": cb.pk})).status_code == 404
    assert (
        make_client(other).post(reverse("surveys_staff:callbacks"), {"team": officer.team.pk}).status_code
        == 302
    )
    for user in (officer, analyst):
        assert make_client(user).get(reverse("surveys_staff:callbacks")).status_code == 403
    assert CallBack.objects.count() == 3


def test_feedback_reaches_the_officer_and_their_supervisor(
    cases, supervisor, officer, colleague, make_client
):
    cb = next(
        cb
        for cb in callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)
        if cb.officer_id == officer.pk
    )
    callbacks.callback_record(
        callback=cb,
        by=supervisor,
        outcome="spoke",
        raw=ANSWERS,
        passed_on="Slow to call back",
        passed_on_kind="concern",
        now=NOW,
    )
    mine = make_client(officer).get(reverse("surveys_staff:feedback")).content.decode()
    assert "Slow to call back" in mine and "A concern" in mine
    assert cb.crime_victim.person.full_name not in mine
    theirs = make_client(supervisor).get(
        reverse("surveys_staff:officer_feedback", kwargs={"officer_id": officer.pk})
    )
    assert "Slow to call back" in theirs.content.decode()
    assert (
        make_client(colleague)
        .get(reverse("surveys_staff:officer_feedback", kwargs={"officer_id": officer.pk}))
        .status_code
        == 404
    )
    work = make_client(officer).get(reverse("contacts:my_work")).content.decode()
    assert "feedback from victims" in work


def test_monthly_sample_and_review(cases, supervisor, officer, clock):
    month = date(2026, 10, 1)
    sample = dip_samples.sample_draw(team=officer.team, month=month, by=supervisor, now=NOW, size=20)
    crimes = set(sample.cases.values_list("crime_id", flat=True))
    assert crimes and all(
        not c.is_restricted for c in sample.cases.all().select_related("crime") for c in [c.crime]
    )
    with pytest.raises(ValidationError, match="already been drawn"):
        dip_samples.sample_draw(team=officer.team, month=month, by=supervisor, now=NOW)
    sc = sample.cases.first()
    with pytest.raises(ValidationError) as e:
        dip_samples.sample_case_review(
            sample_case=sc, by=supervisor, answers={**ALL_YES, "referral": ""}, note=""
        )
    assert "referral" in e.value.message_dict
    sc.refresh_from_db()
    assert sc.state == SampleCaseState.TO_REVIEW
    answers = {**ALL_YES, "updates_on_time": "no", "updates_quality": "no", "closure": "na"}
    sc = dip_samples.sample_case_review(
        sample_case=sc, by=supervisor, answers=answers, note="Updates slipped"
    )
    assert (sc.passed, sc.failed, sc.state) == (7, 2, SampleCaseState.REVIEWED)
    assert dip_samples.poor(sc.passed, sc.failed)


def test_poor_result_targets_the_officers_next_three_cases(cases, supervisor, officer, colleague, clock):
    dip_samples.target_next_cases(officer=officer, by=supervisor, now=NOW)
    with pytest.raises(ValidationError, match="already being checked"):
        dip_samples.target_next_cases(officer=officer, by=supervisor, now=NOW)
    for _ in range(4):
        record(officer, now=NOW)
    record(colleague, now=NOW)
    target = DipSample.objects.get(kind="targeted")
    assert target.cases.count() == 3
    assert set(target.cases.values_list("officer_id", flat=True)) == {officer.pk}
    assert dip_samples.open_target(officer.pk) is None


def test_sample_pages_and_refusals(cases, supervisor, officer, make_client, org, analyst):
    c = make_client(supervisor)
    r = c.post(reverse("surveys_staff:samples"), {"team": officer.team.pk, "month": "2026-10"})
    sample = DipSample.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("surveys_staff:sample", kwargs={"pk": sample.pk})
    sc = sample.cases.first()
    url = reverse("surveys_staff:sample_case", kwargs={"pk": sc.pk})
    bad = c.post(url, {**ALL_YES, "vps_offered": "perhaps"})
    assert (
        bad.status_code == 400
        and "Say whether this check was met: Victim Personal Statement offered" in bad.content.decode()
    )
    assert c.post(url, {**ALL_YES, "note": "Good work"}).status_code == 302
    assert DipSampleCase.objects.get(pk=sc.pk).passed == len(Check)
    other = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(other)
    assert make_client(other).get(url).status_code == 404
    assert make_client(other).post(url, ALL_YES).status_code == 404
    assert (
        make_client(other)
        .post(reverse("surveys_staff:samples"), {"team": officer.team.pk, "month": "2026-10"})
        .status_code
        == 302
    )
    assert make_client(officer).get(url).status_code == 403
    assert make_client(analyst).get(reverse("surveys_staff:samples")).status_code == 403
    assert DipSample.objects.count() == 1
    hub = c.get(reverse("surveys_staff:quality")).content.decode()
    assert "Feedback from victims, by officer" in hub


def test_beat_draws_last_month_for_every_team(cases, org, clock):
    assert dip_samples.samples_draw_all(now=NOW) == 3
    assert dip_samples.samples_draw_all(now=NOW) == 0
    assert set(DipSample.objects.values_list("month", flat=True)) == {date(2026, 10, 1)}


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("surveys_staff:quality", {}),
        ("surveys_staff:callbacks", {}),
        ("surveys_staff:samples", {}),
        ("surveys_staff:concerns", {}),
        ("reporting:quality", {}),
    ],
)
def test_an_outsider_sees_nothing_of_this_team(
    cases, supervisor, officer, outsider, make_client, name, kwargs
):
    callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)
    dip_samples.sample_draw(team=officer.team, month=date(2026, 10, 1), by=supervisor, now=NOW)
    c = make_client(outsider)
    r = c.get(reverse(name, kwargs=kwargs))
    if name in ("surveys_staff:quality", "surveys_staff:callbacks", "surveys_staff:samples"):
        assert r.status_code == 403
    else:
        html = r.content.decode()
        assert r.status_code == 200
        for cb in CallBack.objects.select_related("crime_victim__person", "crime"):
            assert cb.crime_victim.person.full_name not in html and cb.crime.reference not in html


def test_an_outsider_cannot_open_or_change_anything_by_id(cases, supervisor, officer, outsider, make_client):
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    sample = dip_samples.sample_draw(team=officer.team, month=date(2026, 10, 1), by=supervisor, now=NOW)
    sc = sample.cases.first()
    c = make_client(outsider)
    for url in (
        reverse("surveys_staff:callback", kwargs={"pk": cb.pk}),
        reverse("surveys_staff:sample", kwargs={"pk": sample.pk}),
        reverse("surveys_staff:sample_case", kwargs={"pk": sc.pk}),
        reverse("surveys_staff:officer_feedback", kwargs={"officer_id": officer.pk}),
    ):
        assert c.get(url).status_code in (403, 404), url
        assert c.post(
            url, {"outcome": "spoke", **ANSWERS, **ALL_YES, "cancel": "1", "target": "1"}
        ).status_code in (403, 404), url
    cb.refresh_from_db()
    sc.refresh_from_db()
    assert cb.state == CallBackState.QUEUED and sc.state == SampleCaseState.TO_REVIEW
    assert not DipSample.objects.filter(kind="targeted").exists()
    assert make_client(outsider).get(reverse("surveys_staff:feedback")).status_code == 200  # their own, empty


def test_a_victim_who_may_no_longer_be_called_is_not_shown_to_call(cases, supervisor, officer, make_client):
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    person = cb.crime_victim.person
    person.safe_phone = False
    person.save(update_fields=["safe_phone"])
    c = make_client(supervisor)
    url = reverse("surveys_staff:callback", kwargs={"pk": cb.pk})
    html = c.get(url).content.decode()
    assert "Do not call" in html and person.mobile_phone not in html and "Record the call" not in html
    assert c.post(url, {"outcome": "spoke", **ANSWERS}).status_code == 200
    cb.refresh_from_db()
    assert cb.state == CallBackState.QUEUED and not Response.objects.exists()
    c.post(url, {"cancel": "1"})
    cb.refresh_from_db()
    assert cb.state == CallBackState.CANCELLED


def test_a_call_back_volunteer_makes_their_teams_calls_and_sees_nothing_else(
    cases, supervisor, officer, make_client, org
):
    volunteer = UserFactory(role=Role.VOLUNTEER, team=None, email="volunteer@test.police.uk")
    officer.team.callback_volunteers.add(volunteer)
    other = UserFactory(role=Role.VOLUNTEER, team=None, email="other-volunteer@test.police.uk")
    org["team_b1"].callback_volunteers.add(other)
    cb = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)[0]
    with pytest.raises(ValidationError):
        callbacks.callbacks_draw(team=officer.team, by=volunteer, now=NOW)
    c = make_client(volunteer)
    assert c.get("/").url == reverse("surveys_staff:callbacks")
    html = c.get(reverse("surveys_staff:callbacks")).content.decode()
    assert cb.crime_victim.person.full_name in html and "Draw this month" not in html
    assert cb.crime.get_absolute_url() not in html  # no way into the case
    r = c.post(reverse("surveys_staff:callback", kwargs={"pk": cb.pk}), {"outcome": "spoke", **ANSWERS})
    assert r.status_code == 302
    cb.refresh_from_db()
    assert cb.state == CallBackState.DONE and cb.called_by == volunteer
    for name in ("surveys_staff:quality", "surveys_staff:samples", "surveys_staff:concerns", "cases:mine"):
        assert c.get(reverse(name)).status_code == 403, name
    assert c.get(cb.crime.get_absolute_url()).status_code in (403, 404)
    assert c.post(reverse("surveys_staff:callbacks"), {"team": officer.team.pk}).status_code == 302
    assert CallBack.objects.count() == 3
    # Another team's volunteer sees none of it.
    d = make_client(other)
    assert cb.crime_victim.person.full_name not in d.get(reverse("surveys_staff:callbacks")).content.decode()
    assert d.get(reverse("surveys_staff:callback", kwargs={"pk": cb.pk})).status_code == 404
