"""Working days and VCOP deadlines (victimcare.calendar). Pure: no database, no clock."""

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from victimcare.calendar import (
    LONDON,
    WorkingDayCalendar,
    due_after_calendar_days,
    due_after_working_days,
    end_of_local_day,
    format_london,
    local_date,
    parse_trigger,
)

CAL = WorkingDayCalendar()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def end_gmt(y: int, m: int, d: int) -> datetime:
    """End of a London day in winter (GMT == UTC)."""
    return utc(y, m, d, 23, 59, 59, 999999)


def end_bst(y: int, m: int, d: int) -> datetime:
    """End of a London day in summer (BST == UTC+1): 22:59:59.999999 UTC."""
    return utc(y, m, d, 22, 59, 59, 999999)


# England & Wales bank holidays as published on gov.uk: the weekdays people actually have off.
EXPECTED_BANK_HOLIDAYS = {
    2022: {
        date(2022, 1, 3),  # New Year's Day substitute (1 Jan is a Saturday)
        date(2022, 4, 15),  # Good Friday
        date(2022, 4, 18),  # Easter Monday
        date(2022, 5, 2),  # Early May
        date(2022, 6, 2),  # Spring bank holiday (moved for the Jubilee)
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 8, 29),  # Summer
        date(2022, 9, 19),  # State funeral of Queen Elizabeth II
        date(2022, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day substitute (25 Dec is a Sunday)
    },
    2023: {
        date(2023, 1, 2),  # New Year's Day substitute (1 Jan is a Sunday)
        date(2023, 4, 7),
        date(2023, 4, 10),
        date(2023, 5, 1),
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2023, 5, 29),
        date(2023, 8, 28),
        date(2023, 12, 25),
        date(2023, 12, 26),
    },
    2024: {
        date(2024, 1, 1),
        date(2024, 3, 29),
        date(2024, 4, 1),
        date(2024, 5, 6),
        date(2024, 5, 27),
        date(2024, 8, 26),
        date(2024, 12, 25),
        date(2024, 12, 26),
    },
    2025: {
        date(2025, 1, 1),
        date(2025, 4, 18),
        date(2025, 4, 21),
        date(2025, 5, 5),
        date(2025, 5, 26),
        date(2025, 8, 25),
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    2026: {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day substitute (26 Dec is a Saturday)
    },
    2027: {
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day substitute (25 Dec is a Saturday)
        date(2027, 12, 28),  # Boxing Day substitute (26 Dec is a Sunday)
    },
}


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


# --- bank holidays -------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(EXPECTED_BANK_HOLIDAYS))
def test_weekday_non_working_days_are_exactly_the_england_and_wales_bank_holidays(year):
    cal = WorkingDayCalendar()
    non_working_weekdays = {d for d in days_of(year) if d.weekday() < 5 and not cal.is_working_day(d)}
    assert non_working_weekdays == EXPECTED_BANK_HOLIDAYS[year]


@pytest.mark.parametrize("d", sorted(set().union(*EXPECTED_BANK_HOLIDAYS.values())))
def test_each_bank_holiday_is_not_a_working_day(d):
    assert CAL.is_working_day(d) is False


@pytest.mark.parametrize(
    "d",
    [
        date(2024, 1, 2),  # Scotland: 2 January
        date(2025, 1, 2),
        date(2026, 1, 2),
        date(2027, 1, 4),  # Scotland: 2 January substitute
        date(2025, 12, 1),  # Scotland: St Andrew's Day substitute (30 Nov 2025 is a Sunday)
        date(2026, 11, 30),  # Scotland: St Andrew's Day
        date(2026, 8, 3),  # Scotland: summer bank holiday (first Monday in August)
        date(2026, 3, 17),  # Northern Ireland: St Patrick's Day
        date(2025, 7, 14),  # Northern Ireland: Battle of the Boyne substitute
        date(2026, 7, 13),  # Northern Ireland: Battle of the Boyne substitute
        date(2027, 7, 12),  # Northern Ireland: Battle of the Boyne
    ],
)
def test_scotland_and_northern_ireland_only_days_are_working_days(d):
    assert CAL.is_working_day(d) is True


@pytest.mark.parametrize("year", sorted(EXPECTED_BANK_HOLIDAYS))
def test_no_scottish_or_northern_irish_day_leaks_in(year):
    other = set(holidays.country_holidays("GB", subdiv="SCT", years=year))
    other |= set(holidays.country_holidays("GB", subdiv="NIR", years=year))
    for d in other - EXPECTED_BANK_HOLIDAYS[year]:
        assert CAL.is_working_day(d) is (d.weekday() < 5), d


