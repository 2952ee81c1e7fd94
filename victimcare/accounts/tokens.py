"""API tokens: DRF's token (one per member of staff, the same until revoked), with a lifetime, revoked
when the password changes, and listed and revocable by their owner and by administrators.

Why not django-rest-knox: it issues a new token at every request for one and keeps only a hash, so a
member of staff's integration could not be told "this is your token" twice; one visible token per person,
with an expiry, is the contract the API documents (the same token until it is revoked or expires)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def lifetime() -> timedelta:
    return timedelta(hours=settings.API_TOKEN_LIFETIME_HOURS)


def expires_at(token: Token) -> datetime:
    return token.created + lifetime()


def token_for(user, *, now: datetime | None = None) -> Token:
    """The user's token: the current one while it lasts, else a new one."""
    now = now or timezone.now()
    token = Token.objects.filter(user=user).first()
    if token is not None and expires_at(token) <= now:
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


def revoke(user) -> int:
    """End the user's API access by token (they may ask for a new one). Returns how many were revoked."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expires_at(token) <= timezone.now():
            token.delete()
            raise exceptions.AuthenticationFailed("This token has expired. Ask for a new one at /api/token/.")
        return user, token
