"""Shared API plumbing: permission and pagination."""

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


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested deeper than Python's recursion limit (a few KB of '[') is a 400
    like any other malformed body, not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the body is nested too deeply.") from None