def test_plain_uk_is_not_the_england_and_wales_list():
    # The trap the rules warn about: the country without a subdivision is a different list.
    plain = {d for d in holidays.country_holidays("UK", years=2026) if d.weekday() < 5}
    assert plain != EXPECTED_BANK_HOLIDAYS[2026]


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 11, 6), True),  # Friday
        (date(2026, 11, 7), False),  # Saturday
        (date(2026, 11, 8), False),  # Sunday
        (date(2026, 11, 9), True),  # Monday
        (date(2026, 12, 26), False),  # Boxing Day on a Saturday
        (date(2027, 12, 25), False),  # Christmas on a Saturday
    ],
)
def test_weekends(d, expected):
    assert CAL.is_working_day(d) is expected


def test_any_year_loads_lazily():
    cal = WorkingDayCalendar(years=[2026])
    assert cal.is_working_day(date(2035, 12, 25)) is False  # Tuesday, Christmas
    assert cal.is_working_day(date(1999, 12, 28)) is False  # Tuesday, Christmas substitute
    assert cal.is_working_day(date(2040, 6, 6)) is True  # Wednesday


def test_datetimes_are_rejected_where_a_date_is_expected():
    with pytest.raises(TypeError, match="local_date"):
        CAL.is_working_day(utc(2026, 12, 25, 12))


# --- closure days --------------------------------------------------------------------------------------


def test_closure_days_are_not_working_days_and_push_deadlines():
    closed = date(2026, 11, 3)  # Tuesday
    cal = WorkingDayCalendar(closure_days=[closed])
    assert cal.is_working_day(closed) is False
    assert CAL.is_working_day(closed) is True
    assert cal.add_working_days(date(2026, 11, 2), 1) == date(2026, 11, 4)
    assert cal.working_days_between(date(2026, 11, 2), date(2026, 11, 6)) == 3
    trigger = utc(2026, 11, 2, 10)
    assert due_after_working_days(trigger, 1, cal) == end_gmt(2026, 11, 4)


# --- add_working_days / next_working_day / working_days_between ---------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 11, 2), 0, date(2026, 11, 2)),
        (date(2026, 11, 7), 0, date(2026, 11, 7)),  # n=0 returns the date even when it is a Saturday
        (date(2026, 11, 2), 1, date(2026, 11, 3)),
        (date(2026, 11, 6), 1, date(2026, 11, 9)),  # Friday -> Monday
        (date(2026, 12, 1), 30, date(2027, 1, 15)),  # across Christmas and New Year
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2022, 12, 23), 3, date(2022, 12, 30)),  # 26 and 27 Dec 2022 are holidays
        # 2026: 261 weekdays - 8 bank holidays = 253 working days; the last three are 29-31 Dec.
        (date(2026, 1, 1), 250, date(2026, 12, 24)),
        (date(2026, 1, 1), 253, date(2026, 12, 31)),
    ],
)
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_add_working_days_rejects_negative_n():
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 11, 2), -1)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 7)),  # Easter
        (date(2026, 11, 6), date(2026, 11, 9)),
        (date(2026, 11, 7), date(2026, 11, 9)),
        (date(2026, 11, 9), date(2026, 11, 10)),
    ],
)
def test_next_working_day(d, expected):
    assert CAL.next_working_day(d) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 11, 2), date(2026, 11, 2), 0),
        (date(2026, 11, 2), date(2026, 11, 3), 1),
        (date(2026, 11, 2), date(2026, 11, 9), 5),
        (date(2026, 11, 6), date(2026, 11, 8), 0),  # (Fri, Sun]
        (date(2026, 12, 18), date(2026, 12, 29), 5),
        (date(2026, 11, 9), date(2026, 11, 2), 0),  # end before start
    ],
)
def test_working_days_between(start, end, expected):
    assert CAL.working_days_between(start, end) == expected


def test_property_every_day_2022_to_2027():
    cal = WorkingDayCalendar()
    for year in range(2022, 2028):
        for start in days_of(year):
            for n in (1, 2, 5, 10):
                result = cal.add_working_days(start, n)
                assert result > start, (start, n)
                assert cal.is_working_day(result), (start, n)
                assert cal.working_days_between(start, result) == n, (start, n)
                # Nothing was skipped: the day before the result holds only n - 1 working days.
                assert cal.working_days_between(start, result - timedelta(days=1)) == n - 1, (start, n)


