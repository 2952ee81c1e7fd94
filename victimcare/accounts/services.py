from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from victimcare.core.errors import Errors

from .constants import AbsenceKind
from .models import Absence, User
from .selectors import people_user_may_record_absence_for


@transaction.atomic
def absence_record(
    *,
    user: User | None,
    by: User,
    kind: str,
    starts_on: date | None,
    ends_on: date | None,
    note: str = "",
    now: datetime | None = None,
) -> Absence:
    """An officer records their own absence; a supervisor (or inspector) records one for their people."""
    now = now or timezone.now()
    errors = Errors()
    if user is None:
        errors.add("user", "Choose whose absence this is.")
    elif user.pk != by.pk and not people_user_may_record_absence_for(by).filter(pk=user.pk).exists():
        errors.add("user", "You can only record absences for yourself or the people you supervise.")
    if kind not in AbsenceKind.values:
        errors.add("kind", "Choose the kind of absence.")
    if starts_on is None:
        errors.add("starts_on", "Enter the first day away.")
    if ends_on is None:
        errors.add("ends_on", "Enter the last day away.")
    if starts_on and ends_on and ends_on < starts_on:
        errors.add("ends_on", "The last day must be on or after the first day.")
    if starts_on and starts_on < timezone.localdate(now) - timedelta(days=365):
        errors.add("starts_on", "The first day must be within the last year.")
    if starts_on and ends_on and (ends_on - starts_on).days > 366:
        errors.add("ends_on", "An absence can be at most a year long. Record a longer one in parts.")
    if len(note or "") > 200:
        errors.add("note", "The note must be 200 characters or fewer.")
    if user is not None and starts_on and ends_on and not errors:
        overlap = Absence.objects.filter(user=user, starts_on__lte=ends_on, ends_on__gte=starts_on).first()
        if overlap:
            errors.add(
                "starts_on",
                f"This overlaps an absence already recorded ({overlap.starts_on:%-d %b} to "
                f"{overlap.ends_on:%-d %b %Y}).",
            )
    errors.raise_if_any()
    return Absence.objects.create(
        user=user, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note or "", recorded_by=by
    )
