from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import TokenProxy

from victimcare.core.admin_widgets import LabelledDateTimesAdmin

from . import two_factor
from .models import BCU, Absence, Team, User
from .tokens import expires_at, revoke

# django-otp's own admin pages show each device's secret key: administrators reset a person's two-factor
# sign-in from the staff list instead (the "Reset their two-factor sign-in" action), and never see a key.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class UserAdmin(LabelledDateTimesAdmin, BaseUserAdmin):
    ordering = ("last_name", "first_name")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "team",
        "shoulder_number",
        "is_active",
        "two_factor_on",
        "api_token",
    )
    actions = ["revoke_api_tokens", "reset_two_factor"]
    list_filter = ("role", "is_active", "team__bcu", "team")
    search_fields = ("email", "first_name", "last_name", "shoulder_number")
    list_select_related = ("team", "team__bcu", "auth_token")

    @admin.display(description="API token until")
    def api_token(self, obj):
        token = getattr(obj, "auth_token", None)
        return expires_at(token) if token is not None else None  # shown as the admin's "-"

    def get_queryset(self, request):
        app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(app))

    @admin.display(description="Two-factor sign-in", boolean=False, ordering="has_two_factor")
    def two_factor_on(self, obj):
        return "On" if getattr(obj, "has_two_factor", False) else "Off"

    @admin.action(description="Reset their two-factor sign-in (they set it up again)")
    def reset_two_factor(self, request, queryset):
        n = 0
        for user in queryset:
            if two_factor.is_on(user):
                two_factor.reset(user)
                n += 1
        self.message_user(
            request,
            f"Two-factor sign-in reset for {n} {'person' if n == 1 else 'people'}. Anyone whose role needs "
            "it sets it up again at their next sign-in.",
        )

    @admin.action(description="Revoke their API tokens")
    def revoke_api_tokens(self, request, queryset):
        n = sum(revoke(user) for user in queryset)
        self.message_user(request, f"{n} API token(s) revoked.")

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "role", "team", "shoulder_number")}),
        ("Contact", {"fields": ("contact_phone", "contact_email", "working_pattern", "working_pattern_cy")}),
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


class TeamInline(admin.StackedInline):
    # Stacked, not tabular: a tabular inline's boxes are named only by their column heading, which is no
    # label to a screen reader (axe-core: label).
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
    filter_horizontal = ("supervisors", "callback_volunteers")


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
