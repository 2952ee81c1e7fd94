"""Facts about an HTTP request that every app needs the same way."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the one rule for the audit log, every rate limit and every lock-out.

    Behind our own proxy (AUDIT_TRUST_X_FORWARDED_FOR), the last X-Forwarded-For entry is the one our
    proxy added; earlier entries are whatever the client claimed, so they are never trusted (a client
    could vary them to dodge a limit, or name someone else's address to lock them out). Without the
    proxy setting, REMOTE_ADDR: behind a proxy that would be the proxy itself, shared by everyone."""
    if request is None:
        return None
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def client_network(ip: str | None) -> str:
    """The unit a per-address limit counts: the address itself, or for IPv6 its /64 (one household or
    phone can have a whole /64)."""
    if not ip:
        return "unknown"  # no address at all (never over HTTP): one shared, strictly limited bucket
    if ":" in ip:
        try:
            return str(ipaddress.IPv6Network(f"{ip}/64", strict=False).network_address) + "/64"
        except ValueError:
            return ip
    return ip
