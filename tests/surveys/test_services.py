"""Surveys through the services: milestones from case events, the invitation run (eligibility, sampling,
safe channels, one per period, reruns), the single reminder, answers from a link (reused, expired, forged,
out of range) and entered by staff, and a victim's wish about surveys."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services as case_services
from messaging.constants import Channel, MessageKind, MessageStatus
from messaging.models import Message
from messaging.outbox import message_deliver
from surveys import services
from surveys.constants import InvitationState, Milestone, Source
from surveys.models import Invitation, MilestoneReached, Response, SurveyPlan, SurveySetting
from tests.cases.test_services import person
from tests.factories import offence

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
AFTER = T0 + timedelta(days=20)  # inside "after the report": waits 14 days, then 28 days to invite
ANSWERS = {
    "ease_of_contact": "7",
    "actions": "6",
    "kept_informed": "3",
    "treatment": "5",
    "whole_experience": "5",
}


@pytest.fixture
def everyone():
    """Every plan asks every eligible victim, so a test is about the rule it names, not the sample."""
    SurveyPlan.objects.update(rate_percent=100)


def record(officer, ref="VC/12345/26", restricted=False, **p):
    with time_machine.travel(T0, tick=False):
        return case_services.case_record(
            by=officer,
            reference=ref,
            offence=offence("8N"),
            occurred_at=T0 - timedelta(days=1),
            reported_at=T0,
            location="Market Street",
            team=officer.team,
            oic=officer,
            is_restricted=restricted,
            victims=[case_services.VictimInput(person=person(**p))],
        )


def secret_of(inv: Invitation) -> str:
    """The link's secret, read from the queued message before it is sent (the outbox keeps it until then)."""
    msg = Message.objects.filter(kind=MessageKind.SURVEY, crime_victim=inv.crime_victim).latest("pk")
    return msg.body.split("/portal/survey/")[1].split("/")[0]


@pytest.mark.django_db
def test_recording_a_crime_notes_the_report_milestone(officer):
    crime = record(officer)
    m = MilestoneReached.objects.get(crime_victim__crime=crime)
    assert (m.milestone, m.at) == (Milestone.REPORTED, T0)


@pytest.mark.django_db
def test_closing_and_nfa_are_milestones_once(officer):
    crime = record(officer)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        case_services.event_record(
            crime=crime,
            code="CLOSED",
            by=officer,
            occurred_at=T0 + timedelta(days=3),
            details={"closure_reason": "no_suspect", "not_told_reason": "Could not reach them"},
        )
    assert MilestoneReached.objects.filter(milestone=Milestone.CLOSED).count() == 1


@pytest.mark.django_db
def test_invitation_run_invites_once_by_a_safe_channel(officer, everyone):
    record(officer)
    assert services.invitations_send(now=T0 + timedelta(days=13)).invited == 0  # still waiting
    result = services.invitations_send(now=AFTER)
    assert result.invited == 1
    inv = Invitation.objects.get()
    assert inv.channels == [Channel.EMAIL] and inv.state == InvitationState.SENT
    msg = Message.objects.get(kind=MessageKind.SURVEY)
    assert msg.channel == Channel.EMAIL and msg.to_address == "aisha.khan@example.com"
    assert "/portal/survey/" in msg.body and "VC/12345/26" not in msg.body
    # A rerun, a second plan reaching the same person, a later day: nobody is asked twice in the period.
    assert services.invitations_send(now=AFTER).invited == 0
    assert services.invitations_send(now=AFTER + timedelta(days=5)).invited == 0
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_one_invitation_per_person_per_period_across_cases(officer, everyone):
    record(officer, ref="VC/12345/26")
    record(officer, ref="VC/12346/26")
    assert services.invitations_send(now=AFTER).invited == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "over,restricted",
    [
        ({"date_of_birth": date(2012, 1, 1)}, False),  # 14
        ({"date_of_birth": None}, False),
        ({"safe_email": False}, False),  # the mobile is not marked safe for texts either
        ({}, True),
    ],
)
def test_never_invited(officer, everyone, over, restricted):
    record(officer, restricted=restricted, **over)
    result = services.invitations_send(now=AFTER)
    assert result.invited == 0 and result.not_eligible == 1
    assert not Message.objects.filter(kind=MessageKind.SURVEY).exists()


@pytest.mark.django_db
def test_sampling_rate_zero_for_a_bcu(officer):
    plan = SurveyPlan.objects.get(milestone=Milestone.REPORTED)
    plan.rates.create(bcu=officer.team.bcu, rate_percent=0)
    record(officer)
    result = services.invitations_send(now=AFTER)
    assert (result.invited, result.not_sampled) == (0, 1)


@pytest.mark.django_db
def test_opted_out_and_bereaved(officer, everyone):
    crime = record(officer)
    cv = crime.victims.get()
    services.survey_setting_save(person=cv.person, wants_surveys=False, by=officer)
    assert services.invitations_send(now=AFTER).invited == 0
    services.survey_setting_save(person=cv.person, wants_surveys=True, by=officer)
    assert services.invitations_send(now=AFTER).invited == 1


