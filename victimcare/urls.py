from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.forms import AdminSignInForm
from cases.views import SignInView, home
from messaging.callbacks import notify_delivery_status
from portal.views import not_found as portal_not_found
from victimcare.accounts.views import api_access, two_factor_manage, two_factor_setup, two_factor_verify
from victimcare.core.api import IsStaffMember
from victimcare.core.views import favicon, health, not_found

admin.site.site_header = "Victim care administration"
admin.site.login_form = AdminSignInForm  # the same lock-out as every other way in
admin.site.site_title = "Victim care admin"


def page_not_found(request, exception=None):
    """The 404 answer: the portal's own page under /portal/; JSON under /api/; the staff page elsewhere."""
    if request.path_info.startswith("/portal/"):
        return portal_not_found(request, exception)
    return not_found(request, exception)


handler404 = page_not_found

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("portal/survey/", include("surveys.urls")),
    path("portal/", include("portal.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("portal.staff_urls")),
    path("", include("contacts.urls")),
    path("referrals/", include("referrals.staff_urls")),
    path("surveys/", include("surveys.staff_urls")),
    path("self-assessment/", include("surveys.assessment_urls")),
    path("dashboard/", include("reporting.urls")),
    path("partner/", include("referrals.urls")),
    path("api/notify/delivery-status", notify_delivery_status, name="notify-delivery-status"),
    path("api/partner/", include("referrals.api_urls")),
    path("api/", include("cases.api_urls")),
    # The schema and docs describe what staff can do: staff only, like the API itself.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsStaffMember]), name="schema"),
    path(
        "api/docs/",
        # The split view serves Swagger UI's start-up script as a file, so the CSP needs no inline script;
        # Swagger UI does set inline styles, allowed on this staff-only page alone.
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[IsStaffMember])
        ),
        name="swagger-ui",
    ),
    path("account/api-access/", api_access, name="api_access"),
    path("account/two-factor/", two_factor_manage, name="two_factor_manage"),
    path("account/two-factor/setup/", two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", two_factor_verify, name="two_factor_verify"),
    path("healthz", health, name="health"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
]
