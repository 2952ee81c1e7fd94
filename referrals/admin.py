from django.contrib import admin

from .models import SupportOrganisation


@admin.register(SupportOrganisation)
class SupportOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_national", "active")
    list_filter = ("kind", "is_national", "active")
    search_fields = ("name",)
    filter_horizontal = ("bcus",)
