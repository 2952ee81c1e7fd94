"""The one rate limiter: sign-in lock-outs (staff and portal), reset requests and link date-of-birth tries.
(The API's token endpoint uses DRF's throttle, keyed on the same client address.)

Each attempt is counted *before* anything is checked, with the cache's atomic increment (Redis in
production), so parallel attempts cannot slip past a limit; a successful attempt can give its count
back, so the people who share a key (victims of one crime share its reference; colleagues share an
office's address) are not locked out by each other's successes. A window starts at the first attempt.

Why not django-ratelimit or django-axes (both looked at): django-ratelimit counts first, but has no way
to give an attempt back, and its windows are aligned to the clock, so across a boundary an attacker gets
twice the limit; django-axes counts a failure after the password has been checked (parallel guesses all
get checked: the bug this module exists to prevent) and brings its own client-address rule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def _setting(value: int | str) -> int:
    return int(getattr(settings, value)) if isinstance(value, str) else value


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts per `window` seconds per key. Either may name a setting, read at each
    use (so a force can change it, and tests can)."""

    name: str
    limit: int | str
    window: int | str

    @property
    def maximum(self) -> int:
        return _setting(self.limit)

    def _key(self, key: str) -> str:
        return f"limit:{self.name}:{hashlib.sha256(key.encode()).hexdigest()[:32]}"

    def hit(self, key: str) -> int:
        """Count an attempt and return the count including it."""
        k, window = self._key(key), _setting(self.window)
        cache.add(k, 0, window)
        try:
            return cache.incr(k)
        except ValueError:  # expired between add and incr
            cache.set(k, 1, window)
            return 1

    def give_back(self, key: str) -> None:
        """A successful attempt no longer counts. (Atomic: a decrement that went below zero, because the
        window expired and restarted in between, is undone.)"""
        try:
            if cache.decr(self._key(key)) < 0:
                cache.incr(self._key(key))
        except ValueError:  # expired meanwhile: nothing to give back
            pass

    def over(self, count: int, factor: int = 1) -> bool:
        return count > factor * self.maximum

    def reached(self, count: int, factor: int = 1) -> bool:
        return count >= factor * self.maximum
