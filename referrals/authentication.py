"""How a support service's system signs in to the partner API: its organisation's key, sent as
`Authorization: Bearer vcp_…` (or `Authorization: Api-Key vcp_…`). The key names an organisation, not a
person: request.user stays anonymous and request.auth is the PartnerKey.

Staff credentials (a session cookie, `Authorization: Token …`) mean nothing here, and a partner key means
nothing on the staff API: each API lists only its own authentication classes.

Failed keys are counted per client address with the one rate limiter (victimcare.core.limits), counted
before the key is checked and given back when it is right, as the staff sign-in does: past the limit a
wrong key is refused with 429 rather than 401. Keys hold 256 random bits, so this is not what stops
guessing; it slows a misconfigured client or a scanner. A right key still works from that address: a
service's systems share its egress address, and one job still sending the key revoked in a rotation must
not lock out the jobs using the new one (as one officer's typos no longer lock out the station)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from victimcare.accounts.constants import CASE_ROLES
from victimcare.core.http import client_ip, client_network
from victimcare.core.limits import Limit

from .keys import key_check, key_used
from .models import PartnerKey
from .selectors import organisation_of

SCHEMES = ("bearer", "api-key")
FAILED_KEYS_PER_ADDRESS = Limit("partner-key-address", 20, 15 * 60)
LOCKED_MESSAGE = "Too many requests with a wrong API key from your address. Wait 15 minutes and try again."
BAD_KEY_MESSAGE = "This API key is not valid: it is wrong, or it has been revoked."


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in SCHEMES:
            return None  # not ours (no credentials, or a staff token): refused as unauthenticated
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the key as 'Authorization: Bearer <key>', with no spaces in the key."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_KEY_MESSAGE) from None
        address = client_network(client_ip(request))
        locked = FAILED_KEYS_PER_ADDRESS.over(FAILED_KEYS_PER_ADDRESS.hit(address))
        key = key_check(raw)
        if key is None:
            if locked:
                raise exceptions.Throttled(detail=LOCKED_MESSAGE)
            raise exceptions.AuthenticationFailed(BAD_KEY_MESSAGE)
        FAILED_KEYS_PER_ADDRESS.give_back(address)
        key_used(key)
        return (AnonymousUser(), key)

    def authenticate_header(self, request):
        # A WWW-Authenticate header makes DRF answer 401 (not 403) when the key is missing or wrong.
        return 'Bearer realm="partner-api"'


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = PartnerKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Your organisation's API key: 'Authorization: Bearer vcp_…'. Make and revoke "
            "keys in the partner workspace; several may be active at once, so you can rotate them.",
        }


class HasPartnerKey(permissions.BasePermission):
    message = "Send your organisation's API key: 'Authorization: Bearer vcp_…'."

    def has_permission(self, request, view):
        return isinstance(request.auth, PartnerKey)


class MayReadPartnerDocs(permissions.BasePermission):
    """The partner API's schema and docs: a partner key, a signed-in member of a support service, or staff."""

    message = "Sign in, or send your organisation's API key, to read the partner API's documentation."

    def has_permission(self, request, view):
        if isinstance(request.auth, PartnerKey):
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return user.role in CASE_ROLES or organisation_of(user) is not None


class PartnerKeyThrottle(throttling.SimpleRateThrottle):
    """Per key: enough for a service's system to sync, not enough to scrape."""

    scope = "partner_key"
    rate = "600/minute"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, PartnerKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"key-{request.auth.pk}"}


class PartnerAddressThrottle(throttling.SimpleRateThrottle):
    """Per client address (the one address rule), whatever key is sent."""

    scope = "partner_address"
    rate = "1200/minute"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_network(client_ip(request))}
