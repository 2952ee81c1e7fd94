"""Writing access records. Called by every staff view and API endpoint that shows victim personal data."""

from collections.abc import Iterable

from django.http import HttpRequest

from victimcare.core.http import client_ip

from .models import AccessAction, AccessRecord

Row = tuple[AccessAction, int | None, int | None]  # (action, crime id, person id)


def access_record(*, request: HttpRequest, rows: Iterable[Row], by_label: str = "") -> int:
    """Write one access record per (action, crime, person) row, all in a single INSERT. `by_label` names
    who read when no person signed in (a support service's API key). Returns how many were written."""
    user = getattr(request, "user", None)
    base = {
        "user_id": user.pk if user is not None and user.is_authenticated else None,
        "by_label": by_label[:200],
        "path": request.get_full_path()[:300],
        "method": request.method or "GET",
        "ip_address": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    records = [AccessRecord(action=a, crime_id=c, person_id=p, **base) for a, c, p in rows]
    AccessRecord.objects.bulk_create(records)
    return len(records)
