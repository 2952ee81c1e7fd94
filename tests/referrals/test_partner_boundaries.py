"""What an outside probe of the partner side found, each kept fixed:

- a referral the police withdrew before sending it is not the service's: not in its workspace or API,
  and no webhook tells it the referral existed;
- a restricted case's referral goes to no service, however it is sent, until the victim has agreed;
- a body nested deeper than the JSON decoder can follow is a 400, not a server error;
- an If-Match that is not a version says so, rather than naming a version "-1";
- a webhook goes to no IPv6 address that carries an IPv4 one inside (NAT64, 6to4, Teredo, IPv4-compatible),
  and to the address that was checked, not whatever the name resolves to a moment later (DNS rebinding).
"""

import io
from datetime import timedelta

import pytest
import requests
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from referrals import keys, selectors, services, webhooks
from referrals.constants import Decision, State
from referrals.models import PartnerMember, Referral, RoutingRule, SupportOrganisation, WebhookDelivery
from tests.contacts.support import person, record

API = "/api/partner/"


@pytest.fixture
def service(org):
    s = SupportOrganisation.objects.create(
        name="Northtown Victim Care",
        kind="general",
        consent_basis="opt_out",
        webhook_url="https://hooks.northtown.example/vc",
        webhook_secret=services.webhook_secret_new(),
    )
    rule = RoutingRule.objects.create(name="Everyone in North BCU")
    rule.bcus.add(org["bcu_a"])
    rule.organisations.add(s)
    return s


@pytest.fixture
def api(service):
    _, raw = keys.key_create(organisation=service, name="Case system", by=None)
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def member(partner, service):
    PartnerMember.objects.create(user=partner, organisation=service)
    return partner


def _post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", headers=headers)


# --- withdrawn before it was sent ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_referral_withdrawn_before_sending_is_never_the_services(
    officer, service, api, member, make_client
):
    crime = record(
        officer, people=[person(first_name="Lucy", last_name="Cooper", mobile_phone="07700 900 461")]
    )
    ref = Referral.objects.get(crime=crime)
    services.referral_withdraw(
        referral=ref, by=officer, reason="The victim is staying with the suspect's family"
    )
    ref.refresh_from_db()
    assert ref.state == State.WITHDRAWN and ref.sent_at is None

    assert selectors.partner_referral_get(service, ref.pk) is None
    assert not selectors.partner_referrals(service).exists()
    r = api.get(f"{API}referrals/{ref.pk}/")
    assert r.status_code == 404
    assert "Cooper" not in r.content.decode() and "suspect" not in r.content.decode()
    assert api.get(f"{API}referrals/").json()["results"] == []
    assert api.get(f"{API}referrals/", {"state": "withdrawn"}).json()["results"] == []
    c = make_client(member)
    assert c.get(reverse("partner:referral", kwargs={"pk": ref.pk})).status_code == 404
    page = c.get(reverse("partner:home") + "?show=all").content.decode()
    assert "Cooper" not in page and ref.reference not in page
    # Nor does its webhook hear of it.
    assert not WebhookDelivery.objects.filter(referral=ref).exists()


@pytest.mark.django_db
def test_a_referral_withdrawn_after_sending_is_still_shown_and_heard(officer, service, api):
    crime = record(officer)
    ref = Referral.objects.get(crime=crime)
    services.referral_send(referral=ref, by=officer)
    services.referral_withdraw(referral=ref, by=officer, reason="The victim changed their mind.")
    assert api.get(f"{API}referrals/{ref.pk}/").json()["state"]["code"] == "withdrawn"
    assert list(
        WebhookDelivery.objects.filter(referral=ref).order_by("id").values_list("event", flat=True)
    ) == [
        "referral.created",
        "referral.updated",
    ]


# --- restricted cases ------------------------------------------------------------------------------
@pytest.mark.django_db
class TestRestrictedCase:
    def test_send_now_is_refused_until_the_victim_agrees(self, officer, service, api):
        crime = record(officer, is_restricted=True)
        ref = Referral.objects.get(crime=crime)
        with pytest.raises(ValidationError, match="restricted"):
            services.referral_send(referral=ref, by=officer)
        ref.refresh_from_db()
        assert (ref.state, ref.sent_at, ref.version) == (State.CREATED, None, 1)
        assert api.get(f"{API}referrals/{ref.pk}/").status_code == 404
        # With the victim's agreement recorded, it goes.
        services.referral_decide(referral=ref, by=officer, decision=Decision.GIVEN, asked_at=timezone.now())
        ref.refresh_from_db()
        assert ref.state == State.SENT
        assert api.get(f"{API}referrals/{ref.pk}/").status_code == 200

    def test_the_case_page_offers_no_send_now_before_the_victim_agrees(self, officer, service, make_client):
        crime = record(officer, is_restricted=True)
        ref = Referral.objects.get(crime=crime)
        page = make_client(officer).get(crime.get_absolute_url()).content.decode()
        assert reverse("referrals:send", kwargs={"ref": crime.slug, "pk": ref.pk}) not in page
        assert "This case is restricted, so the referral is sent only once the victim agrees." in page
        r = make_client(officer).post(
            reverse("referrals:send", kwargs={"ref": crime.slug, "pk": ref.pk}), follow=True
        )
        assert "was not sent" in r.content.decode()
        ref.refresh_from_db()
        assert ref.state == State.CREATED

    def test_restricted_after_routing_is_not_sent_automatically(self, officer, service):
        crime = record(officer)
        ref = Referral.objects.get(crime=crime)
        assert ref.send_after is not None  # held for the opt-out send
        type(crime).objects.filter(pk=crime.pk).update(is_restricted=True)  # as the admin may
        assert not services.send_one_held(now=ref.send_after + timedelta(days=1))
        ref.refresh_from_db()
        assert ref.state == State.CREATED and ref.sent_at is None


