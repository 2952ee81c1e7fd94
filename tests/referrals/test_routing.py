"""Referral routing (referrals.routing.route): a pure function of the victim's facts and the rules, as a
table, without a database."""

import pytest

from referrals.routing import Route, RuleSpec, VictimFacts, facts_flags, matches, route

GENERAL_N = RuleSpec(id=1, organisation_ids=(10,), bcu_ids=frozenset({1}))
GENERAL_S = RuleSpec(id=2, organisation_ids=(20,), bcu_ids=frozenset({2}))
IDVA = RuleSpec(id=3, organisation_ids=(30,), flags=frozenset({"domestic_abuse"}))
ISVA = RuleSpec(id=4, organisation_ids=(40,), flags=frozenset({"sexual"}))
CHILD = RuleSpec(id=5, organisation_ids=(50,), max_age=17)
BEREAVED = RuleSpec(id=6, organisation_ids=(60,), roles=frozenset({"bereaved"}))
HATE_ENHANCED = RuleSpec(id=7, organisation_ids=(70,), flags=frozenset({"hate_crime", "enhanced"}))
BURGLARY_RJ = RuleSpec(id=8, organisation_ids=(80,), offence_groups=frozenset({"burglary", "theft"}))
PERSISTENT = RuleSpec(id=9, organisation_ids=(90,), enhanced_reasons=frozenset({"persistently_targeted"}))
OLDER = RuleSpec(id=10, organisation_ids=(100,), min_age=65)
VCS = RuleSpec(id=11, organisation_ids=(110,), trigger="qualifying_sentence")
# Two rules naming the same organisation: it is routed once, for the first rule.
IDVA_AGAIN = RuleSpec(id=12, organisation_ids=(30, 10), flags=frozenset({"domestic_abuse"}))
RULES = [
    GENERAL_N,
    GENERAL_S,
    IDVA,
    ISVA,
    CHILD,
    BEREAVED,
    HATE_ENHANCED,
    BURGLARY_RJ,
    PERSISTENT,
    OLDER,
    VCS,
]


def v(**over) -> VictimFacts:
    base = {"offence_group": "violence", "bcu_id": 1, "role": "victim", "age": 35}
    base.update(over)
    return VictimFacts(**base)


def orgs(facts, rules=RULES, trigger="recorded"):
    return [r.organisation_id for r in route(facts, rules, trigger=trigger)]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (v(), [10]),
        (v(bcu_id=2), [20]),
        (v(bcu_id=3), []),  # no rule for that area
        (v(flags=frozenset({"domestic_abuse"})), [10, 30]),
        (v(flags=frozenset({"domestic_abuse", "sexual"})), [10, 30, 40]),
        (v(age=12), [10, 50]),
        (v(age=17), [10, 50]),
        (v(age=18), [10]),
        (v(age=None), [10]),  # an unknown age never matches an age limit
        (v(role="bereaved"), [10, 60]),
        (v(flags=frozenset({"hate_crime"})), [10]),  # both flags are needed
        (v(flags=frozenset({"hate_crime", "enhanced"})), [10, 70]),
        (v(offence_group="burglary"), [10, 80]),
        (v(offence_group="fraud"), [10]),
        (v(enhanced_reasons=frozenset({"persistently_targeted", "under_18"})), [10, 90]),
        (v(enhanced_reasons=frozenset({"under_18"})), [10]),
        (v(age=70), [10, 100]),
        (v(age=64), [10]),
    ],
)
def test_route_on_recording(facts, expected):
    assert orgs(facts) == expected


def test_the_probation_scheme_is_routed_only_after_a_qualifying_sentence():
    assert 110 not in orgs(v())
    assert orgs(v(), trigger="qualifying_sentence") == [110]


def test_each_organisation_once_for_the_first_rule_that_named_it():
    got = route(v(flags=frozenset({"domestic_abuse"})), [IDVA, IDVA_AGAIN, GENERAL_N])
    assert got == [Route(organisation_id=30, rule_id=3), Route(organisation_id=10, rule_id=12)]


def test_an_inactive_or_empty_rule_list_routes_nowhere():
    assert route(v(), []) == []


def test_matches_needs_every_condition():
    rule = RuleSpec(
        id=1,
        organisation_ids=(1,),
        offence_groups=frozenset({"violence"}),
        flags=frozenset({"domestic_abuse"}),
        roles=frozenset({"victim"}),
        bcu_ids=frozenset({1}),
        min_age=18,
        max_age=60,
    )
    ok = v(flags=frozenset({"domestic_abuse"}))
    assert matches(rule, ok, "recorded")
    for bad in (
        v(offence_group="theft", flags=ok.flags),
        v(),
        v(role="bereaved", flags=ok.flags),
        v(bcu_id=2, flags=ok.flags),
        v(age=17, flags=ok.flags),
        v(age=61, flags=ok.flags),
    ):
        assert not matches(rule, bad, "recorded")
    assert not matches(rule, ok, "qualifying_sentence")


def test_facts_flags_in_words_of_the_rules():
    assert facts_flags(
        domestic_abuse=True, hate=False, sexual=True, homicide=False, road_death=False, enhanced=True
    ) == frozenset({"domestic_abuse", "sexual", "enhanced"})
