from django.contrib import admin
from django.db.models import Q

from victimcare.audit.models import AccessAction, AccessRecord
from victimcare.audit.services import access_record
from victimcare.core.admin_widgets import LabelledDateTimesAdmin

from .models import CaseEvent, Crime, Offence
from .selectors import cases_visible_to


class CaseScopedAdmin(LabelledDateTimesAdmin, admin.ModelAdmin):
    """An admin page of rows that belong to a case: it shows only what the staff pages would show this
    user (cases_visible_to: a restricted case only to the people named on it), and every list or change
    page that shows a case's rows writes access records, like the staff pages. Subclasses say where the
    case is (`crime_path`) and, where the page names a victim, where the person is (`person_path`)."""

    crime_path = "crime"
    person_path: str | None = None
    # What viewing the rows is recorded as, and whether each row's victim is recorded too.
    audit_action = AccessAction.ADMIN_VIEWED
    audit_people = True
    # Rows with no case at all (e.g. access records of list pages) are shown when True.
    caseless_rows_visible = False

    def get_queryset(self, request):
        visible = Q(**{f"{self.crime_path}__in": cases_visible_to(request.user).values("pk")})
        if self.caseless_rows_visible:
            no_person = Q(**{f"{self.person_path}__isnull": True}) if self.person_path else Q()
            visible |= Q(**{f"{self.crime_path}__isnull": True}) & no_person
        return super().get_queryset(request).filter(visible)

    @staticmethod
    def _id(obj, path: str) -> int | None:
        """The id at the end of a path, read from the last hop's `<name>_id` (no query for it)."""
        *hops, last = path.split("__")
        for hop in hops:
            obj = getattr(obj, hop, None) if obj is not None else None
        return getattr(obj, f"{last}_id", None) if obj is not None else None

    def _ids(self, obj) -> tuple[int | None, int | None]:
        crime_id = obj.pk if self.crime_path == "pk" else self._id(obj, self.crime_path)
        person_id = self._id(obj, self.person_path) if self.person_path and self.audit_people else None
        return crime_id, person_id

    def _audit(self, request, objs) -> None:
        rows = {(self.audit_action, *self._ids(obj)) for obj in objs}
        rows = [r for r in rows if r[1] is not None or r[2] is not None]
        if rows:
            access_record(request=request, rows=sorted(rows, key=lambda r: (r[1] or 0, r[2] or 0)))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            self._audit(request, cl.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The page's own object (no second fetch); absent when the admin redirected instead.
        obj = getattr(response, "context_data", {}).get("original") if response.status_code == 200 else None
        if obj is not None:
            self._audit(request, [obj])
        return response


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
class CrimeAdmin(CaseScopedAdmin):
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
    crime_path = "pk"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(CaseScopedAdmin):
    list_display = ("crime", "label", "occurred_at", "recorded_at", "recorded_by")
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


@admin.register(AccessRecord)
class AccessRecordAdmin(CaseScopedAdmin):
    """Who looked at what. Registered here, beside the cases it is about, so it obeys the same
    visibility: an access record of a restricted case only for the people named on it."""

    list_display = ("at", "user", "by_label", "action", "crime", "person", "ip_address", "path")
    list_filter = ("action",)
    search_fields = ("user__email", "crime__reference", "path")
    list_select_related = ("user", "crime", "person")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AccessRecord._meta.fields]
    person_path = "person"
    caseless_rows_visible = True
    show_full_result_count = False
    # Reading the log is recorded once per case, as on the staff page, not as a victim view per row.
    audit_action = AccessAction.ACCESS_LOG_VIEWED
    audit_people = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
