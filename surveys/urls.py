"""The victim's survey link (/portal/survey/<secret>/, no account needed)."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("<str:secret>/", views.answer, name="answer"),
]
