"""Staff survey pages (/surveys/)."""

from django.urls import path

import cases.urls  # noqa: F401  (registers the crime reference converter, "ref")

from . import views

app_name = "surveys_staff"
urlpatterns = [
    path("cases/<ref:ref>/victims/<int:cv_id>/answers/", views.enter, name="enter"),
    path("cases/<ref:ref>/victims/<int:cv_id>/setting/", views.setting, name="setting"),
]
