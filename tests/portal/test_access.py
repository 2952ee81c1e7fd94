"""A victim only ever reaches their own case: every portal URL with no session and with another victim's
session, and every staff URL with a portal session."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import PropertyItem
from messaging.constants import MessageKind
from messaging.models import Message

from .conftest import signed_in_client

pytestmark = pytest.mark.django_db

SIGNED_IN_PORTAL_URLS = [
    "/portal/case/",
    "/portal/ask/",
    "/portal/statement/",
    "/portal/review/",
    "/portal/feedback/",
    "/portal/preferences/",
    "/portal/close-account/",
    "/portal/support/",
    "/portal/property/",
]


def test_every_signed_in_portal_url_needs_a_portal_session(victim, client):
    item = PropertyItem.objects.get(crime_victim=victim)
    for url in [*SIGNED_IN_PORTAL_URLS, f"/portal/property/{item.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/portal/?next="), url
        response = client.post(
            url, {"question": "x", "statement": "x", "grounds": "x", "rating": "satisfied"}
        )
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert response["Location"].startswith("/portal/?next="), url
    assert client.post("/portal/preferences/alerts/", {"alerts": "off"})["Location"].startswith("/portal/?")
    assert not Message.objects.filter(kind=MessageKind.VICTIM).exists()


def test_another_victims_session_never_shows_this_victims_case(victim, other_victim):
    mine = PropertyItem.objects.get(crime_victim=victim)
    Message.objects.create(
        crime=victim.crime,
        crime_victim=victim,
        kind="officer",
        channel="portal",
        body="Private message for the first victim",
        status="delivered",
        next_attempt_at=victim.crime.recorded_at,
    )
    other = signed_in_client(other_victim)
    secrets = [
        victim.crime.reference,
        victim.person.last_name,
        "Blue bicycle",
        "Private message for the first",
    ]
    for url in SIGNED_IN_PORTAL_URLS:
        page = other.get(url).content.decode()
        for s in secrets:
            assert s not in page, (url, s)
    assert other.get(f"/portal/property/{mine.pk}/").status_code == 404
    assert other.post(f"/portal/property/{mine.pk}/", {"description": "Stolen by me"}).status_code == 404
    mine.refresh_from_db()
    assert mine.description == "Blue bicycle"


def _staff_urls():
    """Every URL pattern outside the portal, with sample values for its parameters."""
    samples = {"ref": "VC-12345-26", "cv_id": "1", "pk": "1", "token": "x", "item_id": "1"}
    out = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("portal/", "^", "static")) or "(?P" in route:
                    continue
                out.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "1"), route))

    walk(get_resolver().url_patterns, "")
    return sorted(set(out))


# Pages anyone may open (sign-in pages, health): nothing about a case on them.
PUBLIC = {
    "/",
    "/accounts/login/",
    "/admin/logout/",
    "/accounts/logout/",
    "/healthz",
    "/favicon.ico",
    "/admin/login/",
}


def test_a_portal_session_opens_no_staff_page(victim, case):
    c = signed_in_client(victim)
    ref = case.reference.replace("/", "-")
    urls = _staff_urls() + [
        f"/cases/{ref}/",
        f"/cases/{ref}/victims/{case.victims.first().pk}/",
        "/api/crimes/",
    ]
    assert len(urls) > 20
    for url in urls:
        if url in PUBLIC:
            continue
        response = c.get(url)
        assert response.status_code in (302, 401, 403, 404, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"], url
        body = response.content.decode(errors="replace")
        assert case.reference not in body and victim.crime.reference not in body, url


def test_a_staff_session_is_not_a_portal_session(victim, officer_client, admin_user, make_client):
    for c in (officer_client, make_client(admin_user)):
        for url in SIGNED_IN_PORTAL_URLS:
            response = c.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/portal/?next="), url
