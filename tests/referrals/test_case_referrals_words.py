"""The case page's referrals as a new officer reads them: an automatic send whose time has passed is not
"will be sent" on a past date; a service's contact attempt with nobody recorded is the service's, not
"Automatic"; referring to another service offers the same list on the form shown again as on the case
page, and says what to do next without offering to send what needs the victim's agreement first."""

# ruff: noqa: F811  (the case page tests' fixtures, imported by name, are these tests' arguments)

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.models import ContactAttempt, Referral
from referrals.templatetags.referral_staff import automatic_send_words, done_by
from tests.referrals.test_case_referrals import case, clock, orgs, url  # noqa: F401  (fixtures)


def test_an_automatic_send_in_the_future_and_one_overdue():
    later = automatic_send_words(timezone.now() + timedelta(hours=3))
    assert later.startswith("Will be sent automatically on ") and "unless the victim declines" in later
    missed = automatic_send_words(timezone.now() - timedelta(days=11))
    assert "Will be sent" not in missed
    assert missed.startswith("Due to be sent automatically on ") and "not sent yet. Send it now" in missed


@pytest.mark.django_db
def test_an_attempt_with_nobody_recorded_is_the_services(case):
    _crime, _cv, ref = case
    attempt = ContactAttempt(referral=ref, at=timezone.now(), reached=False, by_user=None, by_label="")
    assert done_by(attempt) == "The support service"
    attempt.by_label = "API key “Case system” of Northtown Victim Care"
    assert done_by(attempt) == attempt.by_label


@pytest.mark.django_db
def test_the_add_form_shown_again_offers_what_the_case_page_offers(case, officer, orgs, make_client):
    crime, cv, _ref = case  # an open referral to the general service already
    r = make_client(officer).post(url("add", crime, cv_id=cv.id), {f"add-{cv.id}-organisation": ""})
    page = r.content.decode()
    assert "There is a problem" in page
    assert "Northtown Domestic Abuse Service" in page
    assert f'<option value="{orgs["general"].pk}"' not in page


@pytest.mark.django_db
def test_adding_a_service_that_needs_consent_does_not_say_send_it_now(case, officer, orgs, make_client):
    crime, cv, _ref = case
    r = make_client(officer).post(
        url("add", crime, cv_id=cv.id), {f"add-{cv.id}-organisation": orgs["idva"].pk}, follow=True
    )
    page = r.content.decode()
    assert "It needs the victim&#x27;s agreement: ask them and record their decision." in page
    assert "send it now" not in page.lower().split("success")[1][:400]
    assert Referral.objects.filter(crime_victim=cv, organisation=orgs["idva"]).exists()


@pytest.mark.django_db
def test_a_referral_the_service_could_not_deliver_says_what_the_officer_can_do(
    case, officer, partner, make_client
):
    from referrals import services

    crime, _cv, ref = case
    services.referral_send(referral=ref, by=officer)
    ref.refresh_from_db()
    for _ in range(ref.organisation.max_contact_attempts):
        services.contact_attempt_record(
            referral=ref,
            by=services.By.partner_user(partner),
            reached=False,
            at=timezone.now(),
            method="phone",
        )
    page = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert "Northtown Victim Care could not reach Aisha Khan. Check their contact details" in page


@pytest.mark.django_db
def test_an_opt_out_referral_sent_without_asking_does_not_read_as_a_missing_step(case, officer, make_client):
    from referrals import services

    crime, _cv, ref = case
    services.referral_send(referral=ref, by=officer)
    page = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert (
        "Not asked: the service takes referrals unless the victim declines, so it was sent without asking"
        in page
    )


@pytest.mark.django_db
def test_sending_for_a_victim_with_no_safe_way_of_contact_warns_first(officer, orgs, clock, make_client):
    from tests.contacts.support import NOW, person, record

    crime = record(officer, people=[person(first_name="Milo", safe_phone=False, safe_email=False)], now=NOW)
    page = make_client(officer).get(crime.get_absolute_url()).content.decode()
    assert (
        "No safe way to contact Milo Khan is recorded, so Northtown Victim Care will get no contact" in page
    )
    safe = record(officer, people=[person(first_name="Hana")], now=NOW)
    assert "No safe way to contact" not in make_client(officer).get(safe.get_absolute_url()).content.decode()
