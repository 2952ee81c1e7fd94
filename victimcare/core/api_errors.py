"""Turns service ValidationErrors into DRF errors: the same clear messages, as JSON."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

WHOLE = "non_field_errors"  # DRF's key for messages about an object as a whole


def _nest(errors: dict[str, list[str]]) -> dict:
    """'victims.0.email' -> {'victims': {'0': {'email': [...]}}} so API errors mirror the input shape;
    '__all__' at any level -> 'non_field_errors'. Keys that collide ('details' beside 'details.reason')
    keep every message: those for the object as a whole go under its 'non_field_errors'."""
    out: dict = {}
    for key, messages in errors.items():
        parts = [WHOLE if p == "__all__" else p for p in key.split(".")]
        node = out
        for p in parts[:-1]:
            child = node.get(p)
            if not isinstance(child, dict):
                child = node[p] = {WHOLE: child} if child is not None else {}
            node = child
        leaf = parts[-1]
        if isinstance(node.get(leaf), dict):
            node[leaf].setdefault(WHOLE, []).extend(messages)
        else:
            node.setdefault(leaf, []).extend(messages)
    return out


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = _nest(exc.message_dict) if hasattr(exc, "error_dict") else {WHOLE: exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
