"""Table-driven: the pure enhanced-eligibility function, no database."""

import pytest

from cases.eligibility import EligibilityInput, enhanced_reasons


@pytest.mark.parametrize(
    "kwargs,expected",
    [
        ({}, []),
        ({"age_at_offence": 17}, ["under_18"]),
        ({"age_at_offence": 18}, []),
        ({"role": "bereaved", "offence_homicide": True}, ["bereaved"]),
        ({"offence_homicide": True}, ["most_serious"]),
        ({"case_domestic_abuse": True}, ["domestic_abuse"]),
        ({"case_hate_crime": True}, ["hate_crime"]),
        ({"offence_hate": True}, ["hate_crime"]),
        ({"offence_sexual": True}, ["sexual_offence", "intimidated_automatic"]),
        (
            {"offence_sexual": True, "fear_or_distress_giving_evidence": True},
            ["sexual_offence", "intimidated"],
        ),
        ({"offence_most_serious": True}, ["most_serious"]),
        ({"persistently_targeted": True}, ["persistently_targeted"]),
        ({"mental_disorder": True, "physical_disability": True}, ["mental_disorder", "physical_disability"]),
        ({"impaired_intelligence": True}, ["impaired_intelligence"]),
        ({"fear_or_distress_giving_evidence": True}, ["intimidated"]),
        (
            {"case_domestic_abuse": True, "age_at_offence": 15, "persistently_targeted": True},
            ["domestic_abuse", "persistently_targeted", "under_18"],
        ),
    ],
)
def test_reasons(kwargs, expected):
    assert [code for code, _ in enhanced_reasons(EligibilityInput(**kwargs))] == expected


def test_most_serious_names_the_offence():
    reasons = dict(enhanced_reasons(EligibilityInput(offence_most_serious=True, offence_name="Kidnapping")))
    assert reasons["most_serious"] == "Victim of the most serious crime (Kidnapping)"
