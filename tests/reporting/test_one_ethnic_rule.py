"""The White / ethnic-minority grouping has one home (reporting.figures): the equality page and the
satisfaction results group victims by the same rule, so their gaps compare like with like."""

import pytest

from cases.constants import Ethnicity
from reporting import figures, satisfaction


def test_the_satisfaction_results_use_the_equality_pages_rule():
    assert satisfaction.ethnic_group is figures.ethnic_group
    assert (satisfaction.WHITE, satisfaction.MINORITY, satisfaction.NOT_KNOWN) == (
        figures.WHITE,
        figures.MINORITY,
        figures.NOT_KNOWN,
    )


@pytest.mark.parametrize(
    "code,group",
    [("", "Not known"), (Ethnicity.NOT_STATED, "Not known")]
    + [(e.value, "White") for e in Ethnicity if e.value.startswith("W")]
    + [
        (e.value, "Ethnic minority")
        for e in Ethnicity
        if e.value[:1] not in ("W", "") and e != Ethnicity.NOT_STATED
    ],
)
def test_groups(code, group):
    assert satisfaction.ethnic_group(code) == group
