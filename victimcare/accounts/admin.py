from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import BCU, Absence, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("last_name", "first_name")
    list_display = ("email", "first_name", "last_name", "role", "team", "shoulder_number", "is_active")
    list_filter = ("role", "is_active", "team__bcu", "team")
    search_fields = ("email", "first_name", "last_name", "shoulder_number")
    list_select_related = ("team", "team__bcu")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "role", "team", "shoulder_number")}),
        ("Contact", {"fields": ("contact_phone", "contact_email", "working_pattern")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "team", "password1", "password2"),
            },
        ),
    )


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0
    fields = ("name",)


@admin.register(BCU)
class BCUAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    filter_horizontal = ("inspectors",)
    inlines = [TeamInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "bcu")
    list_filter = ("bcu",)
    filter_horizontal = ("supervisors",)


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "starts_on", "ends_on")
    list_filter = ("kind",)
    date_hierarchy = "starts_on"
    autocomplete_fields = ("user",)
    search_fields = ("user__email", "user__last_name")
