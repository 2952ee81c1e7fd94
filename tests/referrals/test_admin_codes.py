"""Routing rules and organisations are edited in the admin, their conditions as JSON lists of codes: a
code the routing does not know (a typo, a label instead of a code) is refused in words, since it would
make a rule silently never match. The demo's rules and organisations use only known codes."""

import pytest
from django.core.exceptions import ValidationError

from referrals.models import RoutingRule, SupportOrganisation
from victimcare.demo.data import ROUTING_RULES, SUPPORT_ORG_TERMS


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("flags", ["Domestic abuse"], "Not a known code: Domestic abuse"),
        ("offence_groups", ["burglery"], "Not a known code: burglery"),
        ("roles", ["witness", "bereaved"], "Not a known code: witness"),
        ("enhanced_reasons", ["vulnerable"], "Not a known code: vulnerable"),
        ("flags", "domestic_abuse", "Enter a list of codes"),
        ("roles", [1], "Enter a list of codes"),
    ],
)
def test_a_rule_with_an_unknown_code_is_refused_in_words(field, value, words):
    rule = RoutingRule(name="IDVA", **{field: value})
    with pytest.raises(ValidationError) as e:
        rule.clean()
    assert words in " ".join(e.value.message_dict[field])


def test_an_organisation_with_an_unknown_victim_group_is_refused():
    org = SupportOrganisation(name="X", kind="general", victim_groups=["kids"])
    with pytest.raises(ValidationError) as e:
        org.clean()
    assert "kids" in " ".join(e.value.message_dict["victim_groups"])


def test_known_codes_pass_and_the_demo_uses_only_known_codes():
    RoutingRule(
        name="ok",
        flags=["domestic_abuse"],
        offence_groups=[],
        roles=["bereaved"],
        enhanced_reasons=["most_serious"],
    ).clean()
    for name, _trigger, cond, _targets in ROUTING_RULES:
        RoutingRule(name=name, flags=cond.get("flags", []), max_age=cond.get("max_age")).clean()
    for name, (_b, _a, _c, _n, groups, offences, _s) in SUPPORT_ORG_TERMS.items():
        SupportOrganisation(name=name, kind="general", victim_groups=groups, offence_groups=offences).clean()
