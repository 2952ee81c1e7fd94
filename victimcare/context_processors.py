"""What every staff page needs: the service name and, for case workers, the navigation with the inbox
count. It sits on top of the apps (beside settings and urls), so it may read any of them."""

from django.urls import reverse

from cases.selectors import team_scope_label
from contacts.selectors import to_do_count
from referrals.selectors import can_see_stale_list
from victimcare.accounts.constants import CASE_ROLES, Role
from victimcare.core.i18n import force_name


def service(request):
    user = getattr(request, "user", None)
    ctx = {"FORCE_NAME": force_name(), "SERVICE_NAME": "Victim care"}
    if user is not None and user.is_authenticated:
        ctx["can_work_cases"] = user.role in CASE_ROLES
        ctx["team_scope_label"] = team_scope_label(user)
        if ctx["can_work_cases"]:
            team_work = "BCU work" if user.role == "inspector" else "Team work"
            ctx["nav_items"] = [
                ("work", reverse("contacts:my_work"), "My work"),
                ("mine", reverse("cases:mine"), "My cases"),
                ("team_work", reverse("contacts:team_work"), team_work),
                ("team", reverse("cases:team"), ctx["team_scope_label"]),
                ("new", reverse("cases:new"), "Record a crime"),
                ("absences", reverse("contacts:absences"), "Absences"),
                ("inbox", reverse("contacts:inbox"), "Inbox"),
            ]
            if user.role in (Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN):
                ctx["nav_items"].append(("dashboard", reverse("reporting:dashboard"), "Dashboard"))
                ctx["nav_items"].append(("quality", reverse("surveys_staff:quality"), "Quality"))
            if can_see_stale_list(user):
                ctx["nav_items"].append(("stale_referrals", reverse("referrals:stale"), "Stale referrals"))
            # The inbox page has counted them already (by kind); every other page counts here.
            counted = getattr(request, "inbox_to_do", None)
            ctx["to_do_count"] = counted if counted is not None else to_do_count(user)
    return ctx
