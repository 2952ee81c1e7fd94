"""Reads about support organisations. The one rule for which services serve a crime's area, used by the
officer's care card and the victim portal alike."""

from django.db.models import Q, QuerySet

from .models import SupportOrganisation


def support_services_for(*, bcu_id: int) -> QuerySet[SupportOrganisation]:
    """Active services for this BCU: those that serve it, force-wide ones (no area set) and national ones;
    local before national, then by name."""
    return (
        SupportOrganisation.objects.filter(active=True)
        .filter(Q(is_national=True) | Q(bcus=bcu_id) | Q(bcus__isnull=True))
        .distinct()
        .order_by("is_national", "name")
    )
