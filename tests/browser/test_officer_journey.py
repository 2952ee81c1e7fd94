"""An officer signs in, records a crime with a victim, records an arrest and finds the case again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Crime
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def assert_accessible(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def test_officer_records_crime_arrest_and_finds_it(page):
    officer = UserFactory(
        email="pc.browser@test.police.uk",
        team=TeamFactory(name="Response A"),
        first_name="Pat",
        last_name="Browne",
    )
    now = timezone.now()

    page.goto("/")
    assert page.title().startswith("Sign in")
    assert_accessible(page, "sign in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()
    assert_accessible(page, "my work")

    page.get_by_role("link", name="Record a crime").click()
    page.get_by_role("heading", name="Record a crime").wait_for()
    assert_accessible(page, "record a crime")
    # First try with a mistake: the error summary names it and nothing is saved.
    page.get_by_label("Crime reference").fill("VC/77001/26")
    page.get_by_label("Offence").select_option(label="Burglary – residential (dwelling) (Burglary)")
    page.get_by_label("When did it happen?").fill(local(now - timedelta(days=1)))
    page.get_by_label("When was it reported?").fill(local(now - timedelta(days=2)))
    page.get_by_label("Where did it happen?").fill("4 Privet Drive, Little Whinging")
    page.locator("#id_victims-0-first_name").fill("Grace")
    page.locator("#id_victims-0-last_name").fill("Adeyemi")
    page.locator("#id_victims-0-date_of_birth").fill("1990-07-21")
    page.locator("#id_victims-0-email").fill("grace.adeyemi@example.com")
    page.locator("#id_victims-0-safe_email").check()
    page.get_by_role("button", name="Record crime").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "cannot be reported before it happened" in summary.inner_text()
    assert Crime.objects.count() == 0
    assert_accessible(page, "record a crime with errors")

    page.get_by_label("When was it reported?").fill(local(now - timedelta(hours=2)))
    page.get_by_role("button", name="Record crime").click()
    page.get_by_role("heading", name="VC/77001/26").wait_for()
    assert "Crime VC/77001/26 recorded." in page.locator(".govuk-notification-banner").inner_text()
    assert "Grace Adeyemi" in page.content()
    assert_accessible(page, "case page")

    page.get_by_role("link", name="Record an event").click()
    page.get_by_role("link", name="Suspect arrested").click()
    page.get_by_label("When did it happen?").fill(local(now - timedelta(hours=1)))
    page.get_by_label("Suspect (name or description)").fill("Male, 30s")
    assert_accessible(page, "record arrest")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Suspect arrested recorded.").wait_for()
    assert "Under investigation" in page.locator(".vc-flags").inner_text()
    timeline = page.locator(".vc-timeline").inner_text()
    assert "Suspect arrested" in timeline and "Suspect (name or description): Male, 30s" in timeline

    page.get_by_role("link", name="Team cases").click()
    page.get_by_label("Crime reference or victim name").fill("VC/77001/26")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="VC/77001/26").click()
    page.get_by_role("heading", name="VC/77001/26").wait_for()

    page.get_by_role("link", name="My cases").click()
    page.get_by_label("Crime reference or victim name").fill("adeyemi")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="VC/77001/26").wait_for()
    crime = Crime.objects.get(reference="VC/77001/26")
    assert crime.oic == officer and crime.status == "under_investigation"
    assert list(crime.events.order_by("id").values_list("code", flat=True)) == [
        "RECORDED",
        "ALLOCATED",
        "ARREST",
    ]
