"""GOV.UK Notify backends (messaging.notify) against a fake Notify API on 127.0.0.1.

No network and no database: the real notifications-python-client talks HTTP to a ThreadingHTTPServer
that records each request and answers from a script."""

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer

from messaging import notify
from messaging.channels import Delivery, Outgoing, PermanentFailure, TemporaryFailure, backend_for

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"victimcare_test-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE, SMS_TEMPLATE = str(uuid.uuid4()), str(uuid.uuid4())
REPLY_TO, SMS_SENDER = str(uuid.uuid4()), str(uuid.uuid4())

SMS = Outgoing(
    channel="sms", to="07700900123", subject="Your case", body="Officer will call today.", reference="m-1"
)
EMAIL = Outgoing(
    channel="email",
    to="victim@example.com",
    subject="Update on your case",
    body="Hello.\n\nNews.",
    reference="m-2",
)


def notify_errors(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


@dataclass
class Recorded:
    method: str
    path: str
    body: dict
    authorization: str


@dataclass
class FakeNotify:
    """Scripted answers (status, body, delay) are used in order; with none left, a 201 success."""

    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    script: list[tuple[int, object, float]] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)

    def respond(self, status: int, body: object, delay: float = 0) -> None:
        self.script.append((status, body, delay))

    def answer(self, recorded: Recorded) -> tuple[int, object, float]:
        self.requests.append(recorded)
        if self.script:
            return self.script.pop(0)
        notification_id = str(uuid.uuid4())
        self.issued.append(notification_id)
        return 201, {"id": notification_id, "reference": recorded.body.get("reference"), "content": {}}, 0


@pytest.fixture
def fake_notify(settings, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    fake = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            recorded = Recorded(
                "POST", self.path, json.loads(raw or b"{}"), self.headers.get("Authorization", "")
            )
            status, body, delay = fake.answer(recorded)
            time.sleep(delay)
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/json" if not isinstance(body, str) else "text/html"
                )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.base_url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    settings.NOTIFY_SMS_TEMPLATE_ID = SMS_TEMPLATE
    settings.NOTIFY_EMAIL_REPLY_TO_ID = ""
    settings.NOTIFY_SMS_SENDER_ID = ""
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# --- sending ------------------------------------------------------------------------------------


def test_sms_posts_to_notify_and_returns_its_notification_id(fake_notify):
    delivery = notify.NotifySmsBackend().send(SMS)

    assert delivery == Delivery(status="sent", provider_ref=fake_notify.issued[0])
    [request] = fake_notify.requests
    assert request.path == "/v2/notifications/sms"
    assert request.body == {
        "phone_number": "07700900123",
        "template_id": SMS_TEMPLATE,
        "personalisation": {"subject": "Your case", "body": "Officer will call today."},
        "reference": "m-1",
    }


def test_email_posts_to_notify_and_returns_its_notification_id(fake_notify):
    delivery = notify.NotifyEmailBackend().send(EMAIL)

    assert delivery == Delivery(status="sent", provider_ref=fake_notify.issued[0])
    [request] = fake_notify.requests
    assert request.path == "/v2/notifications/email"
    assert request.body == {
        "email_address": "victim@example.com",
        "template_id": EMAIL_TEMPLATE,
        "personalisation": {"subject": "Update on your case", "body": "Hello.\n\nNews."},
        "reference": "m-2",
    }


def test_requests_are_signed_with_the_service_secret(fake_notify):
    notify.NotifySmsBackend().send(SMS)

    scheme, token = fake_notify.requests[0].authorization.split(" ", 1)
    assert scheme == "Bearer"
    assert get_token_issuer(token) == SERVICE_ID
    assert decode_jwt_token(token, SECRET) is True  # raises if not signed with the secret
    assert SECRET not in fake_notify.requests[0].authorization


