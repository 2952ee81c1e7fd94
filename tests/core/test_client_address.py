"""The one client-address rule (victimcare.core.http.client_ip) and everything that keys on it: the audit
log, the API token throttle and the staff sign-in lock-out. Behind the proxy, only the entry our proxy
added counts; what the client claims in earlier X-Forwarded-For entries never does."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from victimcare.core.http import client_ip

PROXY = "10.0.0.1"  # every request reaches us from the proxy


@pytest.fixture
def behind_proxy(settings):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True  # the test's cache keys are its own (tests/conftest.py)
    settings.STAFF_SIGN_IN_ADDRESS_LIMIT = 10  # per client address (50 by default; fewer posts here)


@pytest.mark.parametrize(
    ("trust", "forwarded", "expected"),
    [
        (False, "", "192.0.2.9"),
        (False, "203.0.113.5", "192.0.2.9"),  # no proxy configured: a claimed address is ignored
        (True, "", "192.0.2.9"),
        (True, "203.0.113.5", "203.0.113.5"),
        (True, "1.2.3.4, 203.0.113.5", "203.0.113.5"),  # the client's own entry first, the proxy's last
        (True, "1.2.3.4,   203.0.113.5  ", "203.0.113.5"),
    ],
)
def test_client_ip_trusts_only_the_proxys_entry(settings, trust, forwarded, expected):
    settings.AUDIT_TRUST_X_FORWARDED_FOR = trust
    meta = {"REMOTE_ADDR": "192.0.2.9"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.django_db
def test_token_lock_out_cannot_be_dodged_by_varying_the_claimed_address(behind_proxy, officer):
    api = APIClient(REMOTE_ADDR=PROXY)
    statuses = []
    for i in range(11):
        r = api.post(
            "/api/token/",
            {"email": officer.email, "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.5",
        )
        statuses.append(r.status_code)
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


@pytest.mark.django_db
def test_token_lock_out_counts_each_real_client_separately(behind_proxy, officer):
    api = APIClient(REMOTE_ADDR=PROXY)
    for _ in range(20):
        api.post(
            "/api/token/",
            {"email": "x@example.com", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    r = api.post(
        "/api/token/",
        {"email": officer.email, "password": "correct-horse-battery"},
        format="json",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert r.status_code == 200 and r.json()["token"]


@pytest.mark.django_db
def test_staff_lock_out_behind_the_proxy_does_not_lock_out_everyone(behind_proxy, client, officer):
    """The address limit's failures from one client (for made-up accounts) lock that client out, not every
    member of staff who reaches us through the same proxy."""
    for i in range(10):
        client.post(
            reverse("login"),
            {"username": f"guess{i}@example.com", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    locked = client.post(
        reverse("login"),
        {"username": officer.email, "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert "Too many failed attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    r = client.post(
        reverse("login"),
        {"username": officer.email, "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert r.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


@pytest.mark.django_db
def test_staff_lock_out_cannot_be_dodged_by_claiming_another_address(behind_proxy, client, officer):
    for i in range(10):
        client.post(
            reverse("login"),
            {"username": f"guess{i}@example.com", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.5",
        )
    r = client.post(
        reverse("login"),
        {"username": officer.email, "password": "correct-horse-battery"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.5",
    )
    assert "Too many failed attempts" in r.content.decode()


@pytest.mark.django_db
def test_the_admin_sign_in_shares_the_staff_lock_out(client, admin_user):
    """Failures on the web sign-in count against the admin's, and the reverse: one lock-out for every way
    in."""
    for _ in range(5):
        client.post(reverse("login"), {"username": admin_user.email, "password": "wrong"})
    for _ in range(5):
        client.post("/admin/login/", {"username": admin_user.email, "password": "wrong"})
    r = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": "correct-horse-battery"}
    )
    assert "Too many failed attempts" in r.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_sign_in_gives_its_attempt_back(client, officer):
    for _ in range(9):
        client.post(reverse("login"), {"username": officer.email, "password": "wrong"})
    for _ in range(3):  # an officer who signs in and out does not lock themselves out
        r = client.post(reverse("login"), {"username": officer.email, "password": "correct-horse-battery"})
        assert r.status_code == 302
        client.post(reverse("logout"))


@pytest.mark.django_db
def test_the_admin_sign_in_still_works(client, admin_user, officer):
    page = client.get("/admin/login/")
    assert page.status_code == 200 and "Email address" in page.content.decode()
    r = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": "correct-horse-battery"}
    )
    assert r.status_code == 302 and r["Location"] == "/admin/"
    # Not staff: refused with the admin's own message, and it counts as an attempt.
    other = client_class()
    r = other.post("/admin/login/", {"username": officer.email, "password": "correct-horse-battery"})
    assert r.status_code == 200 and "_auth_user_id" not in other.session


def client_class():
    from django.test import Client

    return Client()
