"""Staff URLs of the portal, mounted under /cases/ beside the case pages (see victimcare/urls.py)."""

from django.urls import path

from . import staff_views

app_name = "portal_staff"
urlpatterns = [
    path("<ref:ref>/victims/<int:cv_id>/portal-invite/", staff_views.portal_invite, name="invite"),
]
