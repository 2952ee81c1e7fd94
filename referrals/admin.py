"""Admin for what administrators configure: organisations, routing rules (with their full history, from
django-simple-history), partner members and API keys. Referrals themselves are not here: they carry
victims' details and are seen on the case page, under the case access rules and audited."""

import dataclasses

from django.contrib import admin, messages
from django.contrib.admin import widgets
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from victimcare.accounts.constants import Role
from victimcare.accounts.models import User

from . import keys
from .admin_forms import RoutingRuleAdminForm, SupportOrganisationAdminForm
from .models import PartnerKey, PartnerMember, RoutingRule, SupportOrganisation


def in_words(value, labels: dict | None):
    """A value in a history's list of changes, as an administrator reads it: a code by its name, nothing
    as "none", a yes/no as "yes" or "no" (never [], None or False)."""
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(in_words(v, labels)) for v in value)
    return str(labels.get(value, value)) if labels else value


class ChangesInWords(HistoricalRecordContextHelper):
    def __init__(self, model, record, *, names: dict[str, str], labels: dict[str, dict]):
        super().__init__(model, record)
        self.names, self.labels = names, labels

    def format_delta_change(self, change):
        out = super().format_delta_change(change)
        name = self.names.get(change.field)
        return dataclasses.replace(out, field=name) if name else out

    def prepare_delta_change_value(self, change, value):
        return in_words(super().prepare_delta_change_value(change, value), self.labels.get(change.field))


class HistoryInWords(SimpleHistoryAdmin):
    """The full history (django-simple-history), its changes said with the form's names for codes, and
    without the library's columns nobody fills in (change reason) or its US date format."""

    object_history_list_template = "referrals/admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        labels = {f.name: dict(f.flatchoices) for f in self.model._meta.fields if f.choices}
        for name, field in self.form.base_fields.items():
            if getattr(field, "choices", None):
                labels[name] = {str(k): v for k, v in field.choices}
        # The form's names for fields ("Areas (BCUs) served"), not the models' ("Bcus").
        names = {**getattr(self.form.Meta, "labels", {})}
        names.update({n: str(f.label) for n, f in self.form.declared_fields.items() if f.label})
        return ChangesInWords(self.model, historical_record, names=names, labels=labels)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "bcus":
            # The widget's own words ("Available bcus") come from the field's name otherwise.
            kwargs["widget"] = widgets.FilteredSelectMultiple("BCUs", is_stacked=False)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(SupportOrganisation)
class SupportOrganisationAdmin(HistoryInWords):
    form = SupportOrganisationAdminForm
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
class RoutingRuleAdmin(HistoryInWords):
    """Every edit is kept with who made it and the organisations and areas it named ("History")."""

    form = RoutingRuleAdminForm

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
            },
        ),
    )


@admin.register(PartnerMember)
class PartnerMemberAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ()
    search_fields = ("user__email", "organisation__name")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only partner-agency users can work in a service's workspace: offering every officer here
            # made a link that does nothing (the workspace lets in the partner role only).
            kwargs["queryset"] = User.objects.filter(role=Role.PARTNER).order_by("last_name", "first_name")
            kwargs["help_text"] = (
                "People with the role “Partner agency”. Give a new person that role under Users first."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
