"""Contact plans (the victim's "contract"): how and how often they want to hear from us."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.constants import SAFE_FLAGS, ContactMethod, CrimeStatus
from cases.models import Crime, CrimeVictim
from messaging.constants import Format
from victimcare.accounts.models import User
from victimcare.core.errors import Errors
from victimcare.core.history import changes_between

from ..constants import (
    Duty,
    Frequency,
    ObligationState,
    Trigger,
)
from ..models import (
    Contact,
    ContactPlan,
    ContactPlanChange,
    Obligation,
)
from .obligations import REPLANNED, close_not_required, duty_done, obligations_create
from .rulebook import refreshed_in_context


# --- contact plans ---------------------------------------------------------------------------------
def format_for_needs(person) -> str:
    """The written format a person's recorded needs call for, the most specific first (a braille reader
    cannot use large print): what a new contact plan starts with."""
    if person.needs_braille:
        return Format.BRAILLE
    if person.needs_easy_read:
        return Format.EASY_READ
    if person.needs_large_print:
        return Format.LARGE_PRINT
    return Format.STANDARD


PLAN_FIELDS = ["wants_updates", "methods", "safe_times", "frequency", "language", "format", "notes"]


@transaction.atomic
def plan_save(
    *,
    crime_victim: CrimeVictim,
    by: User | None,
    data: dict[str, Any],
    now: datetime | None = None,
    by_victim: bool = False,
) -> ContactPlan:
    """Agree or change the victim's contact plan; every change is kept with who and when. Agreeing it
    meets the CONTACT_PLAN duty; a change of frequency reschedules the next progress update. The victim
    can change their own preferences in the portal (by_victim): that is kept as theirs and does not count
    as the officer agreeing a plan."""
    now = now or timezone.now()
    errors = Errors()
    person = crime_victim.person
    chosen = list(data.get("methods") or [])
    methods = list(dict.fromkeys(chosen))
    if any(m not in ContactMethod.values for m in methods):
        errors.add("methods", "Choose contact methods from the list.")
    elif len(methods) != len(chosen):
        errors.add("methods", "Choose each contact method once, in the order the victim prefers.")
    bad = [ContactMethod(m).label for m in methods if m in SAFE_FLAGS and not person.channel_safe(m)]
    if bad:
        errors.add(
            "methods",
            f"Not marked safe for this victim: {', '.join(map(str, bad))}. "
            "Confirm it is safe in their details first.",
        )
    if data.get("frequency", Frequency.EVERY_28_DAYS) not in Frequency.values:
        errors.add("frequency", "Choose how often to update the victim.")
    if data.get("format", Format.STANDARD) not in Format.values:
        errors.add("format", "Choose a format.")
    if len(data.get("safe_times") or "") > 200:
        errors.add("safe_times", "Safe times must be 200 characters or fewer.")
    errors.raise_if_any()

    plan = ContactPlan.objects.select_for_update().filter(crime_victim=crime_victim).first()
    new = plan is None
    if new:
        plan = ContactPlan(crime_victim=crime_victim, agreed_by=by, agreed_at=now)
    before = {k: getattr(plan, k) for k in PLAN_FIELDS}
    values = {**{k: data[k] for k in PLAN_FIELDS if k in data}, "methods": methods}
    for k, v in values.items():
        setattr(plan, k, v)
    changes = changes_between(before, {k: getattr(plan, k) for k in PLAN_FIELDS})
    if not by_victim:
        plan.agreed_by, plan.agreed_at = by, now
    plan.save()
    if changes and (not new or by_victim):
        ContactPlanChange.objects.create(
            plan=plan, changed_by=by, by_victim=by_victim, changes=changes, changed_at=now
        )
    crime_victim.contact_plan = plan
    if not by_victim:
        duty_done(crime_victim=crime_victim, code=Duty.CONTACT_PLAN, at=now)
    if new or {"wants_updates", "frequency"} & changes.keys():
        replan_updates(crime_victim, now)
    return plan


def replan_updates(cv: CrimeVictim, now: datetime) -> None:
    """Re-derive the open recurring update after a plan change: close it and start again from its
    original start (so a shorter period can make it due sooner, never later than agreed)."""
    crime = Crime.objects.get(pk=cv.crime_id)
    open_updates = list(
        Obligation.objects.filter(crime_victim=cv, state=ObligationState.OPEN, trigger=Trigger.PLAN)
    )
    start = min((o.triggered_at for o in open_updates), default=now)
    if open_updates:
        close_not_required(Obligation.objects.filter(pk__in=[o.pk for o in open_updates]), reason=REPLANNED)
    if crime.status != CrimeStatus.CLOSED:
        cv = refreshed_in_context(cv)
        obligations_create(
            crime=crime,
            trigger=Trigger.PLAN,
            at=start,
            victims=[cv],
            first=not Contact.objects.filter(crime_victim=cv).exists(),
        )
