"""The victim's survey: from a link (/portal/survey/<secret>/, no account needed), or signed in to the portal
(/portal/survey/)."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.answer_signed_in, name="portal_answer"),
    path("thank-you/", views.thanks, name="thanks"),
    path("<str:secret>/", views.answer, name="answer"),
]
