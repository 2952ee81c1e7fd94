"""Writing access records. Called by every staff view and API endpoint that shows victim personal data."""

from collections.abc import Iterable

from django.http import HttpRequest

from victimcare.core.http import client_ip

from .models import AccessAction, AccessRecord

Row = tuple[AccessAction, int | None, int | None]  # (action, crime id, person id)


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
