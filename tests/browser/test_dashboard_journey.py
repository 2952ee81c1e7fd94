"""A supervisor opens the dashboard, sees a red overdue figure for one of their teams, drills down to the
case, logs a contact, and sees the figure change. Every dashboard page on the way is axe-core clean."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services as case_services
from tests.browser.conftest import axe_violations
from tests.factories import TeamFactory, UserFactory, offence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_supervisor_drills_down_from_a_red_figure_and_clears_it(page):
    late_team = TeamFactory(name="Response Blue")
    good_team = TeamFactory(name="Response Green", bcu=late_team.bcu)
    officer = UserFactory(email="pc.late@test.police.uk", team=late_team, first_name="Kit", last_name="Late")
    UserFactory(email="pc.good@test.police.uk", team=good_team)
    supervisor = UserFactory(email="ps.both@test.police.uk", team=late_team, role="supervisor")
    late_team.supervisors.add(supervisor)
    good_team.supervisors.add(supervisor)
    then = timezone.now() - timedelta(days=12)
    crime = case_services.case_record(
        by=officer,
        reference="VC/88101/26",
        offence=offence("28E"),
        occurred_at=then - timedelta(hours=2),
        reported_at=then - timedelta(hours=1),
        location="3 Mill Lane",
        team=late_team,
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
    overdue = crime.obligations.filter(state="open", due_at__lt=timezone.now()).count()
    assert overdue >= 1
    ack = crime.obligations.get(code="ACKNOWLEDGE")

    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(supervisor.email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()
    assert "See the compliance dashboard" in page.content()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboard").click()
    page.get_by_role("heading", name="Compliance", exact=True).wait_for()
    assert axe_violations(page) == [], "compliance"
    assert page.locator("#overdue-now").inner_text() == str(overdue)

    # The team's row in the breakdown: its overdue-now figure is red and leads to its cases.
    table = page.locator("#table-by-team")
    row = table.locator("tr", has=page.get_by_role("rowheader", name="Response Blue"))
    red = row.locator("a.vc-figure--red").last
    assert red.inner_text().split()[0] == str(overdue)
    assert (
        table.locator("tr", has=page.get_by_role("rowheader", name="Response Green"))
        .locator(".vc-figure--red")
        .count()
        == 0
    )
    red.click()
    page.get_by_role("heading", name="Overdue now").wait_for()
    assert axe_violations(page) == [], "drill-down"
    page.get_by_role("link", name="VC/88101/26").first.click()
    page.get_by_role("heading", name="VC/88101/26").first.wait_for()

    # Log the contact that meets the acknowledgement, as the officer would (the supervisor may too).
    page.goto(f"/cases/{crime.slug}/victims/{ack.crime_victim_id}/contacts/new/")
    page.get_by_role("heading", name="Log a contact").wait_for()
    page.get_by_label("Phone call").check()
    page.get_by_label("Spoke to the victim").check()
    page.get_by_label("Summary").fill("Acknowledged the crime and gave my contact details.")
    page.get_by_role("button", name="Save contact").click()
    page.get_by_text("Contact logged.").wait_for()

    page.goto("/dashboard/")
    page.get_by_role("heading", name="Compliance", exact=True).wait_for()
    still = crime.obligations.filter(state="open", due_at__lt=timezone.now()).count()
    assert still < overdue
    assert page.locator("#overdue-now").inner_text() == str(still)
    for tab in ("Reported indicators", "Service", "Equality"):
        page.get_by_role("navigation", name="Dashboards").get_by_role("link", name=tab).click()
        page.get_by_role("heading", name=tab, exact=True).wait_for()
        assert axe_violations(page) == [], tab
