"""Pages with scripts of their own (the care card's print button, the API docs, the Django admin) work
under the Content Security Policy: the page fixture fails the test on any violation Chromium reports."""

import pytest

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
    admin = UserFactory(
        email="admin.csp@test.police.uk", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )
    page.goto("/admin/login/")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    page.goto("/admin/accounts/user/")
    page.goto("/admin/contacts/ruleset/")
