from django.contrib import admin

from .models import CaseEvent, Crime, Offence


@admin.register(Offence)
class OffenceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "group",
        "is_sexual",
        "is_domestic_abuse_eligible",
        "is_violence",
        "is_hate",
        "is_road_death",
        "is_vehicle",
        "is_criminal_damage",
        "is_homicide",
        "is_most_serious",
        "active",
    )
    list_filter = ("group", "active", "is_sexual", "is_hate", "is_most_serious")
    search_fields = ("code", "name")


@admin.register(Crime)
class CrimeAdmin(admin.ModelAdmin):
    """Reference data and support fixes only: case work is done in the staff UI, which audits views."""

    list_display = ("reference", "offence", "status", "team", "oic", "recorded_at")
    list_filter = ("status", "bcu", "is_domestic_abuse", "is_hate_crime", "is_restricted")
    search_fields = ("reference",)
    list_select_related = ("offence", "team", "team__bcu", "oic")
    raw_id_fields = ("oic", "created_by", "named_users")
    readonly_fields = ("status", "closure_reason", "closed_at")
    date_hierarchy = "recorded_at"
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ("crime", "code", "occurred_at", "recorded_at", "recorded_by")
    list_filter = ("code",)
    search_fields = ("crime__reference",)
    list_select_related = ("crime", "recorded_by")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


# Victims' personal data (Person, NeedsAssessment, VictimChange) is deliberately not in the admin:
# every staff look at it must go through the audited case pages and API.
