"""Webhooks: delivered from the outbox to a real HTTP receiver that verifies them with the
`standardwebhooks` package as a service's server would (our signature accepted; a replay outside the
5-minute tolerance, a tampered body or another secret rejected); failures retried with backoff and then
marked failed; a claimed row is not sent twice; addresses that could reach internal hosts refused."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from referrals import webhooks
from referrals.constants import WebhookStatus
from referrals.models import SupportOrganisation, WebhookDelivery
from referrals.services import webhook_secret_new


class Receiver:
    """A service's webhook endpoint on 127.0.0.1: records each request and answers `status`."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 204
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "5")
                self.end_headers()
                self.wfile.write(b"nope!")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOCAL = True
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def service(db, receiver):
    return SupportOrganisation.objects.create(
        name="Northtown Victim Care",
        kind="general",
        webhook_url=receiver.url,
        webhook_secret=webhook_secret_new(),
    )


def enqueue(service, at=None, msg_id="msg_1") -> WebhookDelivery:
    at = at or timezone.now()
    return WebhookDelivery.objects.create(
        organisation=service,
        msg_id=msg_id,
        event="referral.updated",
        payload={"type": "referral.updated", "data": {"referral": "R000001", "id": 1, "state": "sent"}},
        created_at=at,
        next_attempt_at=at,
    )


def test_delivered_signed_and_verified_by_the_receiver(service, receiver):
    row = enqueue(service)
    assert webhooks.deliver_one(now=timezone.now()) is True
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status_code) == (WebhookStatus.DELIVERED, 1, 204)
    assert row.delivered_at is not None
    headers, body = receiver.requests[0]
    assert headers["webhook-id"] == "msg_1"
    payload = Webhook(service.webhook_secret).verify(body, headers)  # what the service's server does
    assert payload["data"]["referral"] == "R000001"
    # Nothing else is due.
    assert webhooks.deliver_one(now=timezone.now()) is False


