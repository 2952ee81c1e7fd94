from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.compliance, name="dashboard"),
    path("indicators/", views.indicators, name="indicators"),
    path("service/", views.service, name="service"),
    path("equality/", views.equality, name="equality"),
    path("satisfaction/", views.satisfaction_results, name="satisfaction"),
    path("quality/", views.quality_checks, name="quality"),
    path("cases/", views.cases, name="cases"),
    path("return/", views.quarter_return, name="quarter_return"),
]
