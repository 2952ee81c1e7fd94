from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from .models import Heartbeat


def health(request):
    """Liveness for load balancers and `make run`: database reachable, and when beat last ticked."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="beat").values_list("last_seen", flat=True).first()
    age = (timezone.now() - beat).total_seconds() if beat else None
    return JsonResponse(
        {
            "database": "ok",
            "beat_last_seen": beat.isoformat() if beat else None,
            "beat_age_seconds": round(age, 1) if age is not None else None,
        }
    )


def favicon(request):
    """Browsers ask for /favicon.ico on pages without a link to it (the admin, error pages)."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("vendor/govuk-frontend/assets/images/favicon.ico"), permanent=True)


def not_found(request, exception=None):
    """The 404 answer (handler404). Under /api/ it is JSON like every other API error, as the schema
    documents ({"detail": "..."}): an address that matches no API route (a malformed crime reference or
    person id) must not get the HTML page. Elsewhere it is the 404 page."""
    from django.views import defaults

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
