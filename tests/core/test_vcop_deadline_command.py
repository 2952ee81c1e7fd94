from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> str:
    out = StringIO()
    call_command("vcop_deadline", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,expected",
    [
        (["ARREST", "2026-11-02T10:00", "--enhanced"], "2026-11-03T23:59:59.999999+00:00"),
        (["ARREST", "2026-11-02T10:00"], "2026-11-09T23:59:59.999999+00:00"),
        (["ARREST", "2026-12-18T16:00"], "2026-12-29T23:59:59.999999+00:00"),
        (["CHARGE", "2026-12-23T12:00"], "2027-01-04T23:59:59.999999+00:00"),
        (["ARREST", "2026-04-02T10:00", "--enhanced"], "2026-04-07T23:59:59.999999+01:00"),
        (["ARREST", "2026-11-07T10:00", "--enhanced"], "2026-11-09T23:59:59.999999+00:00"),  # Saturday
        (
            ["HEARING_DATE", "2026-10-23T18:00+01:00"],
            "2026-10-26T23:59:59.999999+00:00",
        ),  # across the clock change
        (["PROGRESS_UPDATE", "2026-03-20T10:00"], "2026-04-17T23:59:59.999999+01:00"),
        (["arrest", "2026-11-02T10:00", "--rule-set", "vcop-2006"], "2026-11-09T23:59:59.999999+00:00"),
        (["VRR_DECISION", "2026-11-02T10:00"], "2026-12-14T23:59:59.999999+00:00"),
    ],
)
def test_prints_exactly_one_line(args, expected):
    assert run(*args) == expected + "\n"


@pytest.mark.django_db
def test_uses_the_edition_in_force_at_the_trigger():
    # vcop-2006 has no CLOSURE duty; vcop-2020 (from 2021-04-01) does.
    with pytest.raises(CommandError, match="Unknown rule 'CLOSURE' in vcop-2006"):
        run("CLOSURE", "2019-06-03T10:00")
    assert run("CLOSURE", "2021-06-03T10:00") == "2021-06-10T23:59:59.999999+01:00\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["NOPE", "2026-11-02T10:00"], "Unknown rule 'NOPE'"),
        (["ARREST", "2026-02-30T10:00"], "invalid trigger time"),
        (["ARREST", "tomorrow"], "invalid trigger time"),
        (["ARREST", "2026-03-29T01:30"], "daylight saving"),
        (["ARREST", "2026-11-02T10:00", "--rule-set", "vcop-1999"], "Unknown rule set 'vcop-1999'"),
        (["ARREST", "1999-01-04T10:00"], "No edition of the Code was in force"),
    ],
)
def test_bad_input_is_a_clear_error(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
