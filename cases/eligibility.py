"""Enhanced-entitlement eligibility (Victims' Code): a pure function of the crime, the victim and the
needs assessment. Returns reasons, not a boolean, so the case page can say why."""

from dataclasses import dataclass


@dataclass(frozen=True)
class EligibilityInput:
    role: str = "victim"
    age_at_offence: int | None = None
    offence_sexual: bool = False
    offence_homicide: bool = False
    offence_hate: bool = False
    offence_most_serious: bool = False
    offence_name: str = ""
    case_domestic_abuse: bool = False
    case_hate_crime: bool = False
    mental_disorder: bool = False
    impaired_intelligence: bool = False
    physical_disability: bool = False
    fear_or_distress_giving_evidence: bool = False
    persistently_targeted: bool = False


REASONS = {
    "bereaved": "Bereaved close relative of a person killed by criminal conduct",
    "domestic_abuse": "Victim of domestic abuse",
    "hate_crime": "Victim of hate crime",
    "sexual_offence": "Victim of a sexual offence",
    "most_serious": "Victim of the most serious crime",
    "persistently_targeted": "Persistently targeted",
    "under_18": "Under 18 at the time of the offence",
    "mental_disorder": "Vulnerable: mental disorder",
    "impaired_intelligence": "Vulnerable: significant impairment of intelligence and social functioning",
    "physical_disability": "Vulnerable: physical disability or disorder",
    "intimidated": "Intimidated: fear or distress about giving evidence",
    "intimidated_automatic": "Intimidated: treated as intimidated as a victim of a sexual offence",
}


def enhanced_reasons(x: EligibilityInput) -> list[tuple[str, str]]:
    codes: list[str] = []
    if x.role == "bereaved" or x.offence_homicide:
        codes.append("bereaved" if x.role == "bereaved" else "most_serious")
    if x.case_domestic_abuse:
        codes.append("domestic_abuse")
    if x.case_hate_crime or x.offence_hate:
        codes.append("hate_crime")
    if x.offence_sexual:
        codes.append("sexual_offence")
    if x.offence_most_serious and "most_serious" not in codes:
        codes.append("most_serious")
    if x.persistently_targeted:
        codes.append("persistently_targeted")
    if x.age_at_offence is not None and x.age_at_offence < 18:
        codes.append("under_18")
    for flag in ("mental_disorder", "impaired_intelligence", "physical_disability"):
        if getattr(x, flag):
            codes.append(flag)
    if x.fear_or_distress_giving_evidence:
        codes.append("intimidated")
    elif x.offence_sexual:
        codes.append("intimidated_automatic")
    reasons = [(c, REASONS[c]) for c in codes]
    if ("most_serious", REASONS["most_serious"]) in reasons and x.offence_name:
        reasons = [(c, f"{t} ({x.offence_name})" if c == "most_serious" else t) for c, t in reasons]
    return reasons


def eligibility_input_for(crime_victim) -> EligibilityInput:
    """Build the pure input from ORM objects (kept here so callers agree on the mapping)."""
    crime = crime_victim.crime
    offence = crime.offence
    na = getattr(crime_victim, "needs_assessment", None)
    return EligibilityInput(
        role=crime_victim.role,
        age_at_offence=crime_victim.age_at_offence,
        offence_sexual=offence.is_sexual,
        offence_homicide=offence.is_homicide,
        offence_hate=offence.is_hate,
        offence_most_serious=offence.is_most_serious,
        offence_name=offence.name,
        case_domestic_abuse=crime.is_domestic_abuse,
        case_hate_crime=crime.is_hate_crime,
        mental_disorder=bool(na and na.mental_disorder),
        impaired_intelligence=bool(na and na.impaired_intelligence),
        physical_disability=bool(na and na.physical_disability),
        fear_or_distress_giving_evidence=bool(na and na.fear_or_distress_giving_evidence),
        persistently_targeted=bool(na and na.persistently_targeted),
    )
