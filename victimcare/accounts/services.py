from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from victimcare.core.errors import Errors
from victimcare.core.http import client_ip, client_network
from victimcare.core.limits import Limit

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


# --- the staff lock-out: one for every way in (web sign-in, the admin's sign-in, the API's token) -------
# Failed attempts per account (default 10) and per address (default 50) in 15 minutes; a successful sign-in
# gives its attempt back. The address limit is higher because a police station's staff share one address
# behind its gateway: ten typos there must not lock every officer out, while one address guessing at many
# accounts (password spraying) still is.
SIGN_IN_PER_ACCOUNT = Limit("staff-sign-in-account", "STAFF_SIGN_IN_ACCOUNT_LIMIT", 15 * 60)
SIGN_IN_PER_ADDRESS = Limit("staff-sign-in-address", "STAFF_SIGN_IN_ADDRESS_LIMIT", 15 * 60)


class SignInLocked(Exception):
    """Too many attempts for this account or from this address: refused without checking anything."""


class Attempt:
    """One counted sign-in attempt. It stays counted if the block raises or calls failed(); otherwise the
    sign-in succeeded and the attempt is given back."""

    def __init__(self) -> None:
        self.ok = True

    def failed(self) -> None:
        self.ok = False


@contextmanager
def sign_in_attempt(*, email: str, request: HttpRequest | None) -> Iterator[Attempt]:
    """Wrap the password (or code) check of any staff sign-in. The attempt is counted *before* the check (so
    parallel guesses cannot slip past the limit) and raises SignInLocked when over it; if the block
    completes without calling `attempt.failed()` (the sign-in succeeded), the attempt is given back. Keyed
    on the client address rule of victimcare.core.http, so behind the proxy one client cannot lock out
    everyone."""
    keys = [
        (SIGN_IN_PER_ADDRESS, client_network(client_ip(request))),
        (SIGN_IN_PER_ACCOUNT, (email or "").strip().lower()),
    ]
    # An attempt refused by one limit is not counted by the other: a locked-out officer who keeps retrying
    # must not lock out the colleagues at the same address, nor a locked address add to each account's count.
    for i, (limit, key) in enumerate(keys):
        if limit.over(limit.hit(key)):
            for earlier, earlier_key in keys[:i]:
                earlier.give_back(earlier_key)
            raise SignInLocked
    attempt = Attempt()
    yield attempt
    if attempt.ok:
        for limit, key in keys:
            limit.give_back(key)
