"""Where each role lands after signing in: case workers on their work, analysts on the compliance
dashboards, partners on their referrals (never an error)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "says"),
    [("analyst", "Reported indicators"), ("partner", "Partner agencies see the referrals sent to them")],
)
def test_analysts_and_partners_land_on_a_page_of_their_own(client, who, says, request):
    user = request.getfixturevalue(who)
    r = client.post(
        reverse("login"), {"username": user.email, "password": "correct-horse-battery"}, follow=True
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert says in html and "You cannot do that" not in html
    assert client.get(reverse("login")).status_code == 302  # signed in: sent home, not to an error


@pytest.mark.django_db
def test_case_workers_land_on_their_work(client, officer):
    r = client.post(
        reverse("login"), {"username": officer.email, "password": "correct-horse-battery"}, follow=True
    )
    assert r.redirect_chain[-1][0] == reverse("contacts:my_work") and r.status_code == 200