# --- VCOP deadlines (every example in VCOP_RULES.md) ---------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "n", "expected"),
    [
        (london(2026, 11, 2, 10), 1, end_gmt(2026, 11, 3)),
        (london(2026, 11, 2, 10), 5, end_gmt(2026, 11, 9)),
        (london(2026, 12, 18, 16), 5, end_gmt(2026, 12, 29)),
        (london(2026, 12, 23, 10), 5, end_gmt(2027, 1, 4)),
        (london(2026, 4, 2, 10), 1, end_bst(2026, 4, 7)),
        (london(2026, 11, 7, 10), 1, end_gmt(2026, 11, 9)),  # Saturday event -> end of Monday
        (london(2026, 11, 8, 23, 59), 1, end_gmt(2026, 11, 9)),  # Sunday night -> end of Monday
        (london(2026, 12, 25, 12), 1, end_gmt(2026, 12, 29)),  # event on a bank holiday
    ],
)
def test_rules_examples(trigger, n, expected):
    assert due_after_working_days(trigger, n, CAL) == expected


@pytest.mark.parametrize(
    ("trigger", "n", "expected"),
    [
        # Spring forward: Sun 29 Mar 2026, 01:00 UTC. GMT trigger, deadline in BST.
        (utc(2026, 3, 26, 10), 5, utc(2026, 4, 2, 22, 59, 59, 999999)),
        (utc(2026, 3, 27, 16), 1, utc(2026, 3, 30, 22, 59, 59, 999999)),
        (utc(2026, 3, 29, 0, 30), 1, utc(2026, 3, 30, 22, 59, 59, 999999)),  # 00:30 GMT, before the change
        (utc(2026, 3, 29, 1, 30), 1, utc(2026, 3, 30, 22, 59, 59, 999999)),  # 02:30 BST, after it
        # Fall back: Sun 25 Oct 2026, 01:00 UTC. BST trigger, deadline in GMT.
        (utc(2026, 10, 22, 9), 5, utc(2026, 10, 29, 23, 59, 59, 999999)),
        (utc(2026, 10, 23, 22, 30), 1, utc(2026, 10, 26, 23, 59, 59, 999999)),  # Fri 23:30 BST
        (utc(2026, 10, 24, 23, 30), 1, utc(2026, 10, 26, 23, 59, 59, 999999)),  # Sun 00:30 BST
        (utc(2026, 10, 25, 0, 30), 1, utc(2026, 10, 26, 23, 59, 59, 999999)),  # first 01:30 (BST)
        (utc(2026, 10, 25, 1, 30), 1, utc(2026, 10, 26, 23, 59, 59, 999999)),  # second 01:30 (GMT)
    ],
)
def test_deadlines_across_daylight_saving_changes(trigger, n, expected):
    assert due_after_working_days(trigger, n, CAL) == expected


def test_london_date_not_utc_date_decides_day_zero():
    # Fri 7 Aug 2026 00:30 BST is Thu 6 Aug 23:30 UTC: the event happened on Friday in London.
    early_friday = utc(2026, 8, 6, 23, 30)
    assert local_date(early_friday) == date(2026, 8, 7)
    assert due_after_working_days(early_friday, 1, CAL) == end_bst(2026, 8, 10)  # Monday, not Friday
    # Sun 9 Aug 2026 23:30 UTC is Mon 10 Aug 00:30 BST: day 0 is Monday, so 1 WD is Tuesday.
    assert due_after_working_days(utc(2026, 8, 9, 23, 30), 1, CAL) == end_bst(2026, 8, 11)
    # Fri 7 Aug 2026 23:30 London (22:30 UTC) is still Friday; 1 WD is the end of Monday.
    late_friday = london(2026, 8, 7, 23, 30)
    assert late_friday.astimezone(UTC) == utc(2026, 8, 7, 22, 30)
    assert local_date(late_friday) == date(2026, 8, 7)
    assert due_after_working_days(late_friday, 1, CAL) == end_bst(2026, 8, 10)


def test_due_after_working_days_returns_utc():
    due = due_after_working_days(london(2026, 7, 1, 9), 2, CAL)
    assert due.tzinfo is UTC
    assert due == end_bst(2026, 7, 3)


