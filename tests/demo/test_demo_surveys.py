"""The demo's year of survey answers: made by the survey services, spread over the year, within every
eligibility rule, seeded once only; and a demo portal victim with a live link."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cases.constants import VictimRole, age_on
from messaging.constants import MessageKind, MessageStatus
from messaging.models import Message
from surveys import services
from surveys.constants import Area, InvitationState, Source
from surveys.models import Invitation, MilestoneReached, Response
from tests.conftest import FAST_HASHERS
from victimcare.demo.seed import nothing_to_do
from victimcare.demo.surveys import LINK, LIVE_VICTIM

SURVEY_MODELS = [MilestoneReached, Invitation, Response, Message]


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker):
    """A 300-crime demo with the portal victims, seeded once inside a transaction rolled back after the
    module's last test."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("seed_demo", "--crimes", "300", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(_seeded_once, db):
    return _seeded_once


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in SURVEY_MODELS}


@pytest.mark.django_db
def test_responses_span_the_year_from_every_source(seeded):
    # Answers to the survey itself (call-backs, made by the quality seeder, are counted in its tests).
    responses = list(Response.objects.exclude(source=Source.CALLBACK))
    assert len(responses) >= 60
    months = {timezone.localtime(r.submitted_at).strftime("%Y-%m") for r in responses}
    assert len(months) >= 10
    sources = Counter(r.source for r in responses)
    assert sources[Source.ONLINE] > sources[Source.PHONE] > 0
    assert sources[Source.IN_PERSON] > 0
    assert any(r.comments for r in responses) and any(r.share_comments for r in responses)
    assert all(r.submitted_at <= timezone.now() for r in responses)
    # About 35-45% of those invited answer.
    invited = Invitation.objects.count()
    assert 0.3 <= len(responses) / invited <= 0.5
    # Answers differ: every area has satisfied and dissatisfied answers.
    assert {r.kept_informed for r in responses} >= {2, 6}


@pytest.mark.django_db
def test_no_response_breaks_eligibility(seeded):
    responses = Response.objects.select_related("crime_victim__person", "crime", "invitation")
    for r in responses:
        person = r.crime_victim.person
        assert not r.crime.is_restricted and not r.restricted
        assert age_on(person.date_of_birth, timezone.localdate(r.submitted_at)) >= 16
        assert r.crime_victim.role != VictimRole.BEREAVED
        if r.source == Source.ONLINE:
            assert r.invitation.state == InvitationState.ANSWERED
            assert r.invitation.created_at < r.submitted_at < r.invitation.expires_at
    # One answer per victim per case, one invitation per person per period.
    assert max(Counter(Response.objects.values_list("crime_victim_id", flat=True)).values()) == 1
    per_person = Counter(Invitation.objects.values_list("person_id", flat=True))
    assert max(per_person.values()) == 1


@pytest.mark.django_db
def test_past_survey_messages_are_sent_with_their_links_removed(seeded):
    survey = Message.objects.filter(kind=MessageKind.SURVEY)
    queued = list(survey.filter(status=MessageStatus.QUEUED))
    # Only the live invitation of the demo portal victim waits for the worker.
    assert [m.crime.reference for m in queued] == [LIVE_VICTIM]
    for body in survey.exclude(status=MessageStatus.QUEUED).values_list("body", flat=True):
        assert "(link removed once sent)" in body


@pytest.mark.django_db
def test_seeding_again_creates_nothing(seeded):
    before = counts()
    out = StringIO()
    call_command("seed_demo", "--crimes", "300", stdout=out)
    assert counts() == before
    assert "nothing new" in out.getvalue()
    assert nothing_to_do()


@pytest.mark.django_db
def test_demo_victim_has_a_live_link(seeded):
    out, err = StringIO(), StringIO()
    call_command("demo_survey_link", stdout=out, stderr=err)
    url = out.getvalue().strip()
    secret = LINK.search(url).group(1)
    invitation = services.invitation_for(secret)
    assert invitation.crime_victim.crime.reference == LIVE_VICTIM
    # The victim answers; the link is spent, and no second invitation is made for them.
    services.response_submit(
        secret=secret,
        raw=dict.fromkeys(Area.values, "6"),
    )
    with pytest.raises(CommandError, match="already"):
        call_command("demo_survey_link", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_demo_survey_link_refuses_anyone_else(seeded):
    ref = Response.objects.values_list("crime__reference", flat=True).first()
    with pytest.raises(CommandError, match="Only the demo portal victims"):
        call_command("demo_survey_link", ref, stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_a_year_of_quality_work(seeded):
    from surveys.constants import CallBackState, SampleCaseState
    from surveys.models import CallBack, DipSample, DipSampleCase

    months = set(DipSample.objects.filter(kind="monthly").values_list("month", flat=True))
    assert len(months) >= 10
    reviewed = DipSampleCase.objects.filter(state=SampleCaseState.REVIEWED)
    assert reviewed.filter(failed__gt=0).exists() and reviewed.filter(failed=0).exists()
    calls = CallBack.objects.all()
    assert calls.filter(state=CallBackState.DONE, response__isnull=False).exists()
    assert calls.exclude(state=CallBackState.DONE).exists()
    assert not calls.filter(crime__is_restricted=True).exists()
    assert Response.objects.filter(source=Source.CALLBACK).exclude(passed_on="").exists()
