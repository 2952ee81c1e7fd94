"""Query-string filters for the API's list endpoints. They only narrow a queryset that the selectors
have already limited to what the user may see."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from victimcare.core.dates import form_validator

from . import selectors
from .constants import CrimeStatus, OffenceGroup, normalise_reference
from .models import Crime, CrimeVictim, Person


def _reference(value: str) -> str:
    """References arrive with slashes or dashes (VC/12345/26 or VC-12345-26)."""
    return normalise_reference(value)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class StrictBooleanField(forms.Field):
    """true or false (also 1/0, yes/no); anything else is an error, not silently "no filter" as
    django-filter's own boolean does."""

    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in self.TRUE:
            return True
        if word in self.FALSE:
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CrimeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CrimeStatus.choices, help_text="Case status.")
    team = IdFilter(field_name="team_id", help_text="Investigating team id.")
    bcu = IdFilter(field_name="bcu_id", help_text="Basic command unit id.")
    oic = IdFilter(field_name="oic_id", help_text="Officer in case (user id).")
    offence = django_filters.CharFilter(
        field_name="offence__code", lookup_expr="iexact", help_text="Home Office offence code, like 8N."
    )
    offence_group = django_filters.ChoiceFilter(
        field_name="offence__group", choices=OffenceGroup.choices, help_text="Offence group."
    )
    is_domestic_abuse = BooleanFilter(help_text="Domestic abuse flag.")
    is_hate_crime = BooleanFilter(help_text="Hate crime flag.")
    is_sensitive = BooleanFilter(help_text="Sensitive flag.")
    is_restricted = BooleanFilter(help_text="Restricted flag.")
    recorded_after = django_filters.IsoDateTimeFilter(
        field_name="recorded_at",
        lookup_expr="gte",
        help_text="Recorded at or after this ISO 8601 date or time.",
        validators=[form_validator],
    )
    recorded_before = django_filters.IsoDateTimeFilter(
        field_name="recorded_at",
        lookup_expr="lt",
        help_text="Recorded before this ISO 8601 date or time.",
        validators=[form_validator],
    )
    q = django_filters.CharFilter(
        method="filter_q", help_text="Search: part of the crime reference, or a victim's name."
    )
    mine = BooleanFilter(method="filter_mine", help_text="true: only cases where I am the OIC.")

    class Meta:
        model = Crime
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        # The same search as the staff case lists (selectors.case_list), so both find the same cases.
        matches = selectors.case_list(user=self.request.user, scope="team", q=value)
        return queryset.filter(pk__in=matches.values("pk"))

    def filter_mine(self, queryset, name, value):
        return queryset.filter(oic=self.request.user) if value else queryset


class VictimFilter(django_filters.FilterSet):
    crime = django_filters.CharFilter(
        method="filter_crime", help_text="Crime reference (VC/12345/26 or VC-12345-26)."
    )
    name = django_filters.CharFilter(method="filter_name", help_text="Part of the first and/or last name.")

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_crime(self, queryset, name, value):
        # Only through crimes the user may see: filtering by an invisible crime must not reveal who is on it.
        visible = selectors.cases_visible_to(self.request.user)
        on_crime = CrimeVictim.objects.filter(
            person_id=OuterRef("pk"), crime__reference=_reference(value), crime__in=visible
        )
        return queryset.filter(Exists(on_crime))

    def filter_name(self, queryset, name, value):
        q = Q()
        for part in value.lower().split():
            q &= Q(first_name__icontains=part) | Q(last_name__icontains=part)
        return queryset.filter(q)
