"""Turns service ValidationErrors into DRF errors: the same clear messages, as JSON."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def _nest(errors: dict[str, list[str]]) -> dict:
    """'victims.0.email' -> {'victims': {'0': {'email': [...]}}} so API errors mirror the input shape."""
    out: dict = {}
    for key, messages in errors.items():
        if key == "__all__":
            key = "non_field_errors"
        parts = key.split(".")
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = list(messages)
    return out


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = _nest(exc.message_dict) if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
