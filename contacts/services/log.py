"""The contact log: an officer records a contact or an attempt; a successful contact meets duties."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.constants import SAFE_FLAGS, ContactMethod, CrimeStatus
from cases.models import Crime, CrimeVictim
from victimcare.accounts.models import User
from victimcare.core.errors import Errors

from ..constants import (
    SUCCESSFUL_OUTCOMES,
    ContactOutcome,
    ObligationState,
    Trigger,
)
from ..models import (
    Contact,
    Obligation,
)
from .obligations import contact_restarts_updates, duties_a_contact_meets, meet, obligations_create


# --- the contact log -------------------------------------------------------------------------------
@transaction.atomic
def contact_log(
    *,
    crime_victim: CrimeVictim,
    by: User,
    method: str,
    outcome: str,
    summary: str,
    occurred_at: datetime | None,
    obligation_ids: list[int] | None = None,
    about_closure: bool = False,
    now: datetime | None = None,
    updates_victim: bool = True,
) -> tuple[Contact, list[Obligation]]:
    """Log a contact (or an attempt). A successful contact meets the chosen open obligations of this victim
    and, being a qualifying contact, resets the recurring progress update. A failed attempt meets nothing.
    A contact that is not about the case (`updates_victim=False`: a supervisor's quality call-back) is
    logged like any other but meets no duty and resets no update."""
    now = now or timezone.now()
    crime = Crime.objects.select_for_update().get(pk=crime_victim.crime_id)
    errors = Errors()
    if method not in ContactMethod.values:
        errors.add("method", "Choose how you contacted the victim.")
    elif method in SAFE_FLAGS and not crime_victim.person.channel_safe(method):
        # The same rule as the contact plan: contact only by a channel an officer has marked safe.
        errors.add(
            "method",
            f"{ContactMethod(method).label} is not marked safe for this victim. "
            "Confirm it is safe in their details first, or choose another way.",
        )
    if outcome not in ContactOutcome.values:
        errors.add("outcome", "Choose what happened.")
    summary = (summary or "").strip()
    if not summary:
        errors.add("summary", "Write a short summary of the contact.")
    elif len(summary) > 4000:
        errors.add("summary", "The summary must be 4,000 characters or fewer.")
    if occurred_at is None:
        errors.add("occurred_at", "Enter when the contact happened.")
    elif occurred_at > now + timedelta(minutes=5):
        errors.add("occurred_at", "A contact cannot be in the future.")
    elif occurred_at < crime.occurred_at:
        errors.add("occurred_at", "A contact cannot be before the offence.")
    ids = sorted(set(obligation_ids or []))
    chosen = list(Obligation.objects.select_for_update().filter(pk__in=ids)) if ids else []
    if len(chosen) != len(ids) or any(o.crime_victim_id != crime_victim.id for o in chosen):
        errors.add("obligations", "Choose only duties of this victim on this case.")
    elif any(o.state != ObligationState.OPEN for o in chosen):
        errors.add("obligations", "One of the chosen duties has already been met or closed. Reload the page.")
    elif occurred_at and any(o.triggered_at > occurred_at for o in chosen):
        errors.add(
            "obligations", "This contact was before one of the chosen duties began, so it cannot meet it."
        )
    errors.raise_if_any()

    contact = Contact.objects.create(
        crime=crime,
        crime_victim=crime_victim,
        method=method,
        outcome=outcome,
        summary=summary,
        occurred_at=occurred_at,
        about_closure=about_closure,
        recorded_by=by,
    )
    if outcome not in SUCCESSFUL_OUTCOMES or not updates_victim:
        return contact, []
    open_duties = list(
        Obligation.objects.select_for_update().filter(crime_victim=crime_victim, state=ObligationState.OPEN)
    )
    met = duties_a_contact_meets(
        open_duties, chosen=chosen, occurred_at=occurred_at, about_closure=about_closure
    )
    meet(met, at=occurred_at, contact=contact)
    if crime.status != CrimeStatus.CLOSED and contact_restarts_updates(met):
        # The next progress update is due from this contact (the plan's period).
        obligations_create(crime=crime, trigger=Trigger.PLAN, at=occurred_at, victims=[crime_victim])
    return contact, met
