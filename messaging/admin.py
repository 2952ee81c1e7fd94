from django.contrib import admin

from .models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """To change wording, add a new version (sent messages record the version they used) and deactivate
    the old one."""

    list_display = ("code", "language", "version", "active", "subject")
    list_filter = ("language", "active", "code")
    search_fields = ("code", "subject", "body")

    def get_readonly_fields(self, request, obj=None):
        # A version that exists is never rewritten: only whether it is active can change.
        return ("code", "language", "version", "subject", "body") if obj else ()