def test_a_replay_outside_the_tolerance_is_rejected(service, receiver, time_machine):
    enqueue(service)
    webhooks.deliver_one(now=timezone.now())
    headers, body = receiver.requests[0]
    time_machine.move_to(timezone.now() + timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(service.webhook_secret).verify(body, headers)


def test_a_tampered_body_or_another_secret_is_rejected(service, receiver):
    enqueue(service)
    webhooks.deliver_one(now=timezone.now())
    headers, body = receiver.requests[0]
    tampered = json.loads(body)
    tampered["data"]["state"] = "closed"
    with pytest.raises(WebhookVerificationError):
        Webhook(service.webhook_secret).verify(json.dumps(tampered), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhook_secret_new()).verify(body, headers)
    unsigned = {k: v for k, v in headers.items() if k.lower() != "webhook-signature"}
    with pytest.raises(WebhookVerificationError):
        Webhook(service.webhook_secret).verify(body, unsigned)


def test_failures_are_retried_with_backoff_then_marked_failed(service, receiver):
    receiver.status = 500
    row = enqueue(service)
    now = timezone.now()
    gaps = []
    for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
        assert webhooks.deliver_one(now=now) is True
        row.refresh_from_db()
        assert row.attempts == attempt and row.last_status_code == 500
        assert "answered 500" in row.last_error
        if attempt < webhooks.MAX_ATTEMPTS:
            assert row.status == WebhookStatus.PENDING
            gaps.append(row.next_attempt_at - now)
            # Not due before its time.
            assert webhooks.deliver_one(now=row.next_attempt_at - timedelta(seconds=1)) is False
            now = row.next_attempt_at
    assert row.status == WebhookStatus.FAILED
    assert gaps == list(webhooks.BACKOFF)
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS
    # Every retry carries the same id (so the receiver can drop duplicates) and a fresh signature.
    assert {h["webhook-id"] for h, _ in receiver.requests} == {"msg_1"}


def test_a_recovered_receiver_gets_the_retry(service, receiver):
    receiver.status = 503
    row = enqueue(service)
    now = timezone.now()
    webhooks.deliver_one(now=now)
    receiver.status = 200
    row.refresh_from_db()
    webhooks.deliver_one(now=row.next_attempt_at)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (WebhookStatus.DELIVERED, 2, "")


def test_a_claimed_row_is_not_sent_twice(service, receiver):
    row = enqueue(service)
    now = timezone.now()
    claimed = webhooks._claim(now)
    assert claimed.pk == row.pk
    # A second worker at the same moment finds nothing due.
    assert webhooks._claim(now) is None
    # A worker that died mid-send: the row is tried again once the claim runs out.
    assert webhooks._claim(now + webhooks.CLAIM_FOR).pk == row.pk


def test_connection_refused_is_recorded(service, receiver):
    receiver.close()
    row = enqueue(service)
    webhooks.deliver_one(now=timezone.now())
    row.refresh_from_db()
    assert row.status == WebhookStatus.PENDING and row.last_status_code is None
    assert row.last_error.startswith("Could not connect")


def test_no_secret_is_a_recorded_failure_not_an_unsigned_post(service, receiver):
    SupportOrganisation.objects.filter(pk=service.pk).update(webhook_secret="")
    row = enqueue(service)
    webhooks.deliver_one(now=timezone.now())
    row.refresh_from_db()
    assert "secret" in row.last_error and receiver.requests == []


@pytest.mark.parametrize(
    "url,local,ok",
    [
        ("https://hooks.example.org/victimcare", False, True),
        ("http://hooks.example.org/victimcare", False, False),
        ("http://127.0.0.1:8000/hooks", False, False),
        ("http://127.0.0.1:8000/hooks", True, True),
        ("http://localhost/hooks", True, True),
        ("https://10.0.0.5/hooks", True, False),
        ("https://192.168.1.1/hooks", False, False),
        ("https://169.254.169.254/latest/meta-data", False, False),
        ("https://[::1]/hooks", False, False),
        ("https://user:pw@hooks.example.org/", False, False),
        ("ftp://hooks.example.org/", False, False),
        ("hooks.example.org", False, False),
    ],
)
def test_webhook_addresses(settings, url, local, ok):
    settings.WEBHOOK_ALLOW_LOCAL = local
    assert (webhooks.webhook_url_problem(url) is None) is ok


def test_a_host_that_resolves_to_an_internal_address_is_refused(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOCAL = False
    monkeypatch.setattr(webhooks.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.1.2.3", 443))])
    assert "public internet" in webhooks.webhook_url_problem("https://sneaky.example.org/", resolve=True)


def test_internal_address_is_never_posted_to(service, receiver, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_LOCAL = False
    row = enqueue(service)
    webhooks.deliver_one(now=timezone.now())
    row.refresh_from_db()
    assert receiver.requests == [] and row.last_error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_deliver_each_row_once(settings):
    """Against PostgreSQL: SKIP LOCKED claims, so workers running at once never post a row twice."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for SKIP LOCKED between connections (set DATABASE_URL)")
    settings.WEBHOOK_ALLOW_LOCAL = True
    r = Receiver()
    try:
        org = SupportOrganisation.objects.create(
            name="Race Victim Care", kind="general", webhook_url=r.url, webhook_secret=webhook_secret_new()
        )
        for i in range(30):
            enqueue(org, msg_id=f"msg_race_{i}")
        now = timezone.now()

        def worker(_):
            try:
                n = 0
                while webhooks.deliver_one(now=now):
                    n += 1
                return n
            finally:
                connections.close_all()

        with ThreadPoolExecutor(3) as pool:
            counts = list(pool.map(worker, range(3)))
        ids = [h["webhook-id"] for h, _ in r.requests]
        assert sum(counts) == 30 and len(ids) == 30 and len(set(ids)) == 30
        assert WebhookDelivery.objects.filter(status=WebhookStatus.DELIVERED).count() == 30
    finally:
        r.close()


def test_an_unreachable_server_costs_one_timeout_not_one_per_row(service, receiver):
    receiver.close()
    rows = [enqueue(service, msg_id=f"msg_dead_{i}") for i in range(5)]
    now = timezone.now()
    assert webhooks.deliver_one(now=now) is True
    assert webhooks.deliver_one(now=now) is False  # every row has had its attempt
    for row in rows:
        row.refresh_from_db()
        assert (row.attempts, row.status) == (1, WebhookStatus.PENDING)
        assert row.next_attempt_at == now + webhooks.BACKOFF[0] and row.last_error.startswith(
            "Could not connect"
        )


def test_an_error_answer_is_not_held_against_other_rows(service, receiver):
    receiver.status = 500
    enqueue(service, msg_id="msg_a")
    second = enqueue(service, msg_id="msg_b")
    webhooks.deliver_one(now=timezone.now())
    second.refresh_from_db()
    assert second.attempts == 0  # the server answers: each row gets its own try
