"""The satisfaction results: figures equal a direct count of the answers, each reader sees their own area
only, small groups are suppressed, the gaps and "kept informed" beside update duties, downloads equal the
screen, and no stored value can break the page."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from surveys import rollup
from surveys.constants import Source
from surveys.models import Questionnaire, Response
from tests.contacts.support import NOW
from tests.factories import CrimeFactory, PersonFactory, UserFactory
from victimcare.accounts.constants import Role

pytestmark = pytest.mark.django_db
URL = "reporting:satisfaction"


def answer(
    crime, *, whole, kept=None, ethnicity="W1", disability="no", days=5, updates="all_on_time", **over
):
    cv = crime.victims.first()
    fields = {
        "questionnaire": Questionnaire.objects.get(code="national"),
        "crime_victim": cv,
        "crime": crime,
        "source": Source.ONLINE,
        "submitted_at": NOW - timedelta(days=days),
        "bcu_id": crime.bcu_id,
        "team_id": crime.team_id,
        "officer_id": crime.oic_id,
        "offence_group": crime.offence.group,
        "case_status": crime.status,
        "ethnicity": ethnicity,
        "gender": "female",
        "disability": disability,
        "age_band": "25 to 34",
        "updates": updates,
        "ease_of_contact": whole,
        "actions": whole,
        "kept_informed": kept if kept is not None else whole,
        "treatment": whole,
        "whole_experience": whole,
    }
    fields.update(over)
    response = Response.objects.create(**fields)
    rollup.add(response)  # as surveys.services does for every answer it keeps
    return response


@pytest.fixture
def answers(org, officer, clock):
    """Team A1: 12 White victims (9 satisfied), 10 ethnic-minority victims (5 satisfied). Team B1: 15, all
    satisfied. Two of A1's victims had a late update and were dissatisfied with being kept informed."""
    other = UserFactory(team=org["team_b1"], role=Role.OFFICER)
    for i in range(12):
        answer(CrimeFactory(team=officer.team, oic=officer), whole=6 if i < 9 else 2)
    for i in range(10):
        answer(CrimeFactory(team=officer.team, oic=officer), whole=5 if i < 5 else 1, ethnicity="B1")
    for i in range(2):
        answer(CrimeFactory(team=officer.team, oic=officer), whole=5, kept=2, updates="some_late")
    for _ in range(15):
        answer(CrimeFactory(team=org["team_b1"], oic=other), whole=7)
    return other


def page(c, **params):
    r = c.get(reverse(URL), params)
    assert r.status_code == 200, r.content[:500]
    return r.content.decode()


def test_the_analyst_sees_the_force_equal_to_a_direct_count(answers, make_client, analyst):
    html = page(make_client(analyst))
    n = Response.objects.count()
    satisfied = Response.objects.filter(whole_experience__gte=5).count()
    assert (
        f"{round(100 * satisfied / n)}% of victims who answered were satisfied with the whole experience"
        in html
    )
    assert "South BCU" in html and "North BCU" in html
    assert "Ethnic-minority victims were satisfied with the whole experience" in html


def test_a_supervisor_sees_only_their_team(answers, make_client, supervisor):
    html = page(make_client(supervisor))
    # A1 alone: 12 + 10 + 2 = 24 answers, 9 + 5 + 2 = 16 satisfied.
    assert "24 answers" in html
    assert f"{round(100 * 16 / 24)}% of victims who answered" in html
    assert "South BCU" not in html and "B1 Response" not in html


def test_officers_see_their_own_and_partners_nothing(answers, make_client, officer, partner, client):
    assert "24 answers" in page(make_client(officer))
    other = answers
    assert "15 answers" in page(make_client(other))
    assert make_client(partner).get(reverse(URL)).status_code == 403
    assert client.get(reverse(URL)).status_code == 302


def test_small_groups_are_suppressed(answers, make_client, supervisor):
    html = page(make_client(supervisor))
    # Two victims with a late update: too few to give a rate.
    assert "At least one update late or missed" in html
    assert "Fewer than 10" in html


def test_kept_informed_beside_update_duties(answers, make_client, analyst, settings):
    settings.VC_SUPPRESS_BELOW = 1
    html = page(make_client(analyst))
    assert "Every update due was on time" in html
    assert "At least one update late or missed" in html


def test_csv_matches_the_screen(answers, make_client, analyst):
    c = make_client(analyst)
    html = page(c)
    r = c.get(reverse(URL), {"table": "satisfaction-by-bcu", "format": "csv"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode().lstrip("\ufeff"))))
    assert rows[0][:3] == ["BCU", "Answers", "Ease of contact"]
    for row in rows[1:]:
        for value in row:
            assert value in html


def test_stored_values_never_break_the_page(answers, make_client, analyst, officer):
    answer(
        CrimeFactory(team=officer.team, oic=officer),
        whole=None,
        ethnicity="ZZ",
        disability="",
        gender="nonsense",
        age_band="",
        case_status="gone",
        offence_group="retired",
        updates="",
    )
    html = page(make_client(analyst))
    assert "nonsense" in html or "Not known" in html
    assert "None" not in html.replace("None due", "")


def test_query_count_is_bounded(answers, make_client, analyst, django_assert_max_num_queries):
    c = make_client(analyst)
    with django_assert_max_num_queries(30):
        c.get(reverse(URL))


def test_an_answer_about_a_hidden_restricted_case_is_left_out(answers, make_client, inspector, officer):
    restricted = CrimeFactory(team=officer.team, oic=officer, is_restricted=True, victims=[PersonFactory()])
    answer(restricted, whole=1)
    html = page(make_client(inspector))
    assert "24 answers" in html


@pytest.mark.parametrize(
    "a,b,text",
    [
        (
            (60, 100),
            (50, 100),
            "Ethnic-minority victims were satisfied 10 percentage points less often than White victims "
            "(50% against 60%).",
        ),
        (
            (50, 100),
            (60, 100),
            "White victims were satisfied 10 percentage points less often than ethnic-minority victims "
            "(50% against 60%).",
        ),
        ((50, 100), (50, 100), "White and ethnic-minority victims were satisfied at the same rate (50%)."),
        ((5, 9), (50, 100), "Too few White or ethnic-minority victims answered to compare them."),
    ],
)
def test_gap_sentences(a, b, text):
    from reporting import satisfaction, stats

    assert (
        satisfaction.gap_text("White", stats.rate(*a), "ethnic-minority", stats.rate(*b), "satisfied") == text
    )


@pytest.mark.parametrize(
    "k,n,words",
    [
        (0, 0, "No answers"),
        (3, 5, "Fewer than 10"),
        (82, 100, "82% (73% to 88%)"),
        (10, 10, "100% (72% to 100%)"),
    ],
)
def test_rate_words(k, n, words):
    from reporting import satisfaction, stats

    assert satisfaction.rate_words(stats.rate(k, n)) == words
