from django.conf import settings

from victimcare.accounts.constants import CASE_ROLES


def service(request):
    user = getattr(request, "user", None)
    ctx = {"FORCE_NAME": settings.FORCE_NAME, "SERVICE_NAME": "Victim care"}
    if user is not None and user.is_authenticated:
        from cases.selectors import team_scope_label

        ctx["can_work_cases"] = user.role in CASE_ROLES
        ctx["team_scope_label"] = team_scope_label(user)
    return ctx
