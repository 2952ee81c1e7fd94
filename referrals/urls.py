"""The partner workspace (/partner/): a support service's own referrals."""

app_name = "partner"
urlpatterns: list = []
