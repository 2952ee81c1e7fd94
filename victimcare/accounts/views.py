"""A member of staff's own API access: see their token's dates and revoke it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .tokens import expires_at, revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_access(request):
    if request.method == "POST":
        if revoke(request.user):
            messages.success(request, "Your API token is revoked. Programs using it can no longer sign in.")
        return redirect("api_access")
    token = Token.objects.filter(user=request.user).first()
    return render(
        request,
        "accounts/api_access.html",
        {
            "token": token,
            "expires_at": expires_at(token) if token else None,
            "lifetime_hours": f"{settings.API_TOKEN_LIFETIME_HOURS} hours",
        },
    )
