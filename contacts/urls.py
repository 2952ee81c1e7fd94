from django.urls import path

import cases.urls  # noqa: F401  (registers the <ref:...> converter)

from . import views

app_name = "contacts"
urlpatterns = [
    path("work/", views.my_work, name="my_work"),
    path("work/team/", views.team_work, name="team_work"),
    path("inbox/", views.inbox, name="inbox"),
    path("absences/", views.absences, name="absences"),
    path("absences/cover/", views.cover, name="cover"),
    path("cases/<ref:ref>/victims/<int:cv_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("cases/<ref:ref>/victims/<int:cv_id>/plan/", views.plan_edit, name="plan"),
    path("cases/<ref:ref>/victims/<int:cv_id>/eligibility/", views.eligibility_add, name="eligibility_add"),
    path("cases/<ref:ref>/victims/<int:cv_id>/care-card/", views.care_card, name="care_card"),
    path("cases/<ref:ref>/victims/<int:cv_id>/messages/", views.victim_messages, name="messages"),
    path("cases/<ref:ref>/duties/<int:obligation_id>/waive/", views.obligation_waive, name="waive"),
]
