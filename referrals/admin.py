"""Admin for what administrators configure: organisations, routing rules (with their full history, from
django-simple-history), partner members and API keys. Referrals themselves are not here: they carry
victims' details and are seen on the case page, under the case access rules and audited."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import keys
from .constants import Flag, VictimGroup
from .models import PartnerKey, PartnerMember, RoutingRule, SupportOrganisation


@admin.register(SupportOrganisation)
class SupportOrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "consent_basis", "ack_working_days", "contact_working_days", "active")
    list_filter = ("kind", "consent_basis", "is_national", "active")
    search_fields = ("name",)
    filter_horizontal = ("bcus",)
    fieldsets = (
        (None, {"fields": ("name", "kind", "services", "active", "is_national", "bcus")}),
        (
            "Who it serves",
            {
                "fields": ("victim_groups", "offence_groups"),
                "description": "Victim groups: " + ", ".join(VictimGroup.values),
            },
        ),
        ("Contact details", {"fields": ("phone", "email", "website")}),
        (
            "Consent and service levels",
            {"fields": ("consent_basis", "ack_working_days", "contact_working_days", "max_contact_attempts")},
        ),
        ("Webhook", {"fields": ("webhook_url",)}),
    )


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    """Every edit is kept with who made it and the organisations and areas it named ("History")."""

    list_display = ("name", "trigger", "active")
    list_filter = ("trigger", "active")
    search_fields = ("name",)
    filter_horizontal = ("bcus", "organisations")
    fieldsets = (
        (None, {"fields": ("name", "active", "trigger", "organisations")}),
        (
            "Conditions (all must hold; an empty one always holds)",
            {
                "fields": (
                    "offence_groups",
                    "flags",
                    "enhanced_reasons",
                    "roles",
                    "min_age",
                    "max_age",
                    "bcus",
                ),
                "description": "Flags: " + ", ".join(Flag.values),
            },
        ),
    )


@admin.register(PartnerMember)
class PartnerMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ()
    search_fields = ("user__email", "organisation__name")


@admin.action(description="Revoke the selected keys now")
def revoke(modeladmin, request, queryset):
    n = sum(keys.key_revoke(key=k, by=request.user) for k in queryset)
    messages.success(request, f"{n} key{'s' if n != 1 else ''} revoked.")


@admin.register(PartnerKey)
class PartnerKeyAdmin(admin.ModelAdmin):
    """Keys are made by the service in its workspace (shown once); here they can only be seen and revoked."""

    list_display = ("name", "organisation", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    readonly_fields = [f.name for f in PartnerKey._meta.fields if f.name != "id"]
    exclude = ("digest",)
    actions = [revoke]

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f for f in self.readonly_fields if f != "digest"]

    def has_delete_permission(self, request, obj=None):
        return False
