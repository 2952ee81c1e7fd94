from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from rest_framework.authtoken.models import TokenProxy

from .models import BCU, Absence, Team, User
from .tokens import expires_at, revoke


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("last_name", "first_name")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "team",
        "shoulder_number",
        "is_active",
        "api_token",
    )
    actions = ["revoke_api_tokens"]
    list_filter = ("role", "is_active", "team__bcu", "team")
    search_fields = ("email", "first_name", "last_name", "shoulder_number")
    list_select_related = ("team", "team__bcu", "auth_token")

    @admin.display(description="API token until")
    def api_token(self, obj):
        token = getattr(obj, "auth_token", None)
        return expires_at(token) if token is not None else None  # shown as the admin's "-"

    @admin.action(description="Revoke their API tokens")
    def revoke_api_tokens(self, request, queryset):
        n = sum(revoke(user) for user in queryset)
        self.message_user(request, f"{n} API token(s) revoked.")

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


# API tokens: DRF's own admin lists every token's key (and links and selects rows by it), which would let
# anyone with admin access act as any member of staff. Tokens are shown and revoked from the user list
# instead (UserAdmin.api_token, revoke_api_tokens), where no key ever appears.
admin.site.unregister(TokenProxy)
