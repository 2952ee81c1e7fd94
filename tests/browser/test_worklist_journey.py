"""An officer sees an overdue duty in red on My work, logs a contact, and sees it turn green."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory, offence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_overdue_duty_turns_green_after_a_contact(page):
    team = TeamFactory(name="Response B")
    officer = UserFactory(email="pc.work@test.police.uk", team=team, first_name="Sam", last_name="Work")
    supervisor = UserFactory(email="ps.work@test.police.uk", team=team, role="supervisor")
    team.supervisors.add(supervisor)
    then = timezone.now() - timedelta(days=12)
    crime = case_services.case_record(
        by=officer,
        reference="VC/88001/26",
        offence=offence("28E"),
        occurred_at=then - timedelta(hours=2),
        reported_at=then - timedelta(hours=1),
        location="3 Mill Lane",
        team=team,
        oic=officer,
        victims=[
            case_services.VictimInput(
                person={
                    "first_name": "Noor",
                    "last_name": "Ali",
                    "email": "noor@example.com",
                    "safe_email": True,
                    "safe_phone": True,
                }
            )
        ],
        now=then,
    )
    ack = crime.obligations.get(code="ACKNOWLEDGE")

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()
    row = page.locator(f'tr[data-obligation="{ack.pk}"]')
    tag = row.locator(".vc-rag")
    assert tag.inner_text() == "Overdue" and "govuk-tag--red" in tag.get_attribute("class")
    assert axe_violations(page) == [], "my work"

    row.get_by_role("link", name="Log contact").click()
    page.get_by_role("heading", name="Log a contact").wait_for()
    assert axe_violations(page) == [], "log a contact"
    page.get_by_label("Phone call").check()
    page.get_by_label("Spoke to the victim").check()
    page.get_by_label("Summary").fill("Acknowledged the crime, gave reference and my contact details.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged.").wait_for()

    duty = page.locator(f'tr[data-obligation="{ack.pk}"] .vc-rag')
    assert duty.inner_text() == "Met late" and "govuk-tag--green" in duty.get_attribute("class")
    assert axe_violations(page) == [], "case page with duties"
    page.get_by_role("link", name="My work").click()
    assert page.locator(f'tr[data-obligation="{ack.pk}"]').count() == 0

    # The supervisor's team view shows what is still overdue.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(supervisor.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Team work").click()
    page.get_by_role("heading", name="Team work").wait_for()
    assert page.locator('.vc-rag[data-rag="red"]').count() >= 1
    assert axe_violations(page) == [], "team work"
