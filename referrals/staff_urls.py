"""Staff pages about referrals (/referrals/): the stale list and the case page's referral actions."""

from django.urls import path

import cases.urls  # noqa: F401  (registers the crime reference converter, "ref")

from . import staff_views

app_name = "referrals"
urlpatterns = [
    path("stale/", staff_views.stale, name="stale"),
    path("cases/<ref:ref>/<int:pk>/decision/", staff_views.decide, name="decide"),
    path("cases/<ref:ref>/<int:pk>/send/", staff_views.send, name="send"),
    path("cases/<ref:ref>/<int:pk>/withdraw/", staff_views.withdraw, name="withdraw"),
    path("cases/<ref:ref>/victims/<int:cv_id>/add/", staff_views.add, name="add"),
]
