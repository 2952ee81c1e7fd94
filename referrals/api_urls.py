"""The partner API (/api/partner/): one organisation's referrals, with that organisation's key. Its schema
and docs are its own (the staff schema leaves these paths out)."""

from django.urls import path

from . import api

app_name = "partner_api"
urlpatterns = [
    path("referrals/", api.ReferralListApi.as_view(), name="referrals"),
    path("referrals/<int:id>/", api.ReferralDetailApi.as_view(), name="referral"),
    path("referrals/<int:id>/acknowledge/", api.ReferralAcknowledgeApi.as_view(), name="acknowledge"),
    path("referrals/<int:id>/accept/", api.ReferralAcceptApi.as_view(), name="accept"),
    path("referrals/<int:id>/reject/", api.ReferralRejectApi.as_view(), name="reject"),
    path("referrals/<int:id>/support-given/", api.ReferralSupportGivenApi.as_view(), name="support-given"),
    path(
        "referrals/<int:id>/support-declined/",
        api.ReferralSupportDeclinedApi.as_view(),
        name="support-declined",
    ),
    path("referrals/<int:id>/close/", api.ReferralCloseApi.as_view(), name="close"),
    path(
        "referrals/<int:id>/contact-attempts/", api.ContactAttemptCreateApi.as_view(), name="contact-attempts"
    ),
    path("referrals/<int:id>/details-reports/", api.DetailsReportCreateApi.as_view(), name="details-reports"),
    path("webhook-deliveries/", api.WebhookDeliveryListApi.as_view(), name="webhook-deliveries"),
    path("schema/", api.PartnerSchemaApi.as_view(), name="schema"),
    path("docs/", api.PartnerDocsApi.as_view(), name="docs"),
]
