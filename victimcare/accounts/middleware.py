"""Until a signed-in member of staff has passed two-factor sign-in (when they use it, or their role
requires it), every staff page sends them to the second step, the API refuses their session, and the
Django admin is closed to them. Token-authenticated API calls are not affected here: the token endpoint
itself asks for the code (cases.api.TokenObtainApi)."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import two_factor

# Paths a half-signed-in person may still open: the second step itself, signing out, and what serves the
# page (static files, health check). The victim portal has its own sign-in and never uses staff sessions.
# (Not the two-factor settings page: making new recovery codes needs a verified session.)
OPEN_PREFIXES = (
    "/account/two-factor/setup/",
    "/account/two-factor/verify/",
    "/accounts/logout/",
    "/static/",
    "/portal/",
    "/healthz",
    "/favicon.ico",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(OPEN_PREFIXES):
            step = two_factor.pending(request)
            if step is not None:
                if path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Finish signing in with your two-factor code first."}, status=403
                    )
                target = reverse("two_factor_verify" if step == "verify" else "two_factor_setup")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
