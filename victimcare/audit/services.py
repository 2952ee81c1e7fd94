"""Writing access records. Called by every staff view and API endpoint that shows victim personal data."""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

from .models import AccessAction, AccessRecord

Row = tuple[AccessAction, int | None, int | None]  # (action, crime id, person id)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind our own proxy (AUDIT_TRUST_X_FORWARDED_FOR), the last X-Forwarded-For
    entry is the one our proxy added: earlier entries are whatever the client claimed, so never trusted."""
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def access_record(*, request: HttpRequest, rows: Iterable[Row]) -> int:
    """Write one access record per (action, crime, person) row, all in a single INSERT.
    Returns how many were written."""
    base = {
        "user_id": request.user.pk,
        "path": request.get_full_path()[:300],
        "method": request.method or "GET",
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    records = [AccessRecord(action=a, crime_id=c, person_id=p, **base) for a, c, p in rows]
    AccessRecord.objects.bulk_create(records)
    return len(records)
