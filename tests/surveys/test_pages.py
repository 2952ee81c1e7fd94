"""The survey pages as people use them: a victim answers from the link without an account (in English or
Welsh) and learns nothing about the case from it; bad links and bad answers are refused in words and change
nothing; staff record answers taken by phone only on cases they may work, audited; nobody else can."""

import pytest
from django.urls import reverse

from surveys import services
from surveys.models import Invitation, Response, SurveySetting
from tests.surveys.test_services import AFTER, ANSWERS, record, secret_of
from victimcare.audit.models import AccessRecord

pytestmark = pytest.mark.django_db


def access_count() -> int:
    return AccessRecord.objects.count()


@pytest.fixture
def invited(officer, everyone, time_machine):
    crime = record(officer)
    services.invitations_send(now=AFTER)
    time_machine.move_to(AFTER, tick=False)
    inv = Invitation.objects.get()
    return crime, inv, secret_of(inv)


@pytest.fixture
def everyone():
    from surveys.models import SurveyPlan

    SurveyPlan.objects.update(rate_percent=100)


def url(secret):
    return reverse("surveys:answer", kwargs={"secret": secret})


def test_a_victim_answers_without_an_account(invited, client):
    crime, inv, secret = invited
    html = client.get(url(secret)).content.decode()
    assert "Tell us about the service you received" in html
    for secret_detail in (crime.reference, "Khan", "Aisha", crime.oic.display_name, "Market Street"):
        assert secret_detail not in html
    r = client.post(url(secret), {**ANSWERS, "comments": "Thank you", "share_comments": "on"}, follow=True)
    assert r.redirect_chain == [("/portal/survey/thank-you/?lang=en", 302)]
    assert "Thank you for your answers" in r.content.decode()
    resp = Response.objects.get()
    assert resp.share_comments and resp.whole_experience == 5
    again = client.get(url(secret))
    assert again.status_code == 404 and "already been answered" in again.content.decode()


def test_missing_and_forged_answers_are_refused_in_words(invited, client):
    _crime, _inv, secret = invited
    r = client.post(url(secret), {**ANSWERS, "actions": "99", "kept_informed": ""})
    html = r.content.decode()
    assert r.status_code == 400
    assert "There is a problem" in html
    assert "Choose one of the answers given" in html
    assert "Choose how satisfied you are with how well you were kept informed" in html
    assert Response.objects.count() == 0


@pytest.mark.parametrize("secret", ["nope", "x" * 43, "../../admin", "%00"])
def test_unknown_links(invited, client, secret):
    r = client.get(f"/portal/survey/{secret}/")
    assert r.status_code == 404
    assert Response.objects.count() == 0


def test_the_page_in_welsh(invited, client):
    _crime, _inv, secret = invited
    client.cookies["django_language"] = "cy"
    html = client.get(url(secret)).content.decode()
    assert "Dywedwch wrthym am y gwasanaeth a gawsoch" in html
    assert "Cwbl fodlon" in html
    assert 'lang="cy"' in html


def test_decline(invited, client):
    _crime, inv, secret = invited
    r = client.post(url(secret), {"decline": "1"})
    assert "We will not send you surveys" in r.content.decode()
    assert SurveySetting.objects.get(person=inv.person).wants_surveys is False


def test_staff_record_answers_for_a_case_they_work(invited, make_client, officer):
    crime, _inv, _secret = invited
    cv = crime.victims.get()
    c = make_client(officer)
    enter = reverse("surveys_staff:enter", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    before = access_count()
    html = c.get(enter).content.decode()
    assert "Record survey answers" in html and access_count() == before + 1
    r = c.post(enter, {**ANSWERS, "source": "phone", "passed_on": "Thanks to the officer"})
    assert r.status_code == 302
    assert Response.objects.get().source == "phone"
    page = c.get(crime.get_absolute_url()).content.decode()
    assert "Answered on" in page and "(by phone)" in page


def test_staff_bad_input_changes_nothing(invited, make_client, officer):
    crime, _inv, _secret = invited
    cv = crime.victims.get()
    enter = reverse("surveys_staff:enter", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    r = make_client(officer).post(enter, {**ANSWERS, "source": "online"})
    assert r.status_code == 400 and Response.objects.count() == 0


def test_nobody_else_records_answers(invited, make_client, outsider, analyst, partner, client):
    crime, _inv, _secret = invited
    cv = crime.victims.get()
    enter = reverse("surveys_staff:enter", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    setting = reverse("surveys_staff:setting", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    assert make_client(outsider).get(enter).status_code == 404
    assert make_client(outsider).post(enter, {**ANSWERS, "source": "phone"}).status_code == 404
    assert make_client(outsider).post(setting, {"wants_surveys": "no"}).status_code == 404
    assert make_client(analyst).get(enter).status_code == 403
    assert make_client(partner).get(enter).status_code == 403
    assert client.get(enter).status_code == 302
    assert Response.objects.count() == 0 and not SurveySetting.objects.exists()


def test_staff_record_a_wish_about_surveys(invited, make_client, officer):
    crime, inv, _secret = invited
    cv = crime.victims.get()
    setting = reverse("surveys_staff:setting", kwargs={"ref": crime.slug, "cv_id": cv.pk})
    c = make_client(officer)
    c.post(setting, {"wants_surveys": "no"})
    assert SurveySetting.objects.get(person=cv.person).wants_surveys is False
    assert Invitation.objects.get().state == "declined"
    c.post(setting, {"wants_surveys": "maybe"})
    assert SurveySetting.objects.get(person=cv.person).wants_surveys is False


def test_a_victim_signed_in_to_the_portal_answers_there(officer):
    from surveys.models import SurveyPlan
    from tests.portal.conftest import give_account, make_victim, signed_in_client

    cv = make_victim(officer)
    give_account(cv)
    c = signed_in_client(cv)
    assert "answer a short survey" not in c.get("/portal/case/").content.decode()
    assert c.get("/portal/survey/").status_code == 404
    services.invite_victim(crime_victim=cv, plan=SurveyPlan.objects.first())
    page = c.get("/portal/case/").content.decode()
    assert 'href="/portal/survey/"' in page and "Tell us how we did: answer a short survey" in page
    assert "Tell us about the service you received" in c.get("/portal/survey/").content.decode()
    r = c.post("/portal/survey/", ANSWERS, follow=True)
    assert "Thank you for your answers" in r.content.decode()
    assert Response.objects.get().crime_victim == cv
    assert "answer a short survey" not in c.get("/portal/case/").content.decode()


def test_the_portal_survey_needs_a_portal_session(client, officer_client):
    assert client.get("/portal/survey/").status_code in (302, 403)
    assert officer_client.get("/portal/survey/").status_code in (302, 403)
