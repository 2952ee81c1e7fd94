"""Pages with scripts of their own (the care card's print button, the API docs, the Django admin) work
under the Content Security Policy: the page fixture fails the test on any violation Chromium reports."""

import base64

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import axe_violations
from tests.contacts.support import record, victims
from tests.factories import TeamFactory, UserFactory
from victimcare.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()


def test_scripted_pages_run_under_the_policy(page):
    officer = UserFactory(email="pc.csp@test.police.uk", team=TeamFactory(name="Response C"))
    cv = victims(record(officer))[0]
    sign_in(page, officer)
    page.get_by_role("heading", name="My work").wait_for()
    response = page.goto(f"/cases/{cv.crime.slug}/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    page.goto(f"/cases/{cv.crime.slug}/victims/{cv.id}/care-card/")
    page.evaluate("window.print = () => { window.printed = true }")
    page.get_by_role("button", name="Print this card").click()
    assert page.evaluate("window.printed") is True
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for()  # Swagger UI started from its own script file


def test_the_admin_runs_under_the_policy(page):
    """The admin's sign-in, then its two-factor step (an administrator has an app set up), then the admin."""
    admin = UserFactory(
        email="admin.csp@test.police.uk", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )
    device = TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Enter your two-factor code").wait_for()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    page.goto("/admin/accounts/user/")
    page.goto("/admin/contacts/ruleset/")


def test_an_administrator_sets_up_two_factor_sign_in(page):
    """First sign-in of an administrator with no app: the set-up page (an inline SVG QR code, allowed by the
    policy), the first code, then the recovery codes once; axe-clean throughout."""
    admin = UserFactory(
        email="admin.new@test.police.uk", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )
    sign_in(page, admin)
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.locator("figure.vc-qr svg").count() == 1
    assert axe_violations(page) == []
    key = page.locator("#setup-key").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert base64.b32encode(device.bin_key).decode().rstrip("=") == key
    page.get_by_label("Code from the app").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    assert page.locator(".vc-recovery-codes li").count() == 10
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.goto("/admin/")
    page.get_by_role("heading", name="Site administration").wait_for()


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