def test_optional_reply_to_and_sms_sender_ids_are_sent_when_set(fake_notify, settings):
    settings.NOTIFY_EMAIL_REPLY_TO_ID = REPLY_TO
    settings.NOTIFY_SMS_SENDER_ID = SMS_SENDER

    notify.NotifyEmailBackend().send(EMAIL)
    notify.NotifySmsBackend().send(SMS)

    email, sms = fake_notify.requests
    assert email.body["email_reply_to_id"] == REPLY_TO
    assert sms.body["sms_sender_id"] == SMS_SENDER


def test_backend_for_loads_the_notify_backends_from_settings(fake_notify, settings):
    settings.VC_EMAIL_BACKEND = "messaging.notify.NotifyEmailBackend"
    settings.VC_SMS_BACKEND = "messaging.notify.NotifySmsBackend"

    assert isinstance(backend_for("email"), notify.NotifyEmailBackend)
    assert backend_for("sms").send(SMS).provider_ref == fake_notify.issued[0]


# --- errors -------------------------------------------------------------------------------------


def test_validation_error_is_a_permanent_failure_with_notifys_message(fake_notify):
    fake_notify.respond(400, notify_errors(400, "ValidationError", "phone_number Not a UK mobile number"))

    with pytest.raises(PermanentFailure, match="ValidationError: phone_number Not a UK mobile number"):
        notify.NotifySmsBackend().send(SMS)


def test_bad_email_address_is_a_permanent_failure(fake_notify):
    fake_notify.respond(400, notify_errors(400, "ValidationError", "email_address Not a valid email address"))

    with pytest.raises(PermanentFailure, match="email_address Not a valid email address"):
        notify.NotifyEmailBackend().send(EMAIL)


def test_rejected_api_key_is_a_permanent_failure_saying_so(fake_notify):
    fake_notify.respond(403, notify_errors(403, "AuthError", "Invalid token: API key not found"))

    with pytest.raises(PermanentFailure, match="rejected the API key") as raised:
        notify.NotifySmsBackend().send(SMS)
    assert "AuthError: Invalid token: API key not found" in str(raised.value)
    assert SECRET not in str(raised.value)


@pytest.mark.parametrize(
    ("status", "body", "text"),
    [
        (
            429,
            notify_errors(429, "RateLimitError", "Exceeded rate limit for key type LIVE"),
            "Exceeded rate limit",
        ),
        (500, notify_errors(500, "Exception", "Internal server error"), "Internal server error"),
        (502, "<html>Bad gateway</html>", "502"),
        (503, notify_errors(503, "Exception", "Service unavailable"), "Service unavailable"),
    ],
)
def test_rate_limits_and_server_errors_are_temporary_failures(fake_notify, status, body, text):
    fake_notify.respond(status, body)

    with pytest.raises(TemporaryFailure, match=text):
        notify.NotifyEmailBackend().send(EMAIL)


def test_other_client_errors_are_permanent_failures(fake_notify):
    fake_notify.respond(404, {"result": "error", "message": "The requested URL was not found on the server."})

    with pytest.raises(PermanentFailure, match=r"\(404\): The requested URL was not found"):
        notify.NotifySmsBackend().send(SMS)


def test_a_success_that_is_not_notify_json_is_a_temporary_failure(fake_notify):
    fake_notify.respond(200, "<html>Proxy login</html>")

    with pytest.raises(TemporaryFailure, match="unreadable response"):
        notify.NotifySmsBackend().send(SMS)


def test_a_success_without_a_notification_id_is_a_temporary_failure(fake_notify):
    fake_notify.respond(201, {"reference": "m-1"})

    with pytest.raises(TemporaryFailure, match="no notification id"):
        notify.NotifySmsBackend().send(SMS)


def test_connection_refused_is_a_temporary_failure(fake_notify, settings):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{port}"

    with pytest.raises(TemporaryFailure, match="Could not reach GOV.UK Notify"):
        notify.NotifySmsBackend().send(SMS)
    assert fake_notify.requests == []


