"""The partner API (/api/partner/): one organisation's referrals, with that organisation's key."""

app_name = "partner_api"
urlpatterns: list = []
