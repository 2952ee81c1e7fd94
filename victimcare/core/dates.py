"""The one rule for which dates and times anyone may type, in a form or through the API: from 1 January
1900 to 31 December 2099, with a UTC offset no bigger than a real place uses (±14:00). Anything outside
is refused with a clear message before it is stored, so no stored value can overflow time-zone
arithmetic on a page (a year-1 bail return date once made a case page fail for good)."""

from datetime import UTC, date, datetime, timedelta

EARLIEST_YEAR, LATEST_YEAR = 1900, 2099
MAX_OFFSET = timedelta(hours=14)
OUT_OF_RANGE = f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
BAD_OFFSET = "Enter a time zone offset between -14:00 and +14:00, or none."


def date_problem(value: date | datetime | None, *, past: bool = False) -> str | None:
    """Why this date or time may not be accepted, or None if it may. For a time that must be in the past
    (`past`), the service that checks "not in the future" is the upper bound, with its own message."""
    if value is None:
        return None
    if value.year < EARLIEST_YEAR or (not past and value.year > LATEST_YEAR):
        return OUT_OF_RANGE
    if isinstance(value, datetime) and value.tzinfo is not None:
        offset = value.utcoffset()
        if offset is not None and abs(offset) > MAX_OFFSET:
            return BAD_OFFSET
    return None


def display_datetime(value: datetime, fmt: str = "%-d %B %Y at %H:%M") -> str:
    """A stored time in London's local time for people to read; a value that cannot be converted (a bad
    value stored before the bounds existed) is shown as stored rather than failing the page."""
    from django.utils import timezone

    try:
        return timezone.localtime(value).strftime(fmt)
    except (OverflowError, ValueError):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()


def form_validator(value) -> None:
    """The rule as a Django field validator (forms and django-filter)."""
    from django.core.exceptions import ValidationError

    if (problem := date_problem(value)) is not None:
        raise ValidationError(problem, code="out_of_range")


def api_past_validator(value) -> None:
    """For a time that happened: the lower bound and the offset (the service refuses the future)."""
    from rest_framework import serializers

    if (problem := date_problem(value, past=True)) is not None:
        raise serializers.ValidationError(problem, code="out_of_range")
