from django.contrib import admin

from .models import AccessRecord


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "crime", "person", "ip_address", "path")
    list_filter = ("action",)
    search_fields = ("user__email", "crime__reference", "path")
    list_select_related = ("user", "crime", "person")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
