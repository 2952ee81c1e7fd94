"""Reads about support organisations. The one rule for which services serve a crime's area, used by the
officer's care card and the victim portal alike."""

from django.db.models import Q, QuerySet

from .fit import facts_for, fitting_kinds
from .models import SupportOrganisation


def support_services_for(*, bcu_id: int, crime=None, crime_victim=None) -> QuerySet[SupportOrganisation]:
    """Active services for this BCU: those that serve it, force-wide ones (no area set) and national ones;
    local before national, then by name. Given the crime (and the victim), only the kinds of service that
    fit them (referrals.fit)."""
    qs = (
        SupportOrganisation.objects.filter(active=True)
        .filter(Q(is_national=True) | Q(bcus=bcu_id) | Q(bcus__isnull=True))
        .distinct()
        .order_by("is_national", "name")
    )
    if crime is not None:
        qs = qs.filter(kind__in=fitting_kinds(facts_for(crime, crime_victim)))
    return qs
