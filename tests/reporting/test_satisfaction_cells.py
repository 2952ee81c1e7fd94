"""The satisfaction cells equal a direct count of the answers: for every breakdown the results page reads,
after answers kept by each way in, after a rebuild, and with a hidden restricted case taken away."""

import random
from datetime import timedelta

import pytest

from reporting import satisfaction
from reporting.filters import Filters
from reporting.scope import Scope
from surveys import rollup
from surveys.models import SatisfactionCell
from tests.contacts.support import NOW
from tests.factories import CrimeFactory, PersonFactory, UserFactory
from tests.reporting.test_satisfaction import answer
from victimcare.accounts.constants import Role

pytestmark = pytest.mark.django_db
KEYS = [
    ("month",),
    ("bcu_id",),
    ("team_id",),
    ("officer_id",),
    ("offence_group",),
    ("case_status",),
    ("gender",),
    ("age_band",),
    ("disability",),
    ("ethnicity",),
    ("updates",),
    ("month", "ethnicity", "disability"),
]


def as_dicts(rows):
    return {
        k: (s.responses, dict(s.satisfied), dict(s.answered))
        for k, s in rows.items()
        if s.responses or any(s.answered.values())
    }


@pytest.fixture
def answers(org, officer, clock):
    rng = random.Random(7)
    other = UserFactory(team=org["team_b1"], role=Role.OFFICER)
    made = []
    for i in range(60):
        who = officer if i % 3 else other
        crime = CrimeFactory(team=who.team, oic=who if i % 7 else None)
        r = answer(
            crime,
            whole=rng.choice([None, 1, 2, 3, 4, 5, 6, 7]),
            kept=rng.choice([1, 4, 6, 7]),
            ethnicity=rng.choice(["W1", "B2", "A3", "", "NS"]),
            disability=rng.choice(["yes", "no", ""]),
            days=rng.randint(0, 200),
            updates=rng.choice(["all_on_time", "some_late", "none_due", ""]),
            gender=rng.choice(["female", "male", ""]),
        )
        made.append(r)
    return made


def slice_for(scope, first_days=400):
    from reporting.filters import add_months, month_of

    last = month_of(NOW.date())
    return Filters(first=add_months(last, -13), last=last).slice(scope)


@pytest.mark.parametrize("keys", KEYS)
def test_cells_equal_the_direct_count(answers, keys, org):
    for scope in (
        Scope(label="the force", everything=True),
        Scope(label="North", bcu_ids=(org["bcu_a"].pk,)),
    ):
        s = slice_for(scope)
        direct = satisfaction.by(satisfaction.responses(s), *keys)
        assert satisfaction.Reader(s).use_cells
        assert as_dicts(satisfaction.Reader(s).by(*keys)) == as_dicts(direct)


def test_rebuild_equals_adding_one_by_one(answers):
    before = sorted(
        SatisfactionCell.objects.values_list("dimension", "month", "bcu_id", "value", "n", "kept_informed_k")
    )
    rollup.rebuild()
    after = sorted(
        SatisfactionCell.objects.values_list("dimension", "month", "bcu_id", "value", "n", "kept_informed_k")
    )
    assert before == after


def test_hidden_cases_are_taken_away(answers, org, officer):
    crime = CrimeFactory(team=officer.team, oic=officer, is_restricted=True, victims=[PersonFactory()])
    answer(crime, whole=1, days=1)
    s = slice_for(Scope(label="North", bcu_ids=(org["bcu_a"].pk,)))
    hidden = (crime.pk,)
    for keys in KEYS:
        direct = satisfaction.by(satisfaction.responses(s, hidden=hidden), *keys)
        assert as_dicts(satisfaction.Reader(s, hidden=hidden).by(*keys)) == as_dicts(direct), keys


def test_narrow_slices_read_the_answers(answers, org):
    s = slice_for(Scope(label="A1", team_ids=(org["team_a1"].pk,)))
    assert not satisfaction.Reader(s).use_cells


def test_answers_kept_by_the_services_are_counted(org, officer, clock):
    from surveys import services
    from tests.surveys.test_services import ANSWERS

    cv = CrimeFactory(team=officer.team, oic=officer).victims.get()
    services.response_enter(
        by=officer, crime_victim=cv, source="phone", raw=ANSWERS, now=NOW - timedelta(days=1)
    )
    cell = SatisfactionCell.objects.get(dimension="")
    assert (cell.n, cell.whole_experience_k, cell.kept_informed_k) == (1, 1, 0)
