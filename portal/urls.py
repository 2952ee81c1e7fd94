from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("exit/", views.quick_exit, name="exit"),
    path("language/", views.language, name="language"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("reset/", views.reset_request, name="reset"),
    path("reset/<str:token>/", views.reset_complete, name="reset_complete"),
    path("case/", views.case, name="case"),
    path("ask/", views.ask, name="ask"),
    path("problem/", views.problem, name="problem"),
    path("statement/", views.statement, name="statement"),
    path("review/", views.review, name="review"),
    path("feedback/", views.feedback, name="feedback"),
    path("preferences/", views.preferences, name="preferences"),
    path("preferences/alerts/", views.alerts, name="alerts"),
    path("close-account/", views.close_account, name="close_account"),
    path("support/", views.support, name="support"),
    path("property/", views.property_list, name="property"),
    path("property/<int:item_id>/", views.property_edit, name="property_edit"),
]
