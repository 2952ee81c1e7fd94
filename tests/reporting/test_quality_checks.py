"""Dip-sampling findings feed the dashboards: each check met by month and by team or officer, the MoJ area
"updates of sufficient quality", call-backs made; each reader sees only their own area."""

import csv
import io

import pytest
from django.urls import reverse

from surveys import callbacks, dip_samples
from surveys.constants import Check
from tests.contacts.support import NOW, record
from tests.factories import UserFactory
from victimcare.accounts.constants import Role

pytestmark = pytest.mark.django_db
ALL_YES = {c.value: "yes" for c in Check}


@pytest.fixture
def findings(org, officer, supervisor, clock):
    """Team A1: ten sampled cases reviewed this month, updates of good quality in 7 of them."""
    from datetime import timedelta

    for d in range(10):
        record(officer, now=NOW - timedelta(days=40 + d))
    sample = dip_samples.sample_draw(
        team=officer.team, month=NOW.date().replace(day=1, month=9), by=supervisor, now=NOW, size=20
    )
    for i, sc in enumerate(sample.cases.all()):
        answers = {**ALL_YES, "updates_quality": "yes" if i < 7 else "no", "closure": "na"}
        dip_samples.sample_case_review(sample_case=sc, by=supervisor, answers=answers, note="", now=NOW)
    return sample


def test_quality_checks_page(findings, make_client, supervisor, settings):
    html = make_client(supervisor).get(reverse("reporting:quality")).content.decode()
    assert "10 sampled cases reviewed" in html
    assert "Updates of good quality" in html and "70%" in html


def test_update_quality_feeds_the_moj_area(findings, make_client, supervisor):
    html = make_client(supervisor).get(reverse("reporting:indicators")).content.decode()
    assert "Updates of sufficient quality (supervisors&#x27; dip sampling)" in html
    assert "70%" in html


def test_other_areas_see_none_of_it(findings, make_client, org, analyst):
    other = UserFactory(role=Role.SUPERVISOR, team=org["team_b1"])
    org["team_b1"].supervisors.add(other)
    html = make_client(other).get(reverse("reporting:quality")).content.decode()
    assert "0 sampled cases reviewed" in html
    assert (
        "10 sampled cases reviewed" in make_client(analyst).get(reverse("reporting:quality")).content.decode()
    )


def test_csv_matches_the_screen(findings, make_client, supervisor):
    c = make_client(supervisor)
    html = c.get(reverse("reporting:quality")).content.decode()
    r = c.get(reverse("reporting:quality"), {"table": "quality-checks", "format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode().lstrip("\ufeff"))))
    assert rows[0][0] == "Check" and len(rows) == 1 + len(Check)
    for row in rows[1:]:
        for value in row:
            assert value in html


def test_call_backs_are_counted(findings, make_client, supervisor, officer):
    from datetime import timedelta

    record(officer, now=NOW - timedelta(days=3))
    made = callbacks.callbacks_draw(team=officer.team, by=supervisor, now=NOW)
    assert made
    html = make_client(supervisor).get(reverse("reporting:quality")).content.decode()
    assert "Quality call-backs by the month drawn" in html
