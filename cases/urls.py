from django.urls import path, register_converter

from . import views


class CrimeRefConverter:
    """Crime references in URLs use dashes for slashes: VC/12345/26 -> VC-12345-26."""

    regex = r"[A-Za-z]{2}-\d{5,7}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value.replace("/", "-")


register_converter(CrimeRefConverter, "ref")

app_name = "cases"
urlpatterns = [
    path("mine/", views.my_cases, name="mine"),
    path("team/", views.team_cases, name="team"),
    path("new/", views.case_new, name="new"),
    path("<ref:ref>/", views.case_detail, name="detail"),
    path("<ref:ref>/events/new/", views.event_new, name="event_new"),
    path("<ref:ref>/allocate/", views.case_allocate, name="allocate"),
    path("<ref:ref>/access-log/", views.access_log, name="access_log"),
    path("<ref:ref>/victims/add/", views.victim_add, name="victim_add"),
    path("<ref:ref>/victims/<int:cv_id>/", views.victim_detail, name="victim_detail"),
    path("<ref:ref>/victims/<int:cv_id>/edit/", views.victim_edit, name="victim_edit"),
    path("<ref:ref>/victims/<int:cv_id>/needs/", views.needs_assessment, name="needs_assessment"),
]