@pytest.mark.django_db
def test_answer_from_the_link_once(officer, everyone):
    crime = record(officer)
    services.invitations_send(now=AFTER)
    inv = Invitation.objects.get()
    secret = secret_of(inv)
    r = services.response_submit(
        secret=secret,
        raw=ANSWERS,
        comments="Kind officer",
        share_comments=True,
        now=AFTER + timedelta(days=1),
    )
    assert (r.kept_informed, r.whole_experience, r.source) == (3, 5, Source.ONLINE)
    assert r.bcu_id == crime.bcu_id and r.officer_id == officer.pk and r.offence_group == crime.offence.group
    assert r.age_band == "35 to 44" and r.share_comments and r.comments == "Kind officer"
    inv.refresh_from_db()
    assert inv.state == InvitationState.ANSWERED
    with pytest.raises(services.LinkProblem, match="already been answered"):
        services.response_submit(secret=secret, raw=ANSWERS, now=AFTER + timedelta(days=1))
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_bad_answers_change_nothing_and_keep_the_link(officer, everyone):
    record(officer)
    services.invitations_send(now=AFTER)
    secret = secret_of(Invitation.objects.get())
    with pytest.raises(ValidationError) as e:
        services.response_submit(secret=secret, raw={**ANSWERS, "actions": "9"}, now=AFTER)
    assert e.value.message_dict == {"actions": ["Choose one of the answers given"]}
    assert Response.objects.count() == 0
    assert Invitation.objects.get().state == InvitationState.SENT
    services.response_submit(secret=secret, raw=ANSWERS, now=AFTER)  # corrected, it is taken


@pytest.mark.django_db
def test_forged_expired_and_restricted_links(officer, everyone):
    crime = record(officer)
    services.invitations_send(now=AFTER)
    inv = Invitation.objects.get()
    secret = secret_of(inv)
    with pytest.raises(services.LinkProblem, match="not recognised"):
        services.invitation_for("x" * 43, now=AFTER)
    with pytest.raises(services.LinkProblem, match="closed on"):
        services.invitation_for(secret, now=inv.expires_at)
    crime.is_restricted = True
    crime.save(update_fields=["is_restricted"])
    with pytest.raises(services.LinkProblem, match="no longer open"):
        services.invitation_for(secret, now=AFTER)


@pytest.mark.django_db
def test_decline_from_the_link(officer, everyone):
    record(officer)
    services.invitations_send(now=AFTER)
    inv = Invitation.objects.get()
    services.survey_decline(secret=secret_of(inv), now=AFTER)
    assert SurveySetting.objects.get(person=inv.person).wants_surveys is False
    assert Invitation.objects.get().state == InvitationState.DECLINED


@pytest.mark.django_db
def test_one_reminder_with_a_new_link(officer, everyone):
    record(officer)
    services.invitations_send(now=AFTER)
    inv = Invitation.objects.get()
    first = secret_of(inv)
    assert services.reminders_send(now=AFTER + timedelta(days=6)) == 0
    assert services.reminders_send(now=AFTER + timedelta(days=7)) == 1
    assert services.reminders_send(now=AFTER + timedelta(days=8)) == 0
    second = secret_of(inv)
    assert second != first
    with pytest.raises(services.LinkProblem):
        services.invitation_for(first, now=AFTER + timedelta(days=8))
    assert services.invitation_for(second, now=AFTER + timedelta(days=8)).pk == inv.pk
    assert Message.objects.filter(kind=MessageKind.SURVEY).count() == 2


@pytest.mark.django_db
def test_the_link_is_removed_from_our_copy_once_sent(officer, everyone, settings):
    record(officer)
    services.invitations_send(now=AFTER)
    msg = Message.objects.get(kind=MessageKind.SURVEY)
    message_deliver(message_id=msg.pk)
    msg.refresh_from_db()
    assert msg.status in (MessageStatus.SENT, MessageStatus.DELIVERED)
    assert "/portal/survey/(link removed once sent)/" in msg.body


@pytest.mark.django_db
def test_staff_entry_closes_the_open_link(officer, everyone):
    crime = record(officer)
    services.invitations_send(now=AFTER)
    cv = crime.victims.get()
    r = services.response_enter(
        by=officer, crime_victim=cv, source=Source.PHONE, raw=ANSWERS, passed_on="Thank PC Jones", now=AFTER
    )
    assert (r.source, r.entered_by, r.passed_on) == (Source.PHONE, officer, "Thank PC Jones")
    assert Invitation.objects.get().state == InvitationState.WITHDRAWN
    with pytest.raises(ValidationError):
        services.response_enter(by=officer, crime_victim=cv, source="online", raw=ANSWERS, now=AFTER)
    assert Response.objects.count() == 1


@pytest.mark.django_db
def test_a_run_hands_its_messages_to_workers_in_batches(
    officer, everyone, django_capture_on_commit_callbacks, monkeypatch
):
    from messaging import tasks

    sent = []
    monkeypatch.setattr(tasks.deliver_messages, "delay", lambda ids: sent.append(list(ids)))
    for i in range(3):
        record(officer, ref=f"VC/2222{i}/26", email=f"v{i}@example.com", date_of_birth=date(1980, 1, 1 + i))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitations_send(now=AFTER).invited == 3
    assert len(sent) == 1 and sorted(sent[0]) == sorted(
        Message.objects.filter(kind=MessageKind.SURVEY).values_list("pk", flat=True)
    )
