"""Who may be invited to a survey: pure, no ORM, no clock of its own. Each "never" of the issue is one
line here, with its reason in words (the staff page shows why a victim was not asked)."""

import hashlib
from dataclasses import dataclass

from cases.constants import VictimRole


@dataclass(frozen=True)
class Facts:
    age: int | None  # on the day of the invitation
    offence_group: str
    role: str
    restricted: bool
    wants_updates: bool  # False: the victim opted out of contact
    wants_surveys: bool | None  # None: never said; False: no surveys; True: asked to be surveyed
    safe_channel: bool  # an email, mobile or address marked safe, with the details to use it
    invited_in_period: bool  # already invited within the period
    answered: bool = False  # already answered a survey on this case


@dataclass(frozen=True)
class Rules:
    min_age: int = 16
    offence_groups: tuple[str, ...] = ()  # empty: every group


def reasons_not(f: Facts, rules: Rules) -> list[str]:
    """Why this victim may not be invited; empty when they may."""
    out = []
    if f.age is None:
        out.append("Their date of birth is not recorded, so we cannot tell they are 16 or over.")
    elif f.age < rules.min_age:
        out.append(f"They are under {rules.min_age}.")
    if rules.offence_groups and f.offence_group not in rules.offence_groups:
        out.append("This offence group is not surveyed.")
    if f.wants_surveys is False:
        out.append("They asked not to be sent surveys.")
    if not f.wants_updates:
        out.append("They asked not to be contacted.")
    if f.role == VictimRole.BEREAVED and f.wants_surveys is not True:
        out.append("Bereaved families are surveyed only if they ask to be.")
    if f.restricted:
        out.append("The case is restricted.")
    if not f.safe_channel:
        out.append("No email, mobile number or address is marked safe.")
    if f.invited_in_period:
        out.append("They have already been invited in this period.")
    if f.answered:
        out.append("They have already answered a survey about this case.")
    return out


def sampled(key: str, rate_percent: int) -> bool:
    """Whether this victim falls in the sample: the same answer every time for the same key (so a rerun
    invites nobody new), spread evenly, so `rate_percent` of keys fall in."""
    if rate_percent >= 100:
        return True
    if rate_percent <= 0:
        return False
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % 10_000
    return bucket < rate_percent * 100