def test_timeout_is_a_temporary_failure(fake_notify, monkeypatch):
    monkeypatch.setattr(notify.NotifyEmailBackend, "timeout", 0.2)
    fake_notify.respond(201, {"id": str(uuid.uuid4())}, delay=1)

    with pytest.raises(TemporaryFailure, match="Could not reach GOV.UK Notify.*timed out"):
        notify.NotifyEmailBackend().send(EMAIL)


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", [notify.NotifyEmailBackend, notify.NotifySmsBackend])
@pytest.mark.parametrize("value", [None, ""])
def test_missing_api_key_is_improperly_configured(fake_notify, settings, backend, value):
    if value is None:
        del settings.NOTIFY_API_KEY
    else:
        settings.NOTIFY_API_KEY = value

    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY must be set"):
        backend()


@pytest.mark.parametrize(
    "key", ["not-a-key", f"name-{SERVICE_ID}-not-a-secret-uuid-at-all-xxxxxxxxxxxx", SECRET]
)
def test_malformed_api_key_is_improperly_configured_without_echoing_it(fake_notify, settings, key):
    settings.NOTIFY_API_KEY = key

    with pytest.raises(ImproperlyConfigured, match="not a GOV.UK Notify API key") as raised:
        notify.NotifySmsBackend()
    assert key not in str(raised.value)


@pytest.mark.parametrize(
    ("backend", "setting"),
    [
        (notify.NotifyEmailBackend, "NOTIFY_EMAIL_TEMPLATE_ID"),
        (notify.NotifySmsBackend, "NOTIFY_SMS_TEMPLATE_ID"),
    ],
)
def test_missing_template_id_is_improperly_configured(fake_notify, settings, backend, setting):
    delattr(settings, setting)

    with pytest.raises(ImproperlyConfigured, match=setting):
        backend()


def test_base_url_defaults_to_the_live_notify_api(fake_notify, settings):
    del settings.NOTIFY_BASE_URL

    assert notify.NotifySmsBackend().client.base_url == "https://api.notifications.service.gov.uk"


# --- delivery-status callbacks ------------------------------------------------------------------


def callback(status: str | None, **changes) -> dict:
    payload = {
        "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
        "reference": "m-1",
        "to": "07700900123",
        "status": status,
        "created_at": "2026-11-02T10:00:00.000000Z",
        "completed_at": "2026-11-02T10:00:05.000000Z",
        "sent_at": "2026-11-02T10:00:01.000000Z",
        "notification_type": "sms",
        "template_id": SMS_TEMPLATE,
        "template_version": 1,
    }
    payload.update(changes)
    return payload


@pytest.mark.parametrize(
    ("notify_status", "ours"),
    [
        ("delivered", "delivered"),
        ("sent", "delivered"),
        ("sending", "sending"),
        ("created", "sending"),
        ("pending", "sending"),
        ("permanent-failure", "permanent_failure"),
        ("temporary-failure", "temporary_failure"),
        ("technical-failure", "temporary_failure"),
    ],
)
def test_status_from_callback_maps_every_notify_status(notify_status, ours):
    assert notify.status_from_callback(callback(notify_status)) == (
        "m-1",
        "740e5834-3a29-46b4-9a6f-16142fde533a",
        ours,
    )


def test_status_from_callback_tolerates_a_missing_notification_id():
    payload = callback("delivered")
    del payload["id"]

    assert notify.status_from_callback(payload) == ("m-1", "", "delivered")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({k: v for k, v in callback("delivered").items() if k != "reference"}, "no reference"),
        (callback("delivered", reference=None), "no reference"),
        (callback("delivered", reference=""), "no reference"),
        (callback("delivered", reference=42), "no reference"),
        ({k: v for k, v in callback("delivered").items() if k != "status"}, "no status"),
        (callback(""), "no status"),
        (callback(None), "no status"),
        (callback("exploded"), "Unknown Notify status"),
        (callback("DELIVERED"), "Unknown Notify status"),
        (callback("delivered", id=123), "id must be a string"),
        ([], "JSON object"),
        (None, "JSON object"),
    ],
)
def test_status_from_callback_rejects_malformed_payloads(payload, message):
    with pytest.raises(ValueError, match=message):
        notify.status_from_callback(payload)
