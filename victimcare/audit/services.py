"""Writing access records. Called by every staff view and API endpoint that shows victim personal data."""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

from .models import AccessAction, AccessRecord


def _client_ip(request: HttpRequest) -> str | None:
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def access_record(
    *,
    request: HttpRequest,
    action: AccessAction,
    crime_ids: Iterable[int | None] = (None,),
    person_ids: Iterable[int | None] = (None,),
    pairs: Iterable[tuple[int | None, int | None]] | None = None,
) -> int:
    """Write one record per (crime, person) pair in a single INSERT. Returns how many were written."""
    if pairs is None:
        pairs = [(c, p) for c in crime_ids for p in person_ids]
    base = {
        "user_id": request.user.pk,
        "action": action,
        "path": request.get_full_path()[:300],
        "method": request.method or "GET",
        "ip_address": _client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    records = [AccessRecord(crime_id=c, person_id=p, **base) for c, p in pairs]
    AccessRecord.objects.bulk_create(records)
    return len(records)
