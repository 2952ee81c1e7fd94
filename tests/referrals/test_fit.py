"""Which kinds of support service fit a crime and a victim (referrals.fit), as a table."""

import pytest

from referrals.fit import Facts, fitting_kinds

ALWAYS = {"general", "restorative_justice"}


@pytest.mark.parametrize(
    ("facts", "extra"),
    [
        (Facts(), set()),
        (Facts(domestic_abuse=True), {"domestic_abuse"}),
        (Facts(sexual=True), {"sexual_violence", "compensation"}),
        (Facts(hate=True), {"hate_crime"}),
        (Facts(homicide=True, bereaved=True), {"bereavement"}),
        (Facts(road_death=True, bereaved=True), {"road_death"}),
        (Facts(bereaved=True), {"bereavement"}),
        (Facts(domestic_abuse=True, sexual=True), {"domestic_abuse", "sexual_violence", "compensation"}),
        (Facts(child=True), {"children"}),
        (Facts(violent=True), {"compensation"}),
    ],
)
def test_fitting_kinds(facts, extra):
    assert fitting_kinds(facts) == ALWAYS | extra
    assert "probation_vcs" not in fitting_kinds(facts)  # follows a sentence; never offered as a choice
