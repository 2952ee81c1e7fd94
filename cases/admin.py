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
    # Who holds and who may see a case change only through the audited staff UI (allocation events,
    # restricted-case rules), never here.
    readonly_fields = (
        "status",
        "closure_reason",
        "closed_at",
        "oic",
        "team",
        "bcu",
        "is_restricted",
        "named_users",
        "created_by",
    )
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    def get_queryset(self, request):
        from .selectors import cases_visible_to

        return super().get_queryset(request).filter(pk__in=cases_visible_to(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
