"""Staff survey pages (/surveys/)."""

from django.urls import path

import cases.urls  # noqa: F401  (registers the crime reference converter, "ref")

from . import quality_views, views

app_name = "surveys_staff"
urlpatterns = [
    path("cases/<ref:ref>/victims/<int:cv_id>/answers/", views.enter, name="enter"),
    path("cases/<ref:ref>/victims/<int:cv_id>/setting/", views.setting, name="setting"),
    path("", quality_views.quality, name="quality"),
    path("call-backs/", quality_views.callback_list, name="callbacks"),
    path("call-backs/<int:pk>/", quality_views.callback_call, name="callback"),
    path("dip-samples/", quality_views.sample_list, name="samples"),
    path("dip-samples/<int:pk>/", quality_views.sample_detail, name="sample"),
    path("dip-samples/cases/<int:pk>/", quality_views.sample_case, name="sample_case"),
    path("feedback/", quality_views.feedback, name="feedback"),
    path("concerns/", quality_views.concern_list, name="concerns"),
    path("feedback/<int:officer_id>/", quality_views.feedback, name="officer_feedback"),
]
