"""Typed hooks: how an app makes the apps above it react without naming them.

The app that owns a happening declares it as a `Hook` (or a `Guard`, for checks that may refuse a change)
in its own module, with a frozen dataclass as its payload. Apps above it register handlers in their
`AppConfig.ready()`. Handlers run synchronously, in order, inside the caller's transaction: whatever they
write (obligations, outbox rows) commits or rolls back with the change that caused it, which is the
outbox guarantee. An exception in a handler aborts the whole change.

Django's own signals would do the dispatch, but they pass loose keyword arguments (no typed payload) and
run receivers in the order they happened to connect, which depends on INSTALLED_APPS; the portal's
invitation must be written before the acknowledgement is routed, so order is part of the contract here,
stated where each handler registers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

P = TypeVar("P")
R = TypeVar("R")


class _Registry(Generic[P, R]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[tuple[int, str, Callable[[P], R]]] = []

    def register(self, handler: Callable[[P], R], *, order: int = 100) -> Callable[[P], R]:
        """Add a handler; lower `order` runs first. Registering the same function twice is a no-op (an
        app's ready() may run more than once in tests)."""
        key = f"{handler.__module__}.{handler.__qualname__}"
        if not any(k == key for _, k, _ in self._handlers):
            self._handlers.append((order, key, handler))
            self._handlers.sort(key=lambda h: h[0])
        return handler

    @property
    def handlers(self) -> list[str]:
        return [k for _, k, _ in self._handlers]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}: {', '.join(self.handlers) or 'no handlers'}>"


class Hook(_Registry[P, object]):
    """Something that happened; every handler reacts to it."""

    def fire(self, payload: P) -> None:
        for _, _, handler in self._handlers:
            handler(payload)


class Guard(_Registry[P, "list[tuple[str, str]]"]):
    """A check on a change that is about to happen. Each handler returns (field, message) problems; the
    owner refuses the change if there are any, and writes nothing."""

    def problems(self, payload: P) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for _, _, handler in self._handlers:
            out.extend(handler(payload))
        return out


class Provider(_Registry[P, R]):
    """A question a lower layer asks and one app above answers (e.g. the outbox asking which victims can
    read the portal). With nothing registered, `default` is the answer."""

    def __init__(self, name: str, default: Callable[[P], R]) -> None:
        super().__init__(name)
        self.default = default

    def ask(self, payload: P) -> R:
        if not self._handlers:
            return self.default(payload)
        return self._handlers[0][2](payload)


class Extension(_Registry[P, R]):
    """A place where apps above add to what the owner shows (e.g. each victim's duties on the case page).
    `collect` returns every handler's contribution, in order."""

    def collect(self, payload: P) -> list[R]:
        return [handler(payload) for _, _, handler in self._handlers]
