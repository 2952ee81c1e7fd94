from django.contrib import admin

from cases.admin import CaseScopedAdmin

from .constants import Duty
from .models import ClosureDay, Obligation, Rule, RuleSet


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("day", "reason", "added_by")
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        if not obj.added_by_id:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


class RuleInline(admin.StackedInline):
    model = Rule
    extra = 0
    fields = (
        ("code", "triggers"),
        "duty",
        ("standard_wd", "enhanced_wd"),
        ("period_days", "first_period_days"),
        ("auto_message_allowed", "met_by_referral", "is_update", "once_per_victim"),
        "condition",
        ("remind_days_before", "second_escalation_days"),
    )


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Editable by admins; every change is kept in the admin's history (the History button). Changes apply
    to obligations created afterwards; existing deadlines are not rewritten."""

    list_display = ("code", "name", "kind", "effective_from", "active")
    list_filter = ("kind", "active")
    inlines = [RuleInline]


@admin.register(Obligation)
class ObligationAdmin(CaseScopedAdmin):
    """Read-only: obligations change only through the contact log, waivers and case events."""

    list_display = ("duty", "crime", "state", "due_at", "owner", "met_on_time")
    list_filter = ("state", "code", "enhanced")
    search_fields = ("crime__reference",)
    list_select_related = ("crime", "owner", "crime_victim")
    show_full_result_count = False
    date_hierarchy = "due_at"
    person_path = "crime_victim__person"  # the change page names the victim

    @admin.display(description="Duty", ordering="code")
    def duty(self, obj):
        return Duty(obj.code).label if obj.code in Duty.values else obj.code

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Obligation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
