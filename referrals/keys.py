"""Partner API keys: made, listed, revoked and checked. The key is shown once, when made; only a SHA-256
digest is kept (the key holds 256 random bits, so a slow password hash would add nothing but latency:
the same reasoning as django-rest-knox). Keys belong to an organisation, not a person, and several may be
active at once so a service can rotate without downtime."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from victimcare.accounts.models import User
from victimcare.core.errors import Errors

from .models import PartnerKey, SupportOrganisation

KEY_PREFIX = "vcp_"  # recognisable in logs and secret scanners
PREFIX_CHARS = 8
MAX_ACTIVE = 5


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def key_create(*, organisation: SupportOrganisation, name: str, by: User | None) -> tuple[PartnerKey, str]:
    """Make a key; returns the row and the key itself (shown once, never stored)."""
    errors = Errors()
    name = (name or "").strip()
    if not name:
        errors.add("name", "Give the key a name, for example the system that will use it.")
    elif len(name) > 100:
        errors.add("name", "The name must be 100 characters or fewer.")
    # Lock the organisation, not its keys: with no key yet there is no row to lock, and two requests at
    # once could each find room under the limit.
    SupportOrganisation.objects.select_for_update().filter(pk=organisation.pk).first()
    active = PartnerKey.objects.filter(organisation=organisation, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE:
        errors.add(
            "name", f"An organisation can have {MAX_ACTIVE} active keys. Revoke one you no longer use."
        )
    errors.raise_if_any()
    prefix = secrets.token_hex(PREFIX_CHARS // 2)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = PartnerKey.objects.create(
        organisation=organisation,
        name=name,
        prefix=prefix,
        digest=_digest(key),
        created_at=timezone.now(),
        created_by=by,
    )
    return row, key


@transaction.atomic
def key_revoke(*, key: PartnerKey, by: User | None) -> bool:
    """Revoke a key at once. Returns False if it was already revoked."""
    return bool(
        PartnerKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


def key_check(raw: str) -> PartnerKey | None:
    """The active key this is, with its organisation, or None. Constant-time comparison of digests."""
    raw = (raw or "").strip()
    if not raw.startswith(KEY_PREFIX) or len(raw) > 200:
        return None
    prefix = raw[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_CHARS]
    row = (
        PartnerKey.objects.select_related("organisation")
        .filter(prefix=prefix, revoked_at__isnull=True, organisation__active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, _digest(raw)):
        return None
    return row


def key_used(key: PartnerKey) -> None:
    """Record use, at most once a minute per key (a write per request would be a hot row)."""
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        PartnerKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
