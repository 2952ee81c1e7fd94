"""Shared API plumbing: permission and pagination."""

from rest_framework import pagination, permissions

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
