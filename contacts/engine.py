"""The deadline engine: pure functions of a rule, a trigger time and a calendar. No ORM, no clock.

`rule` is anything with the Rule fields used here (the model, or a stand-in in tests)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from victimcare.calendar import (
    WorkingDayCalendar,
    due_after_calendar_days,
    due_after_working_days,
    end_of_local_day,
    local_date,
)


@dataclass(frozen=True)
class Schedule:
    due_at: datetime
    remind_at: datetime
    escalate_at: datetime


def due_at(
    trigger_at: datetime,
    rule,
    *,
    enhanced: bool,
    cal: WorkingDayCalendar,
    period_days: int | None = None,
    first: bool = False,
) -> datetime:
    """When the duty falls due. Working-day limits count from the trigger's London date (day 0); recurring
    periods count calendar days from the last qualifying contact (or the start, for the first one)."""
    limit = working_day_limit(rule, enhanced=enhanced)
    if limit is not None:
        return due_after_working_days(trigger_at, limit, cal)
    days = period_days or rule.period_days
    if first and rule.first_period_days:
        days = min(days, rule.first_period_days)
    if not days:
        raise ValueError(f"Rule {rule.code} has neither a working-day limit nor a period.")
    return due_after_calendar_days(trigger_at, days)


def working_day_limit(rule, *, enhanced: bool) -> int | None:
    """The working-day limit that applies to this victim (None for a recurring duty)."""
    if rule.standard_wd is None:
        return None
    return rule.enhanced_wd if enhanced and rule.enhanced_wd is not None else rule.standard_wd


def schedule(trigger_at: datetime, due: datetime, rule, *, enhanced: bool = False) -> Schedule:
    """Reminder before the deadline (at once for 1 WD duties and rules without an offset, never before
    the trigger), escalation after it."""
    limit = working_day_limit(rule, enhanced=enhanced)
    if rule.remind_days_before is None or (limit is not None and limit <= 1):
        remind = trigger_at
    else:
        remind = max(trigger_at, due - timedelta(days=rule.remind_days_before))
    return Schedule(
        due_at=due, remind_at=remind, escalate_at=due + timedelta(days=rule.second_escalation_days)
    )


def rag(due: datetime, now: datetime, cal: WorkingDayCalendar) -> str:
    """red: overdue; amber: due by the end of the next working day; green: otherwise."""
    if due < now:
        return "red"
    if due <= end_of_local_day(cal.next_working_day(local_date(now))):
        return "amber"
    return "green"
