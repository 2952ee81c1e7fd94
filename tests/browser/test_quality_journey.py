"""The quality of victim care end to end in a real browser (issue 12, second half). A supervisor (with
two-factor sign-in) opens Quality, draws this month's call-backs for their team (only recent victims of 16
or over with a phone marked safe are drawn), calls one with the safe times and the script on screen,
first saving nothing and reading the error summary, then records the victim's answers and praise for the
officer. The supervisor draws last month's dip sample, checks a case against the checklist (first with a
check left out), finds two checks not met, and because the result is poor checks the officer's next three
cases: the next case allocated to the officer joins that sample. The officer sees the panel on My work
and reads the praise and the findings without the victim's name. A victim tells us about a problem
through the portal in Welsh; the supervisor records what came of it. The dashboards' Quality checks and
the self-assessment pages (list, new, one assessment with its chart) are read too. Every page on the way
is axe-core clean, with and without errors."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import services as case_services
from portal.models import PortalAccount
from surveys import assessment_services
from surveys.assessment_models import AssessmentIndicator, SelfAssessment
from surveys.constants import CallBackState, SampleCaseState, SampleKind
from surveys.models import CallBack, DipSample, DipSampleCase, Response
from tests.browser.test_survey_journey import (
    HEADLINE_CODES,
    answer,
    assert_accessible,
    assert_summary_links_lead_somewhere,
    sign_in,
)
from tests.factories import TeamFactory, UserFactory, offence
from tests.portal.conftest import PASSWORD as PORTAL_PASSWORD
from tests.portal.conftest import give_account
from victimcare.accounts.constants import Role
from victimcare.calendar import add_months, london_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAFE_TIMES = "Weekdays after 6pm"
PRAISE = "Please thank the officer"
NOTE = "The updates were late twice; agree a day for each update with the victim."
CONCERN = "Dydw i ddim wedi clywed dim byd ers pythefnos."  # "I have heard nothing for a fortnight."


def person(first, last, born, **more):
    return {"title": "Mx", "first_name": first, "last_name": last, "date_of_birth": born, **more}


def record(officer, team, reference, people, at):
    """A crime reported and recorded at `at`, allocated to the officer."""
    return case_services.case_record(
        by=officer,
        reference=reference,
        offence=offence("28E"),
        occurred_at=at - timedelta(hours=2),
        reported_at=at,
        location="3 Heol y Dwr",
        team=team,
        oic=officer,
        victims=[case_services.VictimInput(person=p) for p in people],
        now=at,
    )


def error_summary(pg):
    summary = pg.locator(".govuk-error-summary")
    summary.wait_for()
    assert pg.title().startswith("Error:"), pg.title()
    assert summary.get_by_role("heading").inner_text() == "There is a problem"
    # GOV.UK Frontend moves the focus to the summary, so a screen reader reads it first.
    pg.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert_summary_links_lead_somewhere(pg)
    return summary


def check(pg, label: str, value: str) -> None:
    pg.get_by_role("group", name=label, exact=True).get_by_label(value, exact=True).check()


def staff_page(browser, live_server, blocked: list[str]):
    """Another person's browser (each signs in once: a two-factor code is good for one sign-in)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.on(
        "console",
        lambda msg: (
            blocked.append(f"{pg.url}: {msg.text}") if "Content Security Policy" in msg.text else None
        ),
    )
    return context, pg


