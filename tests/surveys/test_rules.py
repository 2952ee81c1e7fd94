"""Survey eligibility, sampling and scoring, table-driven without a database: every "never" of the issue."""

from dataclasses import replace

import pytest

from surveys.constants import QuestionKind
from surveys.eligibility import Facts, Rules, reasons_not, sampled
from surveys.scoring import QuestionSpec, dissatisfied, options, satisfied, score

OK = Facts(
    age=30,
    offence_group="violence",
    role="victim",
    restricted=False,
    wants_updates=True,
    wants_surveys=None,
    safe_channel=True,
    invited_in_period=False,
)


@pytest.mark.parametrize(
    "change,rules,reason",
    [
        ({}, Rules(), None),
        ({"age": 16}, Rules(), None),
        ({"age": 15}, Rules(), "They are under 16."),
        ({"age": 17}, Rules(min_age=18), "They are under 18."),
        (
            {"age": None},
            Rules(),
            "Their date of birth is not recorded, so we cannot tell they are 16 or over.",
        ),
        ({}, Rules(offence_groups=("burglary",)), "This offence group is not surveyed."),
        ({}, Rules(offence_groups=("burglary", "violence")), None),
        ({"wants_surveys": False}, Rules(), "They asked not to be sent surveys."),
        ({"wants_updates": False}, Rules(), "They asked not to be contacted."),
        ({"role": "bereaved"}, Rules(), "Bereaved families are surveyed only if they ask to be."),
        ({"role": "bereaved", "wants_surveys": True}, Rules(), None),
        ({"role": "parent_guardian"}, Rules(), None),
        ({"restricted": True}, Rules(), "The case is restricted."),
        ({"restricted": True, "wants_surveys": True}, Rules(), "The case is restricted."),
        ({"safe_channel": False}, Rules(), "No email, mobile number or address is marked safe."),
        ({"invited_in_period": True}, Rules(), "They have already been invited in this period."),
        ({"answered": True}, Rules(), "They have already answered a survey about this case."),
    ],
)
def test_eligibility(change, rules, reason):
    reasons = reasons_not(replace(OK, **change), rules)
    if reason is None:
        assert reasons == []
    else:
        assert reason in reasons


def test_every_reason_is_given_at_once():
    f = replace(OK, age=12, restricted=True, safe_channel=False)
    assert len(reasons_not(f, Rules())) == 3


@pytest.mark.parametrize("rate", [0, 10, 25, 50, 90, 100])
def test_sampling_rate_is_kept_and_repeatable(rate):
    keys = [f"1:{i}" for i in range(20_000)]
    picked = [k for k in keys if sampled(k, rate)]
    assert abs(len(picked) / len(keys) * 100 - rate) < 1.5
    assert picked == [k for k in keys if sampled(k, rate)]  # a rerun picks the same victims


QUESTIONS = [
    QuestionSpec("ease", QuestionKind.SCALE, required=True, area="ease_of_contact"),
    QuestionSpec("whole", QuestionKind.SCALE, required=True, area="whole_experience"),
    QuestionSpec("knew", QuestionKind.YES_NO),
    QuestionSpec("contact", QuestionKind.CHOICE, choices=("none", "once")),
    QuestionSpec("why", QuestionKind.TEXT),
]


@pytest.mark.parametrize(
    "raw,answers,errors",
    [
        ({"ease": "7", "whole": "1"}, {"ease": 7, "whole": 1}, {}),
        (
            {"ease": "5", "whole": "4", "knew": "dont_know", "contact": "once", "why": " slow \r\n reply "},
            {"ease": 5, "whole": 4, "knew": "dont_know", "contact": "once", "why": "slow \n reply"},
            {},
        ),
        (
            {"whole": "3"},
            {"whole": 3},
            {"ease": "Choose how satisfied you are with how easy it was to contact us"},
        ),
        (
            {"ease": "8", "whole": "0"},
            {},
            {"ease": "Choose one of the answers given", "whole": "Choose one of the answers given"},
        ),
        ({"ease": "7", "whole": "seven"}, {"ease": 7}, {"whole": "Choose one of the answers given"}),
        (
            {"ease": "7", "whole": "7", "knew": "maybe"},
            {"ease": 7, "whole": 7},
            {"knew": "Choose one of the answers given"},
        ),
        (
            {"ease": "7", "whole": "7", "contact": "twice"},
            {"ease": 7, "whole": 7},
            {"contact": "Choose one of the answers given"},
        ),
        (
            {"ease": "7", "whole": "7", "why": "x" * 2001},
            {"ease": 7, "whole": 7},
            {"why": "Use 2,000 characters or fewer"},
        ),
        ({"ease": "7", "whole": "7", "why": "\x00\x07"}, {"ease": 7, "whole": 7}, {}),
    ],
)
def test_score(raw, answers, errors):
    s = score(QUESTIONS, raw)
    assert s.answers == answers
    assert s.errors == errors
    assert s.areas == {
        a: v
        for a, v in (("ease_of_contact", answers.get("ease")), ("whole_experience", answers.get("whole")))
        if v
    }


@pytest.mark.parametrize(
    "value,sat,dis",
    [
        (7, True, False),
        (5, True, False),
        (4, False, False),
        (3, False, True),
        (1, False, True),
        (None, False, False),
    ],
)
def test_satisfied_bands(value, sat, dis):
    assert satisfied(value) is sat
    assert dissatisfied(value) is dis


def test_scale_in_welsh_and_most_satisfied_first():
    en = options(QuestionKind.SCALE, language="en")
    cy = options(QuestionKind.SCALE, language="cy")
    assert en[0] == ("7", "Completely satisfied") and en[-1] == ("1", "Completely dissatisfied")
    assert cy[0] == ("7", "Cwbl fodlon") and cy[-1] == ("1", "Cwbl anfodlon")
    assert options(QuestionKind.CHOICE, [{"value": "a", "en": "A", "cy": "Ay"}], "cy") == [("a", "Ay")]
