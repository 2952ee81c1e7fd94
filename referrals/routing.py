"""Referral routing: which organisations a victim is referred to. Pure: no ORM, no clock. The rules are
data (RoutingRule, edited in the admin); selectors.routing_rules turns rows into RuleSpecs once per batch, so
routing a day's crimes costs one read of the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .constants import Flag, RouteTrigger


@dataclass(frozen=True)
class VictimFacts:
    """What routing reads about one victim on one crime."""

    offence_group: str
    bcu_id: int
    role: str = "victim"
    age: int | None = None
    flags: frozenset[str] = frozenset()
    enhanced_reasons: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RuleSpec:
    id: int
    organisation_ids: tuple[int, ...]
    trigger: str = RouteTrigger.RECORDED
    offence_groups: frozenset[str] = frozenset()
    flags: frozenset[str] = frozenset()
    enhanced_reasons: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    bcu_ids: frozenset[int] = frozenset()
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class Route:
    organisation_id: int
    rule_id: int


@dataclass
class _Acc:
    seen: set[int] = field(default_factory=set)
    out: list[Route] = field(default_factory=list)


def matches(rule: RuleSpec, v: VictimFacts, trigger: str) -> bool:
    if rule.trigger != trigger:
        return False
    if rule.offence_groups and v.offence_group not in rule.offence_groups:
        return False
    if not rule.flags <= v.flags:
        return False
    if rule.enhanced_reasons and not (rule.enhanced_reasons & v.enhanced_reasons):
        return False
    if rule.roles and v.role not in rule.roles:
        return False
    if rule.bcu_ids and v.bcu_id not in rule.bcu_ids:
        return False
    if rule.min_age is not None and (v.age is None or v.age < rule.min_age):
        return False
    # An unknown age never matches an age limit: a child service needs the child's age.
    return not (rule.max_age is not None and (v.age is None or v.age > rule.max_age))


def route(v: VictimFacts, rules: Iterable[RuleSpec], *, trigger: str = RouteTrigger.RECORDED) -> list[Route]:
    """Every organisation any matching rule names, once each, in rule order (the first rule that named
    an organisation is the reason recorded for it)."""
    acc = _Acc()
    for rule in rules:
        if matches(rule, v, trigger):
            for org in rule.organisation_ids:
                if org not in acc.seen:
                    acc.seen.add(org)
                    acc.out.append(Route(organisation_id=org, rule_id=rule.id))
    return acc.out


def facts_flags(
    *, domestic_abuse: bool, hate: bool, sexual: bool, homicide: bool, road_death: bool, enhanced: bool
) -> frozenset[str]:
    pairs = (
        (domestic_abuse, Flag.DOMESTIC_ABUSE),
        (hate, Flag.HATE_CRIME),
        (sexual, Flag.SEXUAL),
        (homicide, Flag.HOMICIDE),
        (road_death, Flag.ROAD_DEATH),
        (enhanced, Flag.ENHANCED),
    )
    return frozenset(str(f) for on, f in pairs if on)
