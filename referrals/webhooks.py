"""Delivering webhook rows (the outbox written by referrals.services.webhook_enqueue), signed per the
Standard Webhooks convention with the `standardwebhooks` package: headers webhook-id (the row's msg_id,
the same on every retry, so a receiver can drop duplicates), webhook-timestamp (when this attempt was
sent: receivers reject anything more than 5 minutes old, which stops replays) and webhook-signature
(HMAC-SHA256 of "id.timestamp.body" with the organisation's secret).

One row at a time, never holding a lock over the network: the row is claimed with SKIP LOCKED and its
next attempt moved CLAIM_FOR ahead, the claim committed, the request sent (5 s timeout), and the result
recorded in a second short transaction. A worker that dies mid-send leaves the row to be tried again
once the claim runs out. Failures are retried after 30 s, 2 min, 10 min, 1 h and 6 h, then the row is
marked failed; the service sees every delivery and its last error in the API. When a service's server
gives no answer at all, its other due rows count that as their attempt too (one dead server must not
hold the batch for 5 s a row).

Addresses: https only, and only to hosts whose addresses are public (no loopback, private, link-local
or reserved ranges: a webhook must not be a way to reach our internal network); redirects are not
followed. http://localhost is allowed only when WEBHOOK_ALLOW_LOCAL is on (default: DEBUG), for
development and tests.

Why `requests`: it is already installed for GOV.UK Notify (messaging.notify); no new dependency.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from requests.adapters import HTTPAdapter
from standardwebhooks.webhooks import Webhook

from .constants import WebhookStatus
from .models import WebhookDelivery

BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = (3.05, 5)  # connect, read (seconds)
CLAIM_FOR = timedelta(minutes=2)  # longer than any one attempt can take
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
USER_AGENT = "victimcare-webhooks/1.0"


def allow_local() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOCAL", settings.DEBUG))


# IPv6 ranges that carry an IPv4 address inside (IPv4-compatible, NAT64, 6to4, Teredo): where a gateway
# translates them, [64:ff9b::7f00:1] is 127.0.0.1. No service's server needs one, so none is allowed.
EMBEDS_IPV4 = tuple(
    ipaddress.ip_network(n) for n in ("::/96", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32")
)
INTERNAL = "The webhook address must be on the public internet, not a private or internal network."


def _address_problem(ip: str, *, local_ok: bool) -> str | None:
    try:
        addr = ipaddress.ip_address(ip.split("%")[0])
    except ValueError:
        return "The webhook address's host is not valid."
    if addr.is_loopback and local_ok:
        return None
    if not addr.is_global or addr.is_multicast:
        return INTERNAL
    if addr.version == 6 and any(addr in net for net in EMBEDS_IPV4):
        return INTERNAL
    return None


def webhook_url_problem(url: str, *, resolve: bool = False) -> str | None:
    """Why we will not send to this address, in words, or None. With `resolve`, also every address the
    host name resolves to (at delivery time)."""
    return _checked(url, resolve=resolve)[0]


def _checked(url: str, *, resolve: bool) -> tuple[str | None, str | None]:
    """(why not, or None; with `resolve`, the checked address to connect to when the host is a name)."""
    local_ok = allow_local()
    try:
        parts = urlsplit(url or "")
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "Enter a full web address, starting https://.", None
    if parts.scheme not in ("https", "http") or not host:
        return "Enter a full web address, starting https://.", None
    if parts.username or parts.password:
        return "The webhook address must not contain a user name or password.", None
    if parts.scheme == "http" and not (local_ok and host in LOCAL_HOSTS):
        return "The webhook address must start https:// (so events are encrypted on the way).", None
    if host in LOCAL_HOSTS:
        return (None if local_ok else "The webhook address must be on the public internet."), None
    try:
        ipaddress.ip_address(host)
        literal = True
    except ValueError:
        literal = False
    if literal:
        return _address_problem(host, local_ok=local_ok), None
    if not resolve:
        return None, None
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        return f"The webhook host {host} could not be found.", None
    for info in infos:
        if problem := _address_problem(str(info[4][0]), local_ok=local_ok):
            return problem, None
    return None, (str(infos[0][4][0]) if infos else None)


def signed_headers(*, secret: str, msg_id: str, body: str, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for this body, signed now."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
    }


def body_of(row: WebhookDelivery) -> str:
    return json.dumps(row.payload, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True)
class Result:
    ok: bool
    status_code: int | None = None
    error: str = ""


def _send(row: WebhookDelivery) -> Result:
    org = row.organisation
    if not org.webhook_url:
        return Result(False, error="The organisation has no webhook address any more.")
    if not org.webhook_secret:
        return Result(False, error="The organisation has no webhook signing secret.")
    problem, pinned = _checked(org.webhook_url, resolve=True)
    if problem:
        return Result(False, error=problem)
    body = body_of(row)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signed_headers(secret=org.webhook_secret, msg_id=row.msg_id, body=body, at=timezone.now()),
    }
    url, session = org.webhook_url, requests.Session()
    if pinned:
        url, host = _pin(org.webhook_url, pinned)
        headers["Host"] = host
        session.mount("https://", PinnedAdapter(urlsplit(org.webhook_url).hostname))
    try:
        with (
            session,
            session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
                stream=True,  # the answer's body is not needed; read a little for the error message only
            ) as response,
        ):
            if 200 <= response.status_code < 300:
                return Result(True, response.status_code)
            excerpt = response.raw.read(200, decode_content=True).decode(errors="replace").strip()
            what = "a redirect (not followed)" if 300 <= response.status_code < 400 else "an error"
            return Result(
                False, response.status_code, f"Your server answered {response.status_code}, {what}. {excerpt}"
            )
    except requests.Timeout:
        return Result(False, error=f"No answer within {TIMEOUT[1]} seconds.")
    except requests.RequestException as exc:
        return Result(False, error=f"Could not connect: {type(exc).__name__}.")


class PinnedAdapter(HTTPAdapter):
    """Connect to the address that was checked, not to whatever the name resolves to a moment later (a
    name that answers with a public address for the check and an internal one for the connection, "DNS
    rebinding", would otherwise get our POST, and its answer's first bytes back in last_error). TLS still
    sends the name (SNI) and checks the certificate against it."""

    def __init__(self, hostname: str, **kwargs):
        self.hostname = hostname
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        pool_kwargs.update(server_hostname=self.hostname, assert_hostname=self.hostname)
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)


def _pin(url: str, ip: str) -> tuple[str, str]:
    """The URL with its host replaced by the checked address, and the Host header for the name."""
    parts = urlsplit(url)
    at = f"[{ip}]" if ":" in ip else ip
    netloc = f"{at}:{parts.port}" if parts.port else at
    return urlunsplit(parts._replace(netloc=netloc)), parts.netloc


def _claim(now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        row = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(status=WebhookStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        row.next_attempt_at = now + CLAIM_FOR
        row.save(update_fields=["attempts", "next_attempt_at"])
    return WebhookDelivery.objects.select_related("organisation").get(pk=row.pk)


def _record(row: WebhookDelivery, result: Result, now: datetime) -> None:
    fields: dict = {"last_status_code": result.status_code, "last_error": result.error[:500]}
    if result.ok:
        fields.update(status=WebhookStatus.DELIVERED, delivered_at=timezone.now(), last_error="")
    elif row.attempts >= MAX_ATTEMPTS:
        fields.update(status=WebhookStatus.FAILED)
    else:
        fields.update(next_attempt_at=now + BACKOFF[row.attempts - 1])
    # Only our own claim: the row is still pending at the attempt we made.
    WebhookDelivery.objects.filter(pk=row.pk, status=WebhookStatus.PENDING, attempts=row.attempts).update(
        **fields
    )


def _same_fate(row: WebhookDelivery, result: Result, now: datetime) -> int:
    """The service's server could not be reached at all (no answer, refused, timed out): its other due
    rows count this as their attempt too, so one unreachable server cannot hold a batch for 5 s a row.
    Each is claimed as deliver_one claims (SKIP LOCKED), so rows another worker has are left alone."""
    n = 0
    with transaction.atomic():
        others = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(
                organisation_id=row.organisation_id, status=WebhookStatus.PENDING, next_attempt_at__lte=now
            )
            .exclude(pk=row.pk)
            .order_by("next_attempt_at", "id")[:500]
        )
        for other in others:
            other.attempts += 1
            other.last_status_code, other.last_error = None, result.error[:500]
            if other.attempts >= MAX_ATTEMPTS:
                other.status = WebhookStatus.FAILED
            else:
                other.next_attempt_at = now + BACKOFF[other.attempts - 1]
            other.save(
                update_fields=["attempts", "last_status_code", "last_error", "status", "next_attempt_at"]
            )
            n += 1
    return n


def deliver_one(*, now: datetime) -> bool:
    """Claim one due row, post it, record the result. Returns whether there was one."""
    row = _claim(now)
    if row is None:
        return False
    result = _send(row)
    _record(row, result, now)
    if not result.ok and result.status_code is None and row.organisation.webhook_url:
        _same_fate(row, result, now)
    return True
