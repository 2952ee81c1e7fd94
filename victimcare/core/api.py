"""Shared API plumbing: permission and pagination."""

import json

from rest_framework import exceptions, pagination, parsers, permissions

from victimcare.accounts.constants import CASE_ROLES


class IsStaffMember(permissions.BasePermission):
    """Signed in, active, and in a role that works cases. Which rows they see is the selectors' job."""

    message = "You do not have access to case data."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.role in CASE_ROLES)


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """A page size that is not a whole number from 1 to 200 is an error (DRF's own quietly uses 50)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_size_query_param:
                p["schema"] = {**p["schema"], "minimum": 1, "maximum": self.max_page_size}
            if p["name"] == self.page_query_param:
                p["schema"] = {**p["schema"], "minimum": 1}
        return params


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"The request body is too large: send at most {max_bytes // 1024} KB of JSON.")


class JSONParser(parsers.JSONParser):
    """JSON for the API: at most `max_bytes` (read no further, whatever Content-Length says: DRF's own
    stream reads do not stop at Django's DATA_UPLOAD_MAX_MEMORY_SIZE), and a body nested deeper than
    Python's recursion limit (a few KB of '[') is a 400 like any other malformed body, not a server error."""

    max_bytes = 64 * 1024

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except ValueError:
            declared = 0
        if declared > self.max_bytes:
            raise PayloadTooLarge(self.max_bytes)
        raw = stream.read(self.max_bytes + 1) if stream is not None else b""
        if len(raw) > self.max_bytes:
            raise PayloadTooLarge(self.max_bytes)
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return json.loads(raw.decode(encoding))
        except (UnicodeDecodeError, ValueError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None
