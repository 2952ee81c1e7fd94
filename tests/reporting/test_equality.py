"""Equality breakdowns count each duty under its victim's self-defined details and age at the offence."""

from datetime import date, timedelta

import pytest

from reporting import figures
from reporting.rollup import Slice
from tests.contacts.support import NOW, person, record

pytestmark = pytest.mark.django_db

EVERYTHING = Slice(first=date(2020, 1, 1), last=date(2030, 12, 1))


def _rows(title):
    eq = figures.equality(EVERYTHING, now=NOW)
    breakdown = next(b for b in eq.breakdowns if b.title == title)
    return {label: t.total for label, t in breakdown.rows}


def test_age_at_the_offence_counts_birthdays_exactly(officer, clock):
    # The offence happens two days before NOW (London time): one victim turns 18 that very day, one the day
    # after, one has no date of birth.
    offence_day = (NOW - timedelta(days=2)).date()
    eighteen_today = offence_day.replace(year=offence_day.year - 18)
    eighteen_tomorrow = eighteen_today + timedelta(days=1)
    for dob in (eighteen_today, eighteen_tomorrow, None):
        record(officer, people=[person(date_of_birth=dob)], now=NOW, occurred_at=NOW - timedelta(days=2))
    rows = _rows("Age at the time of the offence")
    assert set(rows) == {"18 to 24", "Under 18", "Not known"}
    assert rows["18 to 24"] == rows["Under 18"] == rows["Not known"] > 0


def test_ethnic_groups_sex_and_disability(officer, clock):
    for ethnicity, gender, disability in (("W1", "female", "yes"), ("A3", "male", "no"), ("", "", "")):
        record(officer, people=[person(ethnicity=ethnicity, gender=gender, disability=disability)], now=NOW)
    groups = _rows("Ethnic group")
    assert set(groups) == {"White", "Ethnic minority", "Not known"}
    assert set(_rows("Sex")) == {"Female", "Male", "Not known"}
    assert set(_rows("Disability")) == {"Disabled", "Not disabled", "Not known"}
    eq = figures.equality(EVERYTHING, now=NOW)
    assert eq.white.total == groups["White"] and eq.minority.total == groups["Ethnic minority"]


def test_this_months_overdue_split_matches_a_direct_count(officer, clock):
    later = NOW + timedelta(days=20)  # still November: this month's duties are past due by then
    for ethnicity in ("W1", "A3", "B2"):
        record(officer, people=[person(ethnicity=ethnicity)], now=NOW)
    rows = figures._equality_rows(EVERYTHING, now=later)
    direct = figures._equality_direct(EVERYTHING, now=later)

    def shape(d):
        return {k: (t.on_time, t.late, t.overdue, t.pending) for k, t in d.items() if t.total}

    assert shape(rows) == shape(direct)
    assert sum(t.overdue for t in rows.values()) > 0
