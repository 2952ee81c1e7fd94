"""The staff side of the portal: an officer offers it to a victim from the case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from victimcare.accounts.constants import OIC_ROLES

from . import services
from .models import AccountStatus


@login_required
@require_POST
def portal_invite(request, ref: str, cv_id: int):
    """Offer the victim portal (or send a new activation link) through a channel marked safe."""
    crime, cv = case_selectors.crime_victim_get(user=request.user, ref=ref, cv_id=cv_id)
    if request.user.role not in OIC_ROLES:
        raise Http404
    try:
        account = services.invite(crime_victim=cv, by=request.user)
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
    else:
        if account.status == AccountStatus.ACTIVE:
            messages.success(
                request, f"{cv.person.full_name} already has an active portal account: nothing sent."
            )
        else:
            messages.success(request, f"Activation link sent to {cv.person.full_name} by a safe channel.")
    return redirect(f"{crime.get_absolute_url()}#victim-{cv.id}")
