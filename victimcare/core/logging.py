"""Logging filters."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404


class NoTracebackForRefusals(logging.Filter):
    """A refused request (403) or a missing page (404) is logged as one line, without the traceback
    Django attaches: they are expected answers, and a traceback per refusal buries real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc_type = record.exc_info[0] if record.exc_info else None
        if exc_type is not None and issubclass(exc_type, PermissionDenied | Http404):
            record.exc_info = None
            record.exc_text = None
        return True
