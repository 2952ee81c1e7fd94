"""The referral round trip in a browser: an officer records a crime and the victim agrees to support in
the needs assessment, so the general (opt-out) service gets the referral at once; the service's partner
user finds it under New, accepts it and reports the phone number wrong; the officer sees that in the inbox
and corrects the number on the victim's page; the service sees the new number, the "details updated"
banner and its report marked corrected. axe-core checks every page on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.constants import State
from referrals.models import (
    DetailsReport,
    PartnerMember,
    Referral,
    RoutingRule,
    SupportOrganisation,
)
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory
from victimcare.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def assert_accessible(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def sign_in(page, email, then_heading):
    page.goto("/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=then_heading, exact=True).wait_for()


def test_referral_round_trip(page, browser, live_server):
    team = TeamFactory(name="Response North")
    officer = UserFactory(email="pc.referral@test.police.uk", team=team, first_name="Pat", last_name="Browne")
    service = SupportOrganisation.objects.create(
        name="Northtown Victim Care", kind="general", consent_basis="opt_out"
    )
    service.bcus.add(team.bcu)
    rule = RoutingRule.objects.create(name="General support in the North")
    rule.bcus.add(team.bcu)
    rule.organisations.add(service)
    partner = UserFactory(
        email="caseworker@northtown.org.uk",
        role=Role.PARTNER,
        team=None,
        shoulder_number="",
        first_name="Sam",
        last_name="Caseworker",
    )
    PartnerMember.objects.create(user=partner, organisation=service)
    now = timezone.now()

    # --- the officer records the crime and the needs assessment -----------------------------------------
    sign_in(page, officer.email, "My work")
    page.get_by_role("link", name="Record a crime").click()
    page.get_by_role("heading", name="Record a crime").wait_for()
    page.get_by_label("Crime reference").fill("VC/78001/26")
    page.get_by_label("Offence").select_option(label="Burglary – residential (dwelling) (Burglary)")
    page.get_by_label("When did it happen?").fill(local(now - timedelta(days=1)))
    page.get_by_label("When was it reported?").fill(local(now - timedelta(hours=2)))
    page.get_by_label("Where did it happen?").fill("4 Privet Drive, Little Whinging")
    page.locator("#id_victims-0-first_name").fill("Grace")
    page.locator("#id_victims-0-last_name").fill("Adeyemi")
    page.locator("#id_victims-0-date_of_birth").fill("1990-07-21")
    page.locator("#id_victims-0-mobile_phone").fill("07700 900 111")
    page.locator("#id_victims-0-safe_phone").check()
    page.get_by_role("button", name="Record crime").click()
    page.get_by_role("heading", name="VC/78001/26").wait_for()
    ref = Referral.objects.get(crime__reference="VC/78001/26")
    assert ref.state == State.CREATED  # held a working day so the victim can decline first

    page.get_by_role("link", name="Complete needs assessment for Grace Adeyemi").click()
    page.get_by_role("heading", name="Victim needs assessment").wait_for()
    page.get_by_label("Practical needs").fill("A lock for the back door")
    page.get_by_label("Yes, refer me").check()
    assert_accessible(page, "needs assessment")
    page.get_by_role("button", name="Save needs assessment").click()
    page.get_by_role("heading", name="VC/78001/26").wait_for()
    ref.refresh_from_db()
    assert ref.state == State.SENT  # agreed: sent at once

    # --- the support service finds it, accepts it and reports the phone number wrong ---------------------
    ctx = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    sp = ctx.new_page()
    sp.set_default_timeout(15000)
    blocked: list[str] = []  # as the page fixture does: no Content Security Policy violation anywhere
    sp.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(sp, partner.email, "Referrals")
    assert sp.url.endswith("/partner/")
    assert "New (1)" in sp.locator(".vc-tabs").inner_text()
    row = sp.locator("tbody tr").first.inner_text()
    assert ref.reference in row and "Grace Adeyemi" in row and "Burglary" in row and "Sent" in row
    assert "Acknowledge by" in row
    assert_accessible(sp, "partner: new referrals")

    sp.get_by_role("link", name=f"{ref.reference} for Grace Adeyemi").click()
    sp.get_by_role("heading", name="Grace Adeyemi", exact=True).wait_for()
    assert "07700 900 111" in sp.content() and "A lock for the back door" in sp.content()
    assert "updated this victim's details" not in sp.content()  # new to the service, not an update
    assert_accessible(sp, "partner: referral")
    sp.get_by_role("button", name="Accept referral").click()
    sp.get_by_text("Referral accepted.").wait_for()
    assert_accessible(sp, "partner: referral accepted")
    ref.refresh_from_db()
    assert ref.state == State.ACCEPTED

    sp.get_by_role("link", name="Report wrong details").click()
    sp.get_by_role("heading", name="Report wrong details").wait_for()
    sp.get_by_role("button", name="Report wrong details").click()  # nothing chosen: the summary says so
    sp.locator(".govuk-error-summary").wait_for()
    assert "Say which details are wrong." in sp.locator(".govuk-error-summary").inner_text()
    assert_accessible(sp, "partner: report wrong details with errors")
    assert not DetailsReport.objects.exists()
    sp.get_by_label("Phone number").check()
    sp.get_by_label("What is wrong?").fill("The number is not in use")
    sp.get_by_role("button", name="Report wrong details").click()
    sp.get_by_text("Wrong details reported.").wait_for()
    assert "Waiting for the police" in sp.content()

    # --- the officer sees it in the inbox and corrects the number ---------------------------------------
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    inbox = page.locator("main").inner_text()
    assert "A support service says the victim's details are wrong" in inbox
    assert "Correct the victim's details for a support service" in inbox
    assert_accessible(page, "inbox")
    page.get_by_role("link", name="Correct the details").first.click()
    page.get_by_role("heading", name="Edit Grace Adeyemi's details").wait_for()
    assert_accessible(page, "edit victim")
    page.locator("#id_mobile_phone").fill("07700 900 222")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("heading", name="VC/78001/26").wait_for()

    # --- the service sees the correction --------------------------------------------------------------
    sp.reload()
    sp.get_by_role("heading", name="Grace Adeyemi", exact=True).wait_for()
    banner = sp.locator(".govuk-notification-banner").first.inner_text()
    assert "updated this victim's details" in banner
    content = sp.locator("main").inner_text()
    assert "07700 900 222" in content and "07700 900 111" not in content
    assert "Corrected" in content and "Waiting for the police" not in content
    assert DetailsReport.objects.get().resolved_at is not None
    assert_accessible(sp, "partner: corrected referral")

    sp.get_by_role("link", name="Referrals", exact=True).click()
    sp.get_by_role("link", name="Updated (1)").click()
    sp.get_by_text(ref.reference).wait_for()
    assert_accessible(sp, "partner: updated referrals")

    # --- its API keys and webhook pages --------------------------------------------------------------
    sp.get_by_role("link", name="API keys").click()
    sp.get_by_role("heading", name="API keys").wait_for()
    assert_accessible(sp, "partner: API keys")
    sp.get_by_label("Name of the key").fill("Case system")
    sp.get_by_role("button", name="Make key").click()
    sp.get_by_role("heading", name="Your new API key").wait_for()
    assert "/api/partner/referrals/" in sp.locator("pre").inner_text()
    assert_accessible(sp, "partner: new key")
    sp.get_by_role("link", name="Back to API keys").click()
    sp.get_by_role("link", name="Revoke key Case system").click()
    sp.get_by_role("heading", name="Revoke key “Case system”?").wait_for()
    assert_accessible(sp, "partner: revoke key")
    sp.get_by_role("button", name="Revoke key").click()
    sp.get_by_text("Key “Case system” revoked.").wait_for()
    sp.get_by_role("link", name="Webhook").click()
    sp.get_by_role("heading", name="Webhook").wait_for()
    sp.get_by_label("Webhook address").fill("http://example.org/hook")
    sp.get_by_role("button", name="Save address").click()
    sp.locator(".govuk-error-summary").wait_for()
    assert_accessible(sp, "partner: webhook with errors")
    sp.get_by_label("Webhook address").fill("https://example.org/hook")
    sp.get_by_role("button", name="Save address").click()
    sp.get_by_text("Webhook address saved.").wait_for()
    assert sp.locator("#signing-secret").inner_text().startswith("whsec_")
    assert_accessible(sp, "partner: webhook secret")
    ctx.close()
    assert not blocked, blocked