@pytest.fixture
def team_cases(settings):
    """A team with one officer and their supervisor (two-factor); cases recorded in the middle of last month
    (within the 60 days call-backs draw from): two victims with a phone marked safe, one whose phone is not
    safe, one under 16; and a case of this month whose victim has a portal account."""
    settings.TWO_FACTOR_REQUIRED_ROLES = ("supervisor",)
    settings.DIP_SAMPLE_SIZE = 20
    team = TeamFactory(name="Response Gwyrdd")
    officer = UserFactory(
        email="pc.gwyrdd@test.police.uk", team=team, role=Role.OFFICER, first_name="Rhys", last_name="Jenkins"
    )
    supervisor = UserFactory(
        email="ps.gwyrdd@test.police.uk", team=team, role=Role.SUPERVISOR, first_name="Nia", last_name="Rowe"
    )
    team.supervisors.add(supervisor)
    TOTPDevice.objects.create(user=supervisor, name="Authenticator app", confirmed=True)
    analyst = UserFactory(
        email="analyst@test.police.uk", team=None, role=Role.ANALYST, first_name="Ada", last_name="Lyle"
    )
    now = timezone.now()
    last_month = add_months(london_month(now), -1)
    at = timezone.make_aware(
        datetime(last_month.year, last_month.month, 11, 10, 0), timezone.get_default_timezone()
    )
    assert timedelta(0) < now - at < timedelta(days=60)
    phone = {"mobile_phone": "07700900123", "safe_phone": True}
    crimes = {
        "Dafydd": record(
            officer,
            team,
            "VC/61001/26",
            [person("Dafydd", "Morgan", date(1980, 3, 4), preferred_contact_times=SAFE_TIMES, **phone)],
            at,
        ),
        "Elin": record(
            officer, team, "VC/61002/26", [person("Elin", "Hughes", date(1990, 7, 8), **phone)], at
        ),
        "Ffion": record(
            officer,
            team,
            "VC/61003/26",
            [person("Ffion", "Pryce", date(1975, 1, 2), mobile_phone="07700900124", safe_phone=False)],
            at,
        ),
        "Gethin": record(
            officer,
            team,
            "VC/61004/26",
            [person("Gethin", "Owen", date(now.year - 14, 1, 1), **phone)],
            at,
        ),
    }
    portal_crime = record(
        officer,
        team,
        "VC/61005/26",
        [person("Heledd", "Rees", date(1985, 9, 12), email="heledd@example.com", safe_email=True)],
        now - timedelta(days=3),
    )
    portal_cv = portal_crime.victims.get()
    give_account(portal_cv)
    assert PortalAccount.objects.filter(person=portal_cv.person).exists()
    return {
        "team": team,
        "officer": officer,
        "supervisor": supervisor,
        "analyst": analyst,
        "crimes": crimes,
        "portal_cv": portal_cv,
        "last_month": last_month,
    }