# --- calendar-day periods ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_at", "days", "expected"),
    [
        (utc(2026, 3, 15, 14), 28, end_bst(2026, 4, 12)),  # GMT -> BST
        (utc(2026, 10, 10, 9), 28, end_gmt(2026, 11, 7)),  # BST -> GMT
        (utc(2026, 7, 31, 23, 30), 28, end_bst(2026, 8, 29)),  # London date is 1 Aug
        (utc(2026, 3, 29, 0, 30), 14, end_bst(2026, 4, 12)),  # on the night the clocks change
        (utc(2026, 12, 18, 16), 7, end_gmt(2026, 12, 25)),  # calendar days ignore bank holidays
        (utc(2026, 11, 2, 10), 0, end_gmt(2026, 11, 2)),
    ],
)
def test_due_after_calendar_days(last_at, days, expected):
    assert due_after_calendar_days(last_at, days) == expected


# --- local days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 1, 15), end_gmt(2026, 1, 15)),
        (date(2026, 7, 15), end_bst(2026, 7, 15)),
        (date(2026, 3, 29), end_bst(2026, 3, 29)),  # 23-hour day
        (date(2026, 10, 25), end_gmt(2026, 10, 25)),  # 25-hour day
    ],
)
def test_end_of_local_day(d, expected):
    result = end_of_local_day(d)
    assert result == expected
    assert result.tzinfo is UTC


def test_local_date_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 11, 2, 10))


# --- parse_trigger -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T10:00", utc(2026, 11, 2, 10)),  # no offset, GMT
        ("2026-07-01T10:00", utc(2026, 7, 1, 9)),  # no offset, BST
        ("2026-07-01T10:00:30.5", utc(2026, 7, 1, 9, 0, 30, 500000)),
        ("2026-07-01 10:00", utc(2026, 7, 1, 9)),
        ("2026-11-02", utc(2026, 11, 2, 0)),  # bare date: London midnight
        (" 2026-11-02T10:00 ", utc(2026, 11, 2, 10)),
        ("2026-07-01T10:00Z", utc(2026, 7, 1, 10)),  # offset kept
        ("2026-07-01T10:00+00:00", utc(2026, 7, 1, 10)),
        ("2026-07-01T10:00+05:30", utc(2026, 7, 1, 4, 30)),
        ("2026-11-02T10:00-05:00", utc(2026, 11, 2, 15)),
        ("2026-03-29T00:59", utc(2026, 3, 29, 0, 59)),  # last minute before the gap
        ("2026-03-29T02:00", utc(2026, 3, 29, 1, 0)),  # first minute after it
        ("2026-10-25T01:30", utc(2026, 10, 25, 0, 30)),  # ambiguous: first occurrence (BST)
        ("2026-10-25T01:30+00:00", utc(2026, 10, 25, 1, 30)),  # second occurrence by explicit offset
    ],
)
def test_parse_trigger(text, expected):
    result = parse_trigger(text)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    ["2026-02-30T10:00", "yesterday", "", "2026-13-01T10:00", "2026-11-02T25:00", "02/11/2026 10:00"],
)
def test_parse_trigger_rejects_nonsense(text):
    with pytest.raises(ValueError, match="invalid trigger time.*ISO 8601"):
        parse_trigger(text)


@pytest.mark.parametrize("text", ["2026-03-29T01:00", "2026-03-29T01:30", "2026-03-29T01:59:59"])
def test_parse_trigger_rejects_times_in_the_spring_forward_gap(text):
    with pytest.raises(ValueError, match="daylight saving"):
        parse_trigger(text)


# --- format_london -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (end_gmt(2026, 11, 3), "2026-11-03T23:59:59.999999+00:00"),
        (end_bst(2026, 4, 7), "2026-04-07T23:59:59.999999+01:00"),
        (utc(2026, 7, 1, 9), "2026-07-01T10:00:00.000000+01:00"),  # microseconds always shown
        (utc(2026, 8, 6, 23, 30), "2026-08-07T00:30:00.000000+01:00"),
        (utc(2026, 10, 25, 0, 30), "2026-10-25T01:30:00.000000+01:00"),
        (utc(2026, 10, 25, 1, 30), "2026-10-25T01:30:00.000000+00:00"),
    ],
)
def test_format_london(dt, expected):
    assert format_london(dt) == expected


def test_format_london_of_rules_examples():
    trigger = parse_trigger("2026-04-02T10:00")
    assert format_london(due_after_working_days(trigger, 1, CAL)) == "2026-04-07T23:59:59.999999+01:00"
    trigger = parse_trigger("2026-11-02T10:00")
    assert format_london(due_after_working_days(trigger, 1, CAL)) == "2026-11-03T23:59:59.999999+00:00"


def test_format_london_rejects_naive_datetimes():
    with pytest.raises(ValueError, match="naive"):
        format_london(datetime(2026, 11, 3, 23, 59))
