"""Staff pages about referrals (/referrals/ and the case page's referral actions)."""

app_name = "referrals"
urlpatterns: list = []