def test_call_backs_dip_samples_feedback_and_concerns(browser, live_server, page, team_cases):
    officer, supervisor = team_cases["officer"], team_cases["supervisor"]
    crimes = team_cases["crimes"]
    blocked: list[str] = []  # Content Security Policy violations on the other people's pages

    # --- 1. Quality call-backs -----------------------------------------------------------------------
    sign_in(page, supervisor, "My work")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Quality").click()
    page.get_by_role("heading", name="Quality of victim care", exact=True).wait_for()
    assert page.url.endswith("/surveys/")
    assert_accessible(page, "quality hub")
    page.get_by_role("link", name="Quality call-backs").click()
    page.get_by_role("heading", name=re.compile(r"^Quality call-backs, ")).wait_for()
    assert "Nobody has been drawn for Response Gwyrdd this month." in page.locator("main").inner_text()
    assert_accessible(page, "call-backs list (nobody drawn)")
    page.get_by_role("button", name="Draw this month's call-backs for Response Gwyrdd").click()
    page.get_by_text("2 victims drawn for call-backs in Response Gwyrdd").wait_for()
    table = page.get_by_role("table", name="Call-backs for Response Gwyrdd")
    text = table.inner_text()
    # Both victims with a safe phone; never the one whose phone is not safe, nor the 14-year-old.
    assert "Dafydd Morgan" in text and "Elin Hughes" in text, text
    assert "Ffion" not in text and "Gethin" not in text, text
    assert_accessible(page, "call-backs list")

    table.get_by_role("link", name="Call Dafydd Morgan").click()
    page.get_by_role("heading", name="Call Dafydd Morgan").wait_for()
    main = page.locator("main").inner_text()
    assert SAFE_TIMES in main and "07700900123" in main, main
    script = page.locator(".govuk-inset-text", has=page.get_by_role("heading", name="What to say"))
    assert "I'm calling to ask how we did" in script.inner_text()
    assert_accessible(page, "call page")

    page.get_by_role("button", name="Record the call").click()
    summary = error_summary(page)
    link = summary.get_by_role("link", name="Choose how the call went")
    assert link.get_attribute("href") == "#id_outcome"
    assert_accessible(page, "call page with errors")
    assert CallBack.objects.get(crime_victim__person__first_name="Dafydd").state == CallBackState.QUEUED

    page.get_by_role("group", name="How did the call go?").get_by_label("Spoke to the victim").check()
    for code in HEADLINE_CODES:
        answer(page, code, 6, "en")
    page.get_by_label("What did the victim ask to be passed on?").fill(PRAISE)
    page.get_by_role("group", name="Is it praise or a concern?").get_by_label("Praise").check()
    page.get_by_role("button", name="Record the call").click()
    page.get_by_text("The call-back to Dafydd Morgan has been recorded.").wait_for()
    row = page.get_by_role("row", name=re.compile("Dafydd Morgan"))
    assert "Called: answers recorded" in row.inner_text(), row.inner_text()
    response = Response.objects.get(crime_victim__person__first_name="Dafydd")
    assert (response.source, response.passed_on, response.passed_on_kind) == ("callback", PRAISE, "praise")

    # --- 2. Dip sampling ---------------------------------------------------------------------------
    page.get_by_role("link", name="Back to quality of victim care").click()
    page.get_by_role("link", name="Dip sampling").click()
    page.get_by_role("heading", name="Dip sampling", exact=True).wait_for()
    assert_accessible(page, "dip samples list")
    page.get_by_label("Team").select_option(value=str(team_cases["team"].pk))
    page.get_by_label("Cases recorded in").select_option(label=f"{team_cases['last_month']:%B %Y}")
    page.get_by_role("button", name="Draw a sample now").click()
    month_words = f"{team_cases['last_month']:%B %Y}"
    page.get_by_role("heading", name=f"Dip sample, {month_words}").wait_for()
    page.get_by_text("4 cases drawn for Response Gwyrdd").wait_for()
    assert "VC/61005/26" not in page.locator("main").inner_text()  # recorded this month
    assert_accessible(page, "dip sample")

    reference = crimes["Elin"].reference
    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=f"Check {reference}").wait_for()
    assert_accessible(page, "sampled case")
    answers = {
        "Needs assessment complete": "Yes",
        "Enhanced eligibility right": "Does not apply",
        "Contact plan agreed": "Yes",
        "Contact plan followed": "No",
        "Updates on time": "No",
        "Updates of good quality": "Yes",
        "Written acknowledgement sent": "Yes",
        "Referral to support made": "Yes",
        "Victim Personal Statement offered": "Yes",
        "Closure handled sensitively": "Does not apply",
    }
    for label, value in list(answers.items())[:-1]:  # the last check left out
        check(page, label, value)
    page.get_by_role("button", name="Save findings").click()
    summary = error_summary(page)
    summary.get_by_role("link", name="Say whether this check was met: Closure handled sensitively").wait_for()
    assert page.get_by_role("group", name="Updates on time").get_by_label("No", exact=True).is_checked()
    assert_accessible(page, "sampled case with errors")
    assert DipSampleCase.objects.get(crime=crimes["Elin"]).state == SampleCaseState.TO_REVIEW

    check(page, "Closure handled sensitively", "Does not apply")
    page.get_by_label("Your note to the officer").fill(NOTE)
    page.get_by_role("button", name="Save findings").click()
    page.get_by_text(f"Your findings on {reference} have been saved and shown to the officer.").wait_for()
    sample = DipSample.objects.get(kind=SampleKind.MONTHLY, team=team_cases["team"])
    page.goto(f"/surveys/dip-samples/{sample.pk}/")
    row = page.locator("tr", has=page.get_by_role("link", name=reference))
    assert "6 of 8 checks met" in row.inner_text(), row.inner_text()

    # 6 of 8 is below 8 in 10: a poor result, so the officer's next cases are checked.
    page.get_by_role("link", name=reference).click()
    page.get_by_text("Fewer than 8 in 10 of the checks that apply were met.").wait_for()
    assert_accessible(page, "sampled case, reviewed and poor")
    page.get_by_role("button", name=re.compile(r"^Check Rhys Jenkins.*'s next three cases$")).click()
    page.get_by_text(
        re.compile(r"Rhys Jenkins.*'s next 3 cases will be sampled as they are allocated")
    ).wait_for()
    page.get_by_text(re.compile(r"Rhys Jenkins.*'s next cases are already being checked")).wait_for()

    new_crime = record(
        officer,
        team_cases["team"],
        "VC/61006/26",
        [person("Iwan", "Bowen", date(1969, 4, 1))],
        timezone.now(),
    )
    target = DipSample.objects.get(kind=SampleKind.TARGETED, officer=officer)
    assert list(target.cases.values_list("crime_id", flat=True)) == [new_crime.pk]
    page.goto("/surveys/dip-samples/")
    page.get_by_role("link", name=re.compile(r"^Rhys Jenkins.*'s next cases")).click()
    page.get_by_role("heading", name=re.compile(r"^Rhys Jenkins.*'s next cases$")).wait_for()
    main = page.locator("main").inner_text()
    assert "VC/61006/26" in main and "1 of 3 cases so far" in main, main
    assert_accessible(page, "targeted sample")

    # --- 3. The officer reads the feedback ---------------------------------------------------------
    officer_context, op = staff_page(browser, live_server, blocked)
    sign_in(op, officer, "My work")
    panel = op.get_by_text(re.compile(r"^In the last 30 days: "))
    words = panel.inner_text()
    assert "1 piece of feedback from victims" in words and "1 dip-sample finding" in words, words
    op.get_by_role("link", name="Read your feedback").click()
    op.get_by_role("heading", name="Feedback from victims", exact=True).wait_for()
    main = op.locator("main").inner_text()
    assert PRAISE in main and "Praise" in main, main
    finding = op.locator(".govuk-summary-card", has=op.get_by_role("heading", name=f"{reference}: "))
    found = finding.inner_text()
    assert "6 of 8 checks met" in found and NOTE in found, found
    assert "Contact plan followed" in found and "Updates on time" in found, found
    assert "Needs assessment complete" not in found, found  # met: not listed
    for name in ("Dafydd", "Morgan", "Elin", "Hughes"):
        assert name not in op.locator("body").inner_text() and name not in op.content(), name
    assert_accessible(op, "officer's feedback")
    officer_context.close()

    # --- 4. A concern from a victim, in Welsh, through the portal ----------------------------------
    cv = team_cases["portal_cv"]
    context, victim = staff_page(browser, live_server, blocked)
    victim.goto("/portal/")
    victim.locator("button[lang=cy]").click()
    victim.wait_for_load_state()
    dob = cv.person.date_of_birth
    victim.locator("#id_reference").fill(cv.crime.reference)
    victim.locator("#dob-day").fill(str(dob.day))
    victim.locator("#dob-month").fill(str(dob.month))
    victim.locator("#dob-year").fill(str(dob.year))
    victim.locator("#id_password").fill(PORTAL_PASSWORD)
    victim.locator("form button[type=submit]").last.click()
    victim.wait_for_url("**/portal/case/")
    victim.goto("/portal/problem/")
    victim.get_by_role("heading", name="Dywedwch wrthym am broblem").wait_for()
    assert victim.locator("html").get_attribute("lang") == "cy"
    body = victim.locator("main").inner_text()
    for english in ("Tell us about a problem", "If you are in danger now", "Back to your case"):
        assert english not in body, english
    assert_accessible(victim, "portal problem page (Welsh)")
    victim.locator("#id_concern").fill(CONCERN)
    victim.get_by_role("button", name="Anfon").click()
    victim.wait_for_url("**/portal/case/")
    context.close()

    # --- 5. The supervisor records what came of it --------------------------------------------------
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Quality").click()
    page.get_by_role("link", name="Concerns from victims").click()
    page.get_by_role("heading", name="Concerns from victims", exact=True).wait_for()
    card = page.locator(".govuk-summary-card", has_text=CONCERN)
    assert "Not recorded yet" in card.inner_text()
    assert_accessible(page, "concerns")
    card.get_by_label("Apology given").check()
    card.get_by_role("button", name="Record the outcome").click()
    page.get_by_text(f"The outcome of the concern on {cv.crime.reference} has been recorded.").wait_for()
    card = page.locator(".govuk-summary-card", has_text=CONCERN)
    assert "Apology given" in card.inner_text() and "Recorded by Nia Rowe" in card.inner_text()
    assert_accessible(page, "concerns, outcome recorded")

    # --- 6. Dashboard > Quality checks --------------------------------------------------------------
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboards").get_by_role("link", name="Quality checks").click()
    page.get_by_role("heading", name="Quality checks", exact=True).wait_for()
    assert "1 sampled case reviewed" in page.locator("main").inner_text()
    assert_accessible(page, "quality checks dashboard")

    # --- 7. Self-assessment, as an analyst ----------------------------------------------------------
    analyst_context, ap = staff_page(browser, live_server, blocked)
    analyst = team_cases["analyst"]
    sign_in(ap, analyst, "Compliance")
    ap.goto("/self-assessment/")
    ap.get_by_role("heading", level=1).wait_for()
    assert_accessible(ap, "self-assessment list")
    ap.goto("/self-assessment/new/")
    ap.get_by_role("heading", level=1).wait_for()
    assert_accessible(ap, "new self-assessment")
    ap.get_by_role("button", name="Save the self-assessment").click()
    error_summary(ap)
    assert_accessible(ap, "new self-assessment with errors")
    indicators = list(AssessmentIndicator.objects.order_by("pk"))
    assessment = assessment_services.assessment_record(
        by=analyst,
        bcu=None,
        title="Force self-assessment, autumn",
        scores={ind.pk: (1 if i % 3 == 0 else 3) for i, ind in enumerate(indicators)},
    )
    ap.goto("/self-assessment/")
    ap.get_by_role("link", name=re.compile("Force self-assessment, autumn")).first.click()
    ap.get_by_role("heading", name=re.compile("Force self-assessment, autumn")).first.wait_for()
    assert ap.url.endswith(f"/self-assessment/{assessment.pk}/")
    assert ap.locator("main svg").count() >= 1
    assert_accessible(ap, "self-assessment with its chart")
    assert SelfAssessment.objects.count() == 1
    analyst_context.close()
    assert not blocked, blocked
