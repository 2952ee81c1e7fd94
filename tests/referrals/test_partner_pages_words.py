"""The partner workspace as a new caseworker reads it: how they may contact the victim (calls, voicemail
and texts each said), what happens on the attempt that uses up the service's tries, pages for actions a
referral no longer allows, who did what in its history, and the API key and webhook pages (copy buttons,
a way to the API's documentation)."""

# ruff: noqa: F811  (the workspace tests' fixtures, imported by name, are these tests' arguments)

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from referrals import keys, services
from referrals.constants import State
from referrals.models import Referral
from tests.contacts.support import person, record
from tests.referrals.test_partner_workspace import (  # noqa: F401  (fixtures)
    html,
    member,
    ref,
    sent_referral,
)

pytestmark = pytest.mark.django_db


def page_of(client, ref) -> str:
    return html(client.get(reverse("partner:referral", kwargs={"pk": ref.pk})))


def test_calls_safe_but_not_texts_says_do_not_text(make_client, member, officer):
    ref = sent_referral(officer, mobile_phone="07700 900 321", safe_phone=True, safe_sms=False)
    page = page_of(make_client(member), ref)
    assert "07700 900 321" in page
    assert "You may call. Do not leave a voicemail." in page and "Do not send text messages." in page
    both = sent_referral(officer, mobile_phone="07700 900 322", safe_phone=True, safe_sms=True)
    assert "You may send text messages." in page_of(make_client(member), both)


def test_the_attempt_that_uses_up_the_tries_says_the_referral_moved(make_client, member, ref, service):
    client = make_client(member)
    url = reverse("partner:attempt", kwargs={"pk": ref.pk})
    at = timezone.localtime(timezone.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    said = []
    for _ in range(service.max_contact_attempts):
        r = client.post(url, {"reached": "no", "at": at, "method": "phone"}, follow=True)
        said.append(html(r))
    assert "That was attempt" not in said[0]
    assert "That was attempt 3, so the referral is now marked “victim could not be contacted”" in said[-1]
    ref.refresh_from_db()
    assert ref.state == State.UNABLE_TO_CONTACT


def test_actions_a_referral_no_longer_allows_show_no_form(make_client, member, ref):
    services.referral_partner_move(
        referral=ref, action="reject", by=services.By.partner_user(member), note="Outside our area"
    )
    client = make_client(member)
    for name, words in (("partner:attempt", "nothing to record"), ("partner:report", "nothing to report")):
        page = html(client.get(reverse(name, kwargs={"pk": ref.pk})))
        assert words in page and "rejected by the service" in page
        assert "<form" not in page.split("<main")[1]
        assert reverse("partner:referral", kwargs={"pk": ref.pk}) in page


def test_history_says_automatically_and_names_no_code(make_client, member, officer, service):
    crime = record(officer, people=[person(first_name="Grace")])
    ref = Referral.objects.get(crime=crime)
    assert services.send_one_held(now=timezone.now() + timedelta(days=10))
    page = page_of(make_client(member), ref)
    assert "automatically" in page and "by Automatic" not in page


def test_the_attempt_form_gives_no_example_to_copy(make_client, member, ref):
    page = html(make_client(member).get(reverse("partner:attempt", kwargs={"pk": ref.pk})))
    assert "For example, 2026" not in page


def test_a_new_key_can_be_copied_and_leads_to_the_docs(make_client, member, service):
    client = make_client(member)
    r = client.post(reverse("partner:keys"), {"name": "Case system"}, follow=True)
    page = html(r)
    assert 'data-vc-copy="new-key"' in page and "Copy the key" in page
    assert reverse("partner_api:docs") in page
    keys_page = html(client.get(reverse("partner:keys")))
    assert reverse("partner_api:docs") in keys_page


def test_a_revoked_key_says_who_revoked_it(make_client, member, service):
    row, _ = keys.key_create(organisation=service, name="Old system", by=member)
    keys.key_revoke(key=row, by=member)
    page = html(make_client(member).get(reverse("partner:keys")))
    assert f"by {escape(member.full_name)}" in page.split("Revoked")[1]


def test_the_webhook_secret_can_be_copied_and_is_not_promised_below(make_client, member, service):
    client = make_client(member)
    before = html(client.get(reverse("partner:webhook")))
    assert "signing secret below" not in before
    r = client.post(reverse("partner:webhook"), {"url": "https://example.org/hooks/victimcare"}, follow=True)
    page = html(r)
    assert 'id="signing-secret"' in page and 'data-vc-copy="signing-secret"' in page


def test_the_api_docs_show_no_template_comment(make_client, member):
    page = html(make_client(member).get(reverse("partner_api:docs")))
    assert "{#" not in page and "drf-spectacular's own template" not in page


def test_a_withdrawn_referral_says_why_at_the_top_and_is_not_news(make_client, member, officer, ref):
    from cases import services as case_services

    case_services.victim_update(
        person=ref.crime_victim.person, by=officer, data={"mobile_phone": "07700 900 999"}, crime=ref.crime
    )
    assert "The police updated this victim" in page_of(make_client(member), ref)
    services.referral_withdraw(referral=ref, by=officer, reason="The victim asked us to stop.")
    page = page_of(make_client(member), ref)
    assert "Why the police withdrew it: The victim asked us to stop." in page
    assert "The police updated this victim" not in page
