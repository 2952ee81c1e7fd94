"""Self-assessment against the Citizen Focus guide (/self-assessment/)."""

from django.urls import path

from . import assessment_views as views

app_name = "self_assessment"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("guidance/<int:number>/", views.guidance, name="guidance"),
]