# --- bad input -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_deeply_nested_json_is_a_400(officer, service, api):
    ref = Referral.objects.get(crime=record(officer))
    services.referral_send(referral=ref, by=officer)
    body = "[" * 8000 + "]" * 8000  # under the 16 KB limit, deeper than the decoder's recursion limit
    r = api.post(f"{API}referrals/{ref.pk}/reject/", body, content_type="application/json")
    assert r.status_code == 400 and "nested too deeply" in r.json()["detail"]
    ref.refresh_from_db()
    assert ref.state == State.SENT


@pytest.mark.django_db
def test_an_if_match_that_is_not_a_version_says_so(officer, service, api):
    ref = Referral.objects.get(crime=record(officer))
    services.referral_send(referral=ref, by=officer)
    r = _post(api, f"{API}referrals/{ref.pk}/acknowledge/", {}, **{"If-Match": "garbage"})
    assert r.status_code == 412
    assert "-1" not in r.json()["detail"] and 'e.g. "2"' in r.json()["detail"]
    ref.refresh_from_db()
    assert ref.state == State.SENT


# --- webhook addresses -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://[::127.0.0.1]/hooks",  # IPv4-compatible
        "https://[64:ff9b::7f00:1]/hooks",  # NAT64 of 127.0.0.1
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of 169.254.169.254
        "https://[2002:7f00:1::]/hooks",  # 6to4 of 127.0.0.1
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hooks",  # Teredo
    ],
)
def test_ipv6_addresses_that_carry_an_internal_ipv4_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_LOCAL = False
    assert "public internet" in webhooks.webhook_url_problem(url)


def test_a_public_ipv6_address_is_still_allowed(settings):
    settings.WEBHOOK_ALLOW_LOCAL = False
    assert webhooks.webhook_url_problem("https://[2a00:1450:4009:81f::200e]/hooks") is None


@pytest.mark.django_db
def test_delivery_connects_to_the_address_it_checked(settings, monkeypatch):
    """DNS rebinding: the name resolves to a public address when checked and to an internal one a moment
    later. The POST goes to the checked address, with the name as Host and for TLS."""
    settings.WEBHOOK_ALLOW_LOCAL = False
    answers = iter(["93.184.216.34", "10.0.0.7", "10.0.0.7"])
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", (next(answers), 443))])
    sent = []

    def fake_send(adapter, request, **kwargs):
        sent.append((adapter, request))
        response = requests.Response()
        response.status_code, response.raw, response.request = 204, io.BytesIO(b""), request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", fake_send)
    org = SupportOrganisation.objects.create(
        name="Rebinding Ltd",
        kind="general",
        webhook_url="https://hooks.rebind.example:8443/vc?x=1",
        webhook_secret=services.webhook_secret_new(),
    )
    row = WebhookDelivery.objects.create(
        organisation=org,
        msg_id="msg_rebind",
        event="referral.updated",
        payload={"type": "referral.updated"},
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    assert webhooks.deliver_one(now=timezone.now())
    ((adapter, request),) = sent
    assert request.url == "https://93.184.216.34:8443/vc?x=1"
    assert request.headers["Host"] == "hooks.rebind.example:8443"
    assert isinstance(adapter, webhooks.PinnedAdapter)
    pool_kw = adapter.poolmanager.connection_pool_kw
    assert pool_kw["server_hostname"] == pool_kw["assert_hostname"] == "hooks.rebind.example"
    row.refresh_from_db()
    assert row.status == "delivered"


@pytest.mark.django_db
def test_a_replayed_write_carries_the_first_answers_etag(officer, service, api):
    ref = Referral.objects.get(crime=record(officer))
    services.referral_send(referral=ref, by=officer)
    for path, body in (
        ("acknowledge/", {}),
        ("contact-attempts/", {"reached": False, "at": timezone.now().isoformat()}),
    ):
        first = _post(api, f"{API}referrals/{ref.pk}/{path}", body, **{"Idempotency-Key": f"k-{path}"})
        again = _post(api, f"{API}referrals/{ref.pk}/{path}", body, **{"Idempotency-Key": f"k-{path}"})
        assert first.status_code in (200, 201) and again["Idempotent-Replayed"] == "true"
        assert again["ETag"] == first["ETag"]
