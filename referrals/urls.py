"""The partner workspace (/partner/): a support service's own referrals, its API keys and its webhook."""

from django.urls import path

from . import partner_views as views

app_name = "partner"
urlpatterns = [
    path("", views.referral_list, name="home"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/contact-attempt/", views.attempt_new, name="attempt"),
    path("referrals/<int:pk>/wrong-details/", views.details_report, name="report"),
    path("referrals/<int:pk>/<slug:action>/", views.referral_move, name="move"),
    path("keys/", views.key_list, name="keys"),
    path("keys/new/", views.key_created, name="key_created"),
    path("keys/<int:key_id>/revoke/", views.key_revoke, name="key_revoke"),
    path("webhook/", views.webhook, name="webhook"),
]
