"""The satisfaction survey end to end in a real browser: the daily run invites the victims of a crime
reported three weeks ago; on a phone, one answers in English and one in Welsh (after the page's "Cymraeg"
switch), each first leaving out a required question and reading the error summary in their own language;
a victim whose contact language is Welsh gets the page in Welsh without choosing it; the page never shows
the case's reference, the officer's name or the victim's own name; the team's supervisor (with two-factor
sign-in) sees the answers counted on Dashboard > Satisfaction; the officer records a third victim's
answers given by phone and the case page says so. Every page on the way is axe-core clean, with and
without errors, and the victim's pages fit a phone screen without sideways scrolling.

Screenshots of the survey on the phone (English and Welsh) and of the results go to SURVEY_SHOTS
(default /tmp/survey_shots) for a person to look at."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services as case_services
from messaging.constants import MessageKind
from messaging.models import Message
from surveys import national, services
from surveys.models import Invitation, Response, SurveyPlan
from surveys.scoring import SCALE
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory, offence
from victimcare.accounts.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SURVEY_SHOTS", "/tmp/survey_shots"))
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-battery"
REFERENCE = "VC/77301/26"
LOCATION = "14 Chapel Row"
HEADLINE_CODES = [q[0] for q in national.QUESTIONS if q[5]]  # the five required (headline) questions
TEXT = {code: {"en": words[0], "cy": words[1]} for code, _k, _a, _s, words, _r, _c in national.QUESTIONS}
SCALE_WORDS = {v: {"en": en, "cy": cy} for v, en, cy in SCALE}
CHOICE_WORDS_EN = {c["en"] for q in national.QUESTIONS for c in q[6] if c.get("cy") != c["en"]}


def victim(first, last, born, email, **more):
    return case_services.VictimInput(
        person={
            "title": "Mx",
            "first_name": first,
            "last_name": last,
            "date_of_birth": born,
            "email": email,
            "safe_email": True,
            **more,
        }
    )


def secret_for(cv) -> str:
    """The link's secret, read from the queued survey message before it is sent (the outbox keeps the link
    only until then)."""
    msg = Message.objects.filter(kind=MessageKind.SURVEY, crime_victim=cv).latest("pk")
    found = re.search(r"/portal/survey/([^/\s]+)/", msg.body)
    assert found, msg.body
    return found.group(1)


def phone_page(browser, live_server, blocked: list[str]):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.on(
        "console",
        lambda msg: (
            blocked.append(f"{pg.url}: {msg.text}") if "Content Security Policy" in msg.text else None
        ),
    )
    return context, pg


def assert_fits_the_phone(pg, where: str) -> None:
    """Nothing wider than the screen: no sideways scrolling on a 390-pixel-wide phone."""
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width}px wide on a {PHONE['width']}px screen"
    wide = pg.evaluate(
        """w => [...document.querySelectorAll('main *')]
             .filter(e => e.getBoundingClientRect().right > w + 1)
             .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className)
             .slice(0, 5)""",
        PHONE["width"],
    )
    assert wide == [], f"{where}: wider than the screen: {wide}"


def assert_summary_links_lead_somewhere(pg) -> None:
    for a in pg.locator(".govuk-error-summary a").all():
        target = a.get_attribute("href")
        assert target.startswith("#id_") and pg.locator(target).count() == 1, target


def assert_accessible(pg, where: str) -> None:
    found = axe_violations(pg)
    assert found == [], f"{where}: {found}"


def assert_tells_nothing_about_the_case(pg, where: str, *secrets: str) -> None:
    text = pg.locator("body").inner_text()
    html = pg.content()
    for detail in secrets:
        assert detail not in text and detail not in html, f"{where} shows {detail!r}"


def answer(pg, code: str, value: int, language: str) -> None:
    group = pg.get_by_role("group", name=TEXT[code][language])
    group.get_by_label(SCALE_WORDS[value][language], exact=True).check()


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / name), full_page=True)


def sign_in(pg, user, then_heading: str) -> None:
    """The real sign-in page, then the two-factor step when the person has an authenticator app (its
    current code worked out as the app would)."""
    pg.goto("/accounts/login/")
    pg.get_by_label("Email address").fill(user.email)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_load_state()
    if "/account/two-factor/verify/" in pg.url:
        pg.get_by_role("heading", name="Enter your two-factor code").wait_for()
        assert_accessible(pg, "two-factor step")
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        pg.get_by_label("Code").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
        pg.get_by_role("button", name="Continue").click()
    pg.get_by_role("heading", name=then_heading).wait_for()


@pytest.fixture
def invited(settings):
    """A crime reported three weeks ago (the plan "after the report" waits two) with three victims over 16
    with a safe email: two write English, one Welsh. Every eligible victim is asked."""
    settings.VC_SUPPRESS_BELOW = 1  # two answers: let the figures show
    settings.TWO_FACTOR_REQUIRED_ROLES = ("supervisor",)
    SurveyPlan.objects.update(rate_percent=100)
    team = TeamFactory(name="Response Teal")
    officer = UserFactory(
        email="pc.teal@test.police.uk", team=team, role=Role.OFFICER, first_name="Morgan", last_name="Price"
    )
    supervisor = UserFactory(
        email="ps.teal@test.police.uk", team=team, role=Role.SUPERVISOR, first_name="Sam", last_name="Hale"
    )
    team.supervisors.add(supervisor)
    TOTPDevice.objects.create(user=supervisor, name="Authenticator app", confirmed=True)
    then = timezone.now() - timedelta(days=21)
    crime = case_services.case_record(
        by=officer,
        reference=REFERENCE,
        offence=offence("28E"),
        occurred_at=then - timedelta(hours=3),
        reported_at=then,
        location=LOCATION,
        team=team,
        oic=officer,
        victims=[
            victim("Aisha", "Khan", date(1988, 5, 17), "aisha.khan@example.com"),
            victim("Bryn", "Lloyd", date(1971, 2, 3), "bryn.lloyd@example.com"),
            victim("Carys", "Evans", date(2008, 1, 10), "carys.evans@example.com", first_language="Welsh"),
        ],
        now=then,
    )
    run = services.invitations_send(now=timezone.now())
    assert run.invited == 3, run
    cvs = {cv.person.first_name: cv for cv in crime.victims.select_related("person")}
    assert Invitation.objects.get(crime_victim=cvs["Carys"]).language == "cy"
    return {
        "crime": crime,
        "officer": officer,
        "supervisor": supervisor,
        "cvs": cvs,
        "links": {name: f"/portal/survey/{secret_for(cv)}/" for name, cv in cvs.items()},
    }


def test_victims_answer_on_a_phone_and_staff_see_and_record_answers(browser, live_server, invited, page):
    crime, officer = invited["crime"], invited["officer"]
    links, cvs = invited["links"], invited["cvs"]
    never_shown = [crime.reference, officer.first_name, officer.last_name, LOCATION]
    blocked: list[str] = []

    # --- 1. English, on a phone: a headline question left out, then answered -------------------------
    ctx, pg = phone_page(browser, live_server, blocked)
    pg.goto(links["Aisha"])
    pg.get_by_role("heading", name="Tell us about the service you received").wait_for()
    assert pg.locator("html").get_attribute("lang") == "en"
    assert_accessible(pg, "survey (English)")
    assert_fits_the_phone(pg, "survey (English)")
    assert_tells_nothing_about_the_case(pg, "survey (English)", *never_shown, "Aisha", "Khan")
    shot(pg, "survey-en-phone.png")

    answers = {"ease_of_contact": 6, "actions": 5, "treatment": 7, "whole_experience": 6}
    for code, value in answers.items():  # kept_informed (the third headline question) left out
        answer(pg, code, value, "en")
    pg.get_by_role("group", name=TEXT["further_contact"]["en"]).get_by_label("Once", exact=True).check()
    pg.get_by_role("button", name="Send my answers").click()
    summary = pg.locator(".govuk-error-summary")
    summary.wait_for()
    assert pg.title().startswith("Error:")
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    # GOV.UK Frontend moves the focus to the summary, so a screen reader reads it first.
    pg.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    link = summary.get_by_role(
        "link", name="Choose how satisfied you are with how well you were kept informed"
    )
    assert link.get_attribute("href") == "#id_kept_informed"
    assert pg.locator("#id_kept_informed").count() == 1  # the link leads to the question
    assert "govuk-form-group--error" in pg.locator("#id_kept_informed-error").locator(
        "xpath=../.."
    ).get_attribute("class")
    # What they had chosen is still chosen.
    group = pg.get_by_role("group", name=TEXT["ease_of_contact"]["en"])
    assert group.get_by_label(SCALE_WORDS[6]["en"], exact=True).is_checked()
    assert_accessible(pg, "survey with errors (English)")
    assert_fits_the_phone(pg, "survey with errors (English)")
    shot(pg, "survey-en-phone-errors.png")
    assert Response.objects.count() == 0

    link.click()
    answer(pg, "kept_informed", 3, "en")
    pg.get_by_label("Is there anything else you would like to tell us?").fill("The call handler was kind.")
    pg.get_by_role("button", name="Send my answers").click()
    pg.get_by_role("heading", name="Thank you for your answers").wait_for()
    assert_accessible(pg, "thank-you page (English)")
    assert_fits_the_phone(pg, "thank-you page (English)")
    assert_tells_nothing_about_the_case(pg, "thank-you page (English)", *never_shown, "Aisha", "Khan")
    shot(pg, "survey-en-phone-thanks.png")
    resp = Response.objects.get(crime_victim=cvs["Aisha"])
    assert (resp.source, resp.language, resp.kept_informed, resp.whole_experience) == ("online", "en", 3, 6)
    ctx.close()

    # --- 2. Welsh by the page's own switch, on a phone ------------------------------------------------
    ctx, pg = phone_page(browser, live_server, blocked)
    pg.goto(links["Bryn"])
    pg.get_by_role("heading", name="Tell us about the service you received").wait_for()
    pg.get_by_role("button", name="Cymraeg").click()
    pg.get_by_role("heading", name="Dywedwch wrthym am y gwasanaeth a gawsoch").wait_for()
    assert pg.url.endswith(links["Bryn"])  # back on the survey, not the portal's front page
    assert pg.locator("html").get_attribute("lang") == "cy"
    assert_welsh_throughout(pg, "survey (Welsh)")
    assert_accessible(pg, "survey (Welsh)")
    assert_fits_the_phone(pg, "survey (Welsh)")
    assert_tells_nothing_about_the_case(pg, "survey (Welsh)", *never_shown, "Bryn", "Lloyd")
    shot(pg, "survey-cy-phone.png")

    for code in HEADLINE_CODES[1:]:  # the first question left out
        answer(pg, code, 5, "cy")
    pg.get_by_role("button", name="Anfon fy atebion").click()
    summary = pg.locator(".govuk-error-summary")
    summary.wait_for()
    assert pg.title().startswith("Gwall:")
    assert summary.get_by_role("heading").inner_text() == "Mae problem wedi codi"
    error = summary.get_by_role("link").inner_text()
    assert error.startswith("Dewiswch pa mor fodlon ydych chi"), error
    assert_welsh_throughout(pg, "survey with errors (Welsh)")
    assert_accessible(pg, "survey with errors (Welsh)")
    assert_fits_the_phone(pg, "survey with errors (Welsh)")
    shot(pg, "survey-cy-phone-errors.png")

    answer(pg, "ease_of_contact", 2, "cy")
    pg.get_by_role("button", name="Anfon fy atebion").click()
    pg.get_by_role("heading", name="Diolch am eich atebion").wait_for()
    assert pg.locator("html").get_attribute("lang") == "cy"
    assert_welsh_throughout(pg, "thank-you page (Welsh)")
    assert_accessible(pg, "thank-you page (Welsh)")
    assert_fits_the_phone(pg, "thank-you page (Welsh)")
    assert_tells_nothing_about_the_case(pg, "thank-you page (Welsh)", *never_shown, "Bryn", "Lloyd")
    shot(pg, "survey-cy-phone-thanks.png")
    resp = Response.objects.get(crime_victim=cvs["Bryn"])
    assert (resp.ease_of_contact, resp.whole_experience) == (2, 5)
    ctx.close()

    # --- 3. Welsh from the invitation: their contact language, no choice made on this phone ----------
    ctx, pg = phone_page(browser, live_server, blocked)
    pg.goto(links["Carys"])
    pg.get_by_role("heading", name="Dywedwch wrthym am y gwasanaeth a gawsoch").wait_for()
    assert pg.locator("html").get_attribute("lang") == "cy"
    assert_welsh_throughout(pg, "survey (Welsh invitation)")
    ctx.close()
    assert not blocked, blocked

    # --- 4. The supervisor sees the answers counted --------------------------------------------------
    sign_in(page, invited["supervisor"], "My work")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Compliance", exact=True).wait_for()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Satisfaction").click()
    page.get_by_role("heading", name="Satisfaction", exact=True).wait_for()
    assert page.url.split("?")[0].endswith("/dashboard/satisfaction/")
    text = page.locator("main").inner_text()
    assert "(2 answers in the period" in text, text[:800]
    # Both were satisfied with the whole experience (6 and 5), one of two with being kept informed (3, 5).
    assert "100% of victims who answered were satisfied with the whole experience" in text
    areas = page.locator("#table-satisfaction-areas")
    row = areas.locator("tr", has=page.get_by_role("rowheader", name="Kept informed of progress"))
    assert row.count() == 1 and "50%" in row.inner_text(), areas.inner_text()
    assert "Response Teal" in text or "Morgan Price" in text  # the level below the supervisor
    for name in ("Aisha", "Khan", "Bryn", "Lloyd", "The call handler was kind"):
        assert name not in text
    assert_accessible(page, "satisfaction results")
    shot(page, "satisfaction-results.png")

    # --- 5. The officer records answers given by phone ----------------------------------------------
    page.context.clear_cookies()
    sign_in(page, officer, "My work")
    page.goto(crime.get_absolute_url())
    carys = cvs["Carys"]
    row = page.locator(f"#survey-{carys.pk}")
    assert "not yet answered" in row.inner_text()
    assert "Answered on" in page.locator(f"#survey-{cvs['Aisha'].pk}").inner_text()
    row.get_by_role("link", name="Record answers").click()
    page.get_by_role("heading", name="Record survey answers").wait_for()
    assert_accessible(page, "staff entry")
    # Nothing chosen: told to say how the answers were given.
    page.get_by_role("button", name="Save the answers").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Choose how the answers were given" in summary.inner_text()
    assert_summary_links_lead_somewhere(page)
    assert_accessible(page, "staff entry with errors (no source)")
    # By phone, with the first headline question left out: told which.
    page.get_by_role("group", name="How were the answers given?").get_by_label("By phone").check()
    for code in HEADLINE_CODES[1:]:
        answer(page, code, 4, "en")
    page.get_by_role("button", name="Save the answers").click()
    summary.get_by_role(
        "link", name="Choose how satisfied you are with how easy it was to contact us"
    ).wait_for()
    assert page.get_by_role("group", name="How were the answers given?").get_by_label("By phone").is_checked()
    assert_summary_links_lead_somewhere(page)
    assert_accessible(page, "staff entry with errors (a question left out)")
    assert Response.objects.filter(crime_victim=carys).count() == 0

    answer(page, "ease_of_contact", 4, "en")
    page.get_by_label("What did the victim ask to be passed on?").fill("Would like a call about property.")
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_text("The survey answers from Carys Evans have been saved.").wait_for()
    status = page.locator(f"#survey-{carys.pk}").inner_text()
    today = f"{timezone.localdate():%-d %B %Y}"
    assert f"Answered on {today} (by phone)" in status, status
    assert Response.objects.get(crime_victim=carys).source == "phone"


WELSH_PAGE_ENGLISH = [
    "Tell us about the service you received",
    "Send my answers",
    "Anything else",
    "Would you rather not be asked?",
    "Do not send me surveys",
    "There is a problem",
    "(optional)",
    "Exit this page",
    "Thank you for your answers",
    "How satisfied are you?",
    "Choose how satisfied",
    *(w["en"] for w in SCALE_WORDS.values()),
]


def assert_welsh_throughout(pg, where: str) -> None:
    """None of the survey's English words on a Welsh page: its headings, buttons, questions and answers
    (the switch back to English aside, which is rightly in English)."""
    text = pg.locator("body").inner_text()
    english = [*WELSH_PAGE_ENGLISH, *(t["en"] for t in TEXT.values()), *CHOICE_WORDS_EN]
    found = [e for e in english if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text)]
    assert found == [], f"{where}: English on the Welsh page: {found}"
