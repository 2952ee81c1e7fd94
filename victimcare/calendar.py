"""England & Wales working days and Victims' Code (VCOP) deadlines.

A pure module: no ORM, no settings, no clock. Callers pass dates and aware datetimes in, so the results
are reproducible in tests, in Celery jobs and in back-dated data fixes alike.

Time-zone model (the Victims' Code counts working days in England and Wales local time):

* Instants are stored and returned as aware UTC datetimes.
* What counts as "the day" of an event is its *Europe/London* date, never its UTC date: an event at
  00:30 BST on a Friday is 23:30 UTC on the Thursday, but for a victim and a force it happened on Friday.
* A deadline is the end of a London day (23:59:59.999999 local). Its UTC instant depends on whether
  that day is in GMT (+00:00) or BST (+01:00), so it is computed from the local date each time and never
  by adding hours to a UTC instant. London's clocks change at 01:00 UTC, so local midnight and 23:59 always
  exist exactly once.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

import holidays

LONDON = zoneinfo.ZoneInfo("Europe/London")

__all__ = [
    "LONDON",
    "add_months",
    "london_month",
    "month_bounds",
    "month_start",
    "WorkingDayCalendar",
    "due_after_calendar_days",
    "due_after_working_days",
    "end_of_local_day",
    "format_london",
    "local_date",
    "parse_trigger",
]


def _require_date(d: date) -> date:
    # datetime is a subclass of date, but a datetime never equals a date, so it would silently miss every
    # holiday; and its calendar date may be the UTC one. Make callers convert with local_date() instead.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}; use local_date(dt) for datetimes")
    return d


def _require_aware(dt: datetime) -> datetime:
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()} has no time zone; pass an aware datetime")
    return dt


class WorkingDayCalendar:
    """Monday to Friday, excluding England & Wales bank holidays and force-specific closure days.

    Bank holidays come from ``holidays.country_holidays("GB", subdiv="ENG")`` (England and Wales share
    the same list). Do NOT use the country without a subdivision: depending on the library version that is
    either the UK-wide subset (no Easter Monday, no late-summer holiday) or a mix that includes Scottish
    and Northern Irish days (2 January, St Andrew's Day, 12 July) - both give wrong deadlines here.
    The library already includes substitute days ("observed") and one-offs such as 2022-06-03 (Jubilee),
    2022-09-19 (the Queen's funeral) and 2023-05-08 (the Coronation).
    """

    def __init__(self, closure_days: Iterable[date] = (), years: Iterable[int] | None = None) -> None:
        self._closures = frozenset(_require_date(d) for d in closure_days)
        # Holidays are loaded one year at a time, on first use, so any year works without a fixed range.
        self._bank_holidays: dict[int, frozenset[date]] = {}
        for year in years or ():
            self._holidays_in(year)

    def _holidays_in(self, year: int) -> frozenset[date]:
        cached = self._bank_holidays.get(year)
        if cached is None:
            # Includes weekend dates (e.g. Christmas on a Saturday) with their weekday substitutes.
            cached = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))
            self._bank_holidays[year] = cached
        return cached

    def is_working_day(self, d: date) -> bool:
        _require_date(d)
        return d.weekday() < 5 and d not in self._holidays_in(d.year) and d not in self._closures

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day strictly after ``d`` (``d`` itself never counts); ``n == 0`` returns ``d``."""
        _require_date(d)
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        current = d
        while n > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                n -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]; 0 when ``end <= start``.

        So ``working_days_between(d, add_working_days(d, n)) == n``.
        """
        _require_date(start)
        _require_date(end)
        days = (end - start).days
        return sum(self.is_working_day(start + timedelta(days=i)) for i in range(1, days + 1))


def end_of_local_day(d: date) -> datetime:
    """23:59:59.999999 Europe/London on ``d``, as an aware UTC datetime."""
    _require_date(d)
    return datetime.combine(d, time.max, tzinfo=LONDON).astimezone(UTC)


def local_date(dt: datetime) -> date:
    """The Europe/London calendar date of an aware datetime."""
    return _require_aware(dt).astimezone(LONDON).date()


def parse_trigger(s: str) -> datetime:
    """Parse an ISO 8601 date-time into an aware UTC datetime.

    * With an offset (``+01:00``, ``Z``) the instant is kept exactly as given.
    * Without one it is Europe/London wall-clock time. A bare date means local midnight.
    * Local times that do not exist (the spring-forward gap, e.g. 01:30 on 29 Mar 2026) are rejected.
    * Ambiguous local times (the repeated autumn hour, e.g. 01:30 on 25 Oct 2026) resolve to the FIRST
      occurrence (``fold=0``, still BST). Send an explicit offset to mean the second one.
    """
    if not isinstance(s, str):
        raise TypeError(f"expected a string, got {type(s).__name__}")
    text = s.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(
            f"invalid trigger time {s!r}: expected an ISO 8601 date-time such as 2026-11-02T10:00 "
            f"(Europe/London) or 2026-11-02T10:00+00:00 ({exc})"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=LONDON, fold=0)
    # zoneinfo accepts gap times silently; a wall time that does not survive a round trip never existed.
    if local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != parsed:
        raise ValueError(
            f"invalid trigger time {s!r}: {parsed:%H:%M} on {parsed:%Y-%m-%d} does not exist in "
            "Europe/London (clocks go forward for daylight saving); give an explicit UTC offset"
        )
    return local.astimezone(UTC)


def due_after_working_days(trigger_at: datetime, n: int, cal: WorkingDayCalendar) -> datetime:
    """VCOP "within n working days": the trigger's London date is day 0 (even if it is a weekend or a
    holiday); the deadline is the end of the n-th working day after it, as an aware UTC datetime."""
    return end_of_local_day(cal.add_working_days(local_date(trigger_at), n))


def due_after_calendar_days(last_at: datetime, days: int) -> datetime:
    """Recurring periods ("every 28 days"): end of the London day ``days`` calendar days after the London
    date of ``last_at``, as an aware UTC datetime. Counted in dates, so DST changes cannot shift it."""
    if days < 0:
        raise ValueError(f"days must be 0 or more, got {days}")
    return end_of_local_day(local_date(last_at) + timedelta(days=days))


def format_london(dt: datetime) -> str:
    """ISO 8601 in Europe/London with its offset, microseconds always shown, e.g. for audit and API output:
    ``2026-11-03T23:59:59.999999+00:00`` or ``2026-04-07T23:59:59.999999+01:00``."""
    return _require_aware(dt).astimezone(LONDON).isoformat(timespec="microseconds")


# --- London months (dashboards, survey results, call-backs and dip samples count by them) ---------------
def month_start(d: date) -> date:
    """The first day of d's month."""
    return date(d.year, d.month, 1)


def london_month(dt: datetime) -> date:
    """The first day of the London month an instant falls in (23:30 UTC on 31 July in summer is August)."""
    return month_start(local_date(dt))


def add_months(d: date, n: int) -> date:
    """The first day of the month n months after d's (n may be negative)."""
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def month_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """The aware instants from the start of `first`'s London month to the start of the month after
    `last`'s (default: the same month): [start, end)."""
    last = first if last is None else last
    start = datetime.combine(month_start(first), time.min, tzinfo=LONDON).astimezone(UTC)
    end = datetime.combine(add_months(last, 1), time.min, tzinfo=LONDON).astimezone(UTC)
    return start, end
