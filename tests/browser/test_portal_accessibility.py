"""Every portal page, signed out and signed in, in English and in Welsh: axe-core finds no serious or
critical problems, and the pages work without JavaScript."""

import pytest

from cases.models import PropertyItem
from portal import services
from tests.browser.conftest import axe_violations
from tests.contacts.support import event
from tests.portal.conftest import PASSWORD, give_account, make_victim
from tests.portal.test_actions import tell_about_decisions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIGNED_OUT = ["/portal/", "/portal/reset/"]
SIGNED_IN = [
    "/portal/case/",
    "/portal/ask/",
    "/portal/statement/",
    "/portal/review/",
    "/portal/feedback/",
    "/portal/preferences/",
    "/portal/close-account/",
    "/portal/support/",
    "/portal/property/",
]


def check(page, url, where):
    page.goto(url)
    assert page.locator("h1").count() == 1, f"{where} {url}: one h1"
    assert page.locator(".govuk-exit-this-page").count() == 1, f"{where} {url}: quick exit"
    violations = axe_violations(page)
    assert violations == [], f"{where} {url}: {violations}"


def sign_in(page, cv):
    dob = cv.person.date_of_birth
    page.goto("/portal/")
    page.locator("#id_reference").fill(cv.crime.reference)
    page.locator("#dob-day").fill(str(dob.day))
    page.locator("#dob-month").fill(str(dob.month))
    page.locator("#dob-year").fill(str(dob.year))
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/portal/case/")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_portal_pages_are_accessible(page, officer, language):
    cv = make_victim(officer)
    give_account(cv)
    item = PropertyItem.objects.create(crime=cv.crime, crime_victim=cv, description="Blue bicycle")
    event(cv.crime, "RELEASED_NFA", officer)  # so the review page shows its form, once they are told
    tell_about_decisions(cv, officer)
    invited = make_victim(officer, first_name="Newly", last_name="Invited")
    services.invite(crime_victim=invited, by=officer)
    from messaging.models import Message
    from tests.portal.conftest import activation_link

    token = activation_link(list(Message.objects.filter(kind="account").values_list("body", flat=True)))

    page.goto("/portal/")
    if language == "cy":
        page.locator("button[lang=cy]").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "cy"
    for url in [*SIGNED_OUT, f"/portal/activate/{token}/", "/portal/activate/not-a-real-link/"]:
        check(page, url, f"signed out ({language})")
    # Error states are accessible too.
    page.goto("/portal/")
    page.locator("form button[type=submit]").last.click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert axe_violations(page) == []

    sign_in(page, cv)
    for url in [*SIGNED_IN, f"/portal/property/{item.pk}/"]:
        check(page, url, f"signed in ({language})")
    page.goto("/portal/ask/")
    page.locator("form button[type=submit]").last.click()
    assert page.locator(".govuk-error-summary").count() == 1
    assert axe_violations(page) == []
    assert page.locator("html").get_attribute("lang") == language


def test_portal_works_without_javascript(browser, live_server, officer):
    cv = make_victim(officer)
    give_account(cv)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, cv)
    page.goto("/portal/ask/")
    page.locator("#id_question").fill("Is there any news?")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/portal/case/")
    assert "Is there any news?" in page.content()
    page.locator("button[lang=cy]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    context.close()
