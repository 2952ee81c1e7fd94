"""Which kinds of support service fit a crime and a victim: one pure rule, read by the officer's care
card and the victim's support page now, and by referral routing when referrals are built.

General support, restorative justice and national services that fit are for everyone; specialist
services only where the crime or the victim calls for them (a homicide service is not offered for an
assault). The Probation Victim Contact Scheme is not a service a victim chooses: it follows a
qualifying sentence, so it is never listed here."""

from dataclasses import dataclass

GENERAL = "general"
RESTORATIVE_JUSTICE = "restorative_justice"
PROBATION_VCS = "probation_vcs"


@dataclass(frozen=True)
class Facts:
    """What the rule reads (plain values, so it is tested without a database)."""

    domestic_abuse: bool = False
    sexual: bool = False
    hate: bool = False
    homicide: bool = False
    road_death: bool = False
    bereaved: bool = False
    child: bool = False
    violent: bool = False


def fitting_kinds(facts: Facts) -> set[str]:
    kinds = {GENERAL, RESTORATIVE_JUSTICE}
    if facts.domestic_abuse:
        kinds.add("domestic_abuse")
    if facts.sexual:
        kinds.add("sexual_violence")
    if facts.hate:
        kinds.add("hate_crime")
    if facts.homicide or (facts.bereaved and not facts.road_death):
        kinds.add("bereavement")
    if facts.road_death:
        kinds.add("road_death")
    if facts.child:
        kinds.add("children")
    if facts.violent or facts.sexual:
        kinds.add("compensation")  # criminal injuries compensation
    return kinds


def facts_for(crime, crime_victim=None) -> Facts:
    offence = crime.offence
    return Facts(
        domestic_abuse=crime.is_domestic_abuse,
        sexual=offence.is_sexual,
        hate=crime.is_hate_crime or offence.is_hate,
        homicide=offence.is_homicide,
        road_death=offence.is_road_death,
        bereaved=crime_victim is not None and crime_victim.role == "bereaved",
        child=crime_victim is not None and (crime_victim.age_at_offence or 99) < 18,
        violent=offence.is_violence,
    )
