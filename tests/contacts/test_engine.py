"""The deadline engine (contacts.engine): pure functions of a rule, a trigger time and a calendar.

No database: rules are small stand-ins with the Rule fields the engine reads."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from contacts import engine
from victimcare.calendar import LONDON, WorkingDayCalendar

CAL = WorkingDayCalendar()


def rule(code="X", *, std=None, enh=None, period=None, first=None, remind=None, second=2):
    return SimpleNamespace(
        code=code,
        standard_wd=std,
        enhanced_wd=enh,
        period_days=period,
        first_period_days=first,
        remind_days_before=remind,
        second_escalation_days=second,
    )


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def end_gmt(y, m, d):
    return utc(y, m, d, 23, 59, 59, 999999)


def end_bst(y, m, d):
    return utc(y, m, d, 22, 59, 59, 999999)


FIVE_ONE = rule("ARREST", std=5, enh=1)  # 5 WD standard, 1 WD enhanced
FIVE_FIVE = rule("ACKNOWLEDGE", std=5, enh=5)
ONE_ONE = rule("NEEDS_ASSESSMENT", std=1, enh=1)
TEN = rule("VCS_REFERRAL", std=10, enh=10)
THIRTY = rule("VRR_DECISION", std=30, enh=30)
STD_ONLY = rule("ODD", std=5, enh=None)


# --- working-day limits ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("trigger", "r", "enhanced", "expected"),
    [
        # VCOP_RULES.md examples
        pytest.param(london(2026, 11, 2, 10), FIVE_ONE, True, end_gmt(2026, 11, 3), id="mon-1wd"),
        pytest.param(london(2026, 11, 2, 10), FIVE_ONE, False, end_gmt(2026, 11, 9), id="mon-5wd"),
        pytest.param(london(2026, 12, 18, 16), FIVE_ONE, False, end_gmt(2026, 12, 29), id="christmas-5wd"),
        pytest.param(london(2026, 12, 18, 16), FIVE_ONE, True, end_gmt(2026, 12, 21), id="fri-dec-1wd"),
        pytest.param(london(2026, 12, 23, 9), FIVE_ONE, False, end_gmt(2027, 1, 4), id="dec23-5wd"),
        pytest.param(london(2026, 4, 2, 12), FIVE_ONE, True, end_bst(2026, 4, 7), id="easter-1wd"),
        # a weekend trigger: Saturday is day 0
        pytest.param(london(2026, 11, 7, 15), FIVE_ONE, True, end_gmt(2026, 11, 9), id="saturday-1wd"),
        pytest.param(london(2026, 11, 8, 23, 59), FIVE_ONE, True, end_gmt(2026, 11, 9), id="sunday-late"),
        # a trigger on a bank holiday (Easter Monday 2026) counts as day 0
        pytest.param(london(2026, 4, 6, 10), ONE_ONE, False, end_bst(2026, 4, 7), id="on-holiday"),
        # the same limit for both when standard == enhanced
        pytest.param(london(2026, 11, 2, 10), FIVE_FIVE, True, end_gmt(2026, 11, 9), id="5-5-enhanced"),
        pytest.param(london(2026, 11, 2, 10), FIVE_FIVE, False, end_gmt(2026, 11, 9), id="5-5-standard"),
        # no enhanced limit: the standard one applies to everyone
        pytest.param(london(2026, 11, 2, 10), STD_ONLY, True, end_gmt(2026, 11, 9), id="no-enhanced"),
        # one-off holidays
        pytest.param(london(2022, 6, 1, 10), ONE_ONE, False, end_bst(2022, 6, 6), id="jubilee-2022"),
        pytest.param(london(2022, 9, 16, 10), ONE_ONE, False, end_bst(2022, 9, 20), id="funeral-2022"),
        pytest.param(london(2023, 5, 5, 10), ONE_ONE, False, end_bst(2023, 5, 9), id="coronation-2023"),
        # substitute days
        pytest.param(london(2022, 12, 23, 10), ONE_ONE, False, end_gmt(2022, 12, 28), id="xmas-2022-sub"),
        pytest.param(london(2027, 12, 24, 10), ONE_ONE, False, end_gmt(2027, 12, 29), id="xmas-2027-sub"),
        pytest.param(london(2021, 12, 31, 10), ONE_ONE, False, end_gmt(2022, 1, 4), id="new-year-2022-sub"),
        # Scotland's 2 January and Northern Ireland's 12 July are working days in England
        pytest.param(london(2024, 1, 1, 10), ONE_ONE, False, end_gmt(2024, 1, 2), id="not-scottish-2jan"),
        pytest.param(london(2024, 7, 11, 10), ONE_ONE, False, end_bst(2024, 7, 12), id="not-ni-12jul"),
        # summer and early May holidays
        pytest.param(london(2025, 8, 22, 10), ONE_ONE, False, end_bst(2025, 8, 26), id="summer-2025"),
        pytest.param(london(2026, 5, 1, 10), ONE_ONE, False, end_bst(2026, 5, 5), id="early-may-2026"),
        # longer limits
        pytest.param(london(2026, 11, 2, 10), TEN, False, end_gmt(2026, 11, 16), id="10wd"),
        pytest.param(london(2026, 11, 2, 10), THIRTY, False, end_gmt(2026, 12, 14), id="30wd"),
    ],
)
def test_due_at_working_days(trigger, r, enhanced, expected):
    assert engine.due_at(trigger, r, enhanced=enhanced, cal=CAL) == expected


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        # 00:30 BST on Friday 26 Jun 2026 is 23:30 UTC on Thursday: the London date (Friday) is day 0.
        pytest.param(utc(2026, 6, 25, 23, 30), end_bst(2026, 6, 29), id="just-after-midnight-bst"),
        # the spring-forward weekend: Friday trigger, deadline on Monday in BST
        pytest.param(london(2026, 3, 27, 12), end_bst(2026, 3, 30), id="spring-forward"),
        # the autumn change: Friday 23 Oct 2026 (BST) -> Monday 26 Oct (GMT)
        pytest.param(london(2026, 10, 23, 23, 30), end_gmt(2026, 10, 26), id="fall-back"),
    ],
)
def test_due_at_uses_london_date_across_dst(trigger, expected):
    assert engine.due_at(trigger, ONE_ONE, enhanced=False, cal=CAL) == expected


def test_due_at_respects_closure_days():
    cal = WorkingDayCalendar(closure_days=[date(2026, 11, 3)])
    assert engine.due_at(london(2026, 11, 2, 10), ONE_ONE, enhanced=False, cal=cal) == end_gmt(2026, 11, 4)


def test_due_at_is_utc_and_aware():
    due = engine.due_at(london(2026, 7, 1, 10), ONE_ONE, enhanced=False, cal=CAL)
    assert due.utcoffset() == timedelta(0)
    assert due.astimezone(LONDON).isoformat() == "2026-07-02T23:59:59.999999+01:00"


# --- recurring periods -----------------------------------------------------------------------------
MONTHLY = rule("PROGRESS_UPDATE", period=28, remind=7)
FIRST_7 = rule("PROGRESS_UPDATE", period=28, first=7, remind=2)


@pytest.mark.parametrize(
    ("r", "period_days", "first", "trigger", "expected"),
    [
        pytest.param(MONTHLY, None, False, london(2026, 11, 2, 10), end_gmt(2026, 11, 30), id="28-days"),
        pytest.param(MONTHLY, None, True, london(2026, 11, 2, 10), end_gmt(2026, 11, 30), id="28-first"),
        # the plan's agreed period is used when given
        pytest.param(MONTHLY, 7, False, london(2026, 11, 2, 10), end_gmt(2026, 11, 9), id="weekly"),
        pytest.param(MONTHLY, 14, False, london(2026, 11, 2, 10), end_gmt(2026, 11, 16), id="fortnightly"),
        # first period: the first update is due sooner, later ones use the full period
        pytest.param(FIRST_7, None, True, london(2026, 11, 2, 10), end_gmt(2026, 11, 9), id="first-7"),
        pytest.param(FIRST_7, None, False, london(2026, 11, 2, 10), end_gmt(2026, 11, 30), id="then-28"),
        # never later than a shorter agreed period
        pytest.param(FIRST_7, 14, True, london(2026, 11, 2, 10), end_gmt(2026, 11, 9), id="first-vs-14"),
        pytest.param(
            rule(period=28, first=14), 7, True, london(2026, 11, 2), end_gmt(2026, 11, 9), id="7<14"
        ),
        # calendar days, not working days: weekends and holidays count
        pytest.param(rule(period=7), None, False, london(2026, 12, 21, 10), end_gmt(2026, 12, 28), id="xmas"),
        # across the spring change: counted in London dates, the deadline is in BST
        pytest.param(MONTHLY, None, False, london(2026, 3, 20, 12), end_bst(2026, 4, 17), id="into-bst"),
        pytest.param(MONTHLY, None, False, london(2026, 10, 10, 12), end_gmt(2026, 11, 7), id="into-gmt"),
        # a late-evening trigger in BST is still that London day
        pytest.param(MONTHLY, 7, False, utc(2026, 6, 30, 23, 30), end_bst(2026, 7, 8), id="late-bst"),
    ],
)
def test_due_at_recurring(r, period_days, first, trigger, expected):
    assert (
        engine.due_at(trigger, r, enhanced=False, cal=CAL, period_days=period_days, first=first) == expected
    )


def test_due_at_recurring_ignores_enhanced():
    t = london(2026, 11, 2, 10)
    assert engine.due_at(t, MONTHLY, enhanced=True, cal=CAL) == engine.due_at(
        t, MONTHLY, enhanced=False, cal=CAL
    )


def test_due_at_rule_without_limit_or_period_is_an_error():
    with pytest.raises(ValueError, match="BROKEN"):
        engine.due_at(london(2026, 11, 2, 10), rule("BROKEN"), enhanced=False, cal=CAL)


# --- reminders and escalations -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("r", "enhanced", "trigger", "remind", "escalate"),
    [
        # no offset: remind at once
        pytest.param(
            ONE_ONE, False, london(2026, 11, 2, 10), london(2026, 11, 2, 10), None, id="1wd-at-once"
        ),
        pytest.param(
            FIVE_ONE, False, london(2026, 11, 2, 10), london(2026, 11, 2, 10), None, id="null-at-once"
        ),
        # N days before the deadline
        pytest.param(
            rule(std=5, enh=5, remind=2),
            False,
            london(2026, 11, 2, 10),
            end_gmt(2026, 11, 7),
            None,
            id="5wd-2-days-before",
        ),
        pytest.param(
            rule(std=10, enh=10, remind=3, second=5),
            False,
            london(2026, 11, 2, 10),
            end_gmt(2026, 11, 13),
            end_gmt(2026, 11, 21),
            id="10wd-3-days-before",
        ),
        # never before the trigger: a 2 WD duty on Monday with a 3-day offset reminds at once
        pytest.param(
            rule(std=2, enh=2, remind=3),
            False,
            london(2026, 11, 2, 10),
            london(2026, 11, 2, 10),
            None,
            id="never-before-trigger",
        ),
        # a 1 WD duty reminds at once even when the rule has an offset (Friday -> due Monday)
        pytest.param(
            rule(std=5, enh=1, remind=2),
            True,
            london(2026, 11, 6, 10),
            london(2026, 11, 6, 10),
            None,
            id="1wd-with-offset-at-once",
        ),
        pytest.param(
            rule(std=1, enh=1, remind=1),
            False,
            london(2026, 11, 2, 10),
            london(2026, 11, 2, 10),
            None,
            id="1wd-offset-1",
        ),
        # ...but the same rule's 5 WD standard limit uses the offset
        pytest.param(
            rule(std=5, enh=1, remind=2),
            False,
            london(2026, 11, 6, 10),
            end_gmt(2026, 11, 11),
            None,
            id="5wd-same-rule-offset",
        ),
        # a recurring 28-day duty reminds 7 days before (the 21st day)
        pytest.param(MONTHLY, False, london(2026, 11, 2, 10), end_gmt(2026, 11, 23), None, id="28d-21st-day"),
    ],
)
def test_schedule(r, enhanced, trigger, remind, escalate):
    due = engine.due_at(trigger, r, enhanced=enhanced, cal=CAL)
    sch = engine.schedule(trigger, due, r, enhanced=enhanced)
    assert sch.due_at == due
    assert sch.remind_at == remind
    assert trigger <= sch.remind_at <= sch.due_at
    assert sch.escalate_at == (escalate or due + timedelta(days=r.second_escalation_days))
    assert sch.escalate_at > sch.due_at


def test_schedule_seven_day_first_update_reminds_on_day_five():
    t = london(2026, 11, 2, 10)
    due = engine.due_at(t, FIRST_7, enhanced=False, cal=CAL, first=True)
    assert engine.schedule(t, due, FIRST_7).remind_at == end_gmt(2026, 11, 7)


def test_schedule_escalates_after_the_further_period():
    t = london(2026, 11, 2, 10)
    r = rule(std=5, enh=1, second=0)
    due = engine.due_at(t, r, enhanced=False, cal=CAL)
    assert engine.schedule(t, due, r).escalate_at == due


# --- red / amber / green ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "due", "expected"),
    [
        # overdue
        pytest.param(london(2026, 11, 4, 0, 0), end_gmt(2026, 11, 3), "red", id="overdue-by-a-moment"),
        pytest.param(london(2026, 11, 20, 9), end_gmt(2026, 11, 3), "red", id="long-overdue"),
        # due today or by the end of the next working day
        pytest.param(london(2026, 11, 2, 10), london(2026, 11, 2, 10), "amber", id="due-right-now"),
        pytest.param(london(2026, 11, 2, 10), end_gmt(2026, 11, 2), "amber", id="due-today"),
        pytest.param(london(2026, 11, 2, 10), end_gmt(2026, 11, 3), "amber", id="due-tomorrow"),
        pytest.param(london(2026, 11, 2, 10), end_gmt(2026, 11, 4), "green", id="due-in-2-days"),
        # Friday -> Monday
        pytest.param(london(2026, 11, 6, 10), end_gmt(2026, 11, 9), "amber", id="fri-due-mon"),
        pytest.param(london(2026, 11, 6, 10), end_gmt(2026, 11, 8), "amber", id="fri-due-sun"),
        pytest.param(london(2026, 11, 6, 10), end_gmt(2026, 11, 10), "green", id="fri-due-tue"),
        # at the weekend the next working day is Monday
        pytest.param(london(2026, 11, 7, 10), end_gmt(2026, 11, 9), "amber", id="sat-due-mon"),
        pytest.param(london(2026, 11, 7, 10), end_gmt(2026, 11, 10), "green", id="sat-due-tue"),
        # bank holidays: Thursday before Easter -> Tuesday after
        pytest.param(london(2026, 4, 2, 10), end_bst(2026, 4, 7), "amber", id="easter-due-tue"),
        pytest.param(london(2026, 4, 2, 10), end_bst(2026, 4, 8), "green", id="easter-due-wed"),
        # Christmas 2026: Thursday 24 Dec -> Tuesday 29 Dec (25th and the Boxing Day substitute 28th off)
        pytest.param(london(2026, 12, 24, 10), end_gmt(2026, 12, 29), "amber", id="xmas-due-tue"),
        pytest.param(london(2026, 12, 24, 10), end_gmt(2026, 12, 30), "green", id="xmas-due-wed"),
        # the London date decides: 00:30 BST Friday is Thursday in UTC
        pytest.param(utc(2026, 6, 25, 23, 30), end_bst(2026, 6, 29), "amber", id="bst-midnight-fri"),
        pytest.param(utc(2026, 6, 25, 23, 30), end_bst(2026, 6, 30), "green", id="bst-midnight-fri-tue"),
    ],
)
def test_rag(now, due, expected):
    assert engine.rag(due, now, CAL) == expected


def test_rag_with_closure_day():
    cal = WorkingDayCalendar(closure_days=[date(2026, 11, 9)])
    # Friday, with Monday closed: Tuesday is the next working day
    assert engine.rag(end_gmt(2026, 11, 10), london(2026, 11, 6, 10), cal) == "amber"
    assert engine.rag(end_gmt(2026, 11, 10), london(2026, 11, 6, 10), CAL) == "green"
