"""No page the application renders may be kept by a browser or proxy cache (staff pages, the API, the
portal); static files keep their long-lived caching."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/cases/mine/", "/work/", "/api/victims/", "/api/crimes/", "/accounts/login/"]
)
def test_dynamic_responses_are_not_stored(officer_client, url):
    r = officer_client.get(url)
    assert r.status_code in (200, 302)
    assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"]


@pytest.mark.django_db
def test_portal_pages_are_not_stored(client):
    assert "no-store" in client.get("/portal/")["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/mine/", "/accounts/login/", "/portal/", "/admin/login/"])
def test_every_page_has_a_strict_content_security_policy(officer_client, url):
    policy = officer_client.get(url)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    # A nonce appears only where a page has an inline start-up script (our base template); never
    # 'unsafe-inline'.
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
