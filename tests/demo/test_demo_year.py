"""The demo's year of history for the compliance dashboards: duties due across the year, and on-time rates
that differ between teams, as the dashboards count them straight from the duties."""

from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cases.models import Person
from contacts.constants import ObligationState
from contacts.models import Obligation
from tests.conftest import FAST_HASHERS
from victimcare.accounts.models import Team
from victimcare.demo.data import WAIVE_NOTIFICATION_REASONS


@pytest.fixture(scope="module")
def _year_once(django_db_setup, django_db_blocker):
    """A 400-crime demo (enough duties in each team to tell the teams apart), seeded once inside a
    transaction rolled back after the module's last test."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS), django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--crimes", "400", "--no-portal-demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def year(_year_once, db):
    return None


def on_time_rates(key: str) -> dict:
    """{value of key: (on time, met + open past due)} over the duties: met on time against every duty met
    or still open after its deadline."""
    now = timezone.now()
    counts: dict = defaultdict(lambda: [0, 0])
    for value, state, on_time, due in Obligation.objects.filter(
        state__in=[ObligationState.MET, ObligationState.OPEN]
    ).values_list(key, "state", "met_on_time", "due_at"):
        if state == ObligationState.OPEN and due >= now:
            continue
        counts[value][0] += bool(state == ObligationState.MET and on_time)
        counts[value][1] += 1
    return {k: tuple(v) for k, v in counts.items()}


@pytest.mark.django_db
def test_duties_span_a_year_and_teams_differ(year):
    months = {
        timezone.localtime(d).strftime("%Y-%m") for d in Obligation.objects.values_list("due_at", flat=True)
    }
    assert len(months) >= 11, sorted(months)

    by_team = on_time_rates("team_id")
    names = {t: f"{bcu} {team}" for t, bcu, team in Team.objects.values_list("id", "bcu__name", "name")}
    rates = {names[t]: on_time / n for t, (on_time, n) in by_team.items() if n >= 50}
    worst, best = min(rates, key=rates.get), max(rates, key=rates.get)
    print("on time by team:", {k: f"{v:.1%}" for k, v in sorted(rates.items(), key=lambda kv: kv[1])})
    assert len(rates) == 6
    assert rates[best] - rates[worst] >= 0.05, (worst, best, rates)


@pytest.mark.django_db
def test_victims_demographics_are_mostly_filled(year):
    people = Person.objects.filter(roles__isnull=False).distinct()
    n = people.count()
    for field in ("ethnicity", "gender", "disability"):
        assert people.exclude(**{field: ""}).count() > 0.85 * n, field
    assert people.filter(date_of_birth__isnull=False).count() > 0.9 * n
    # Some prefer not to say.
    assert people.filter(ethnicity="NS").exists() or people.filter(ethnicity="").exists()
    assert len(set(people.values_list("ethnicity", flat=True))) >= 8


@pytest.mark.django_db
def test_some_duties_are_waived_or_not_required_with_reasons(year):
    closed = Counter(
        Obligation.objects.filter(
            state__in=[ObligationState.WAIVED, ObligationState.NOT_REQUIRED]
        ).values_list("state", "closed_reason")
    )
    assert all(reason for _, reason in closed)
    waived = {r for s, r in closed if s == ObligationState.WAIVED}
    not_required = {r for s, r in closed if s == ObligationState.NOT_REQUIRED}
    assert len(waived) >= 4 and len(not_required) >= 3, closed
    assert waived & set(WAIVE_NOTIFICATION_REASONS)
