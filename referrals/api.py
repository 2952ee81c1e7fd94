"""The partner API (/api/partner/): a support service's system works its organisation's referrals with
the organisation's key (referrals.authentication). Schema at /api/partner/schema/, docs at
/api/partner/docs/, apart from the staff API's.

The same rules as everywhere: each referral is fetched through referrals.selectors (another
organisation's referral, or one not yet sent, is a 404 like a missing one), every write goes through
referrals.services (nothing here saves a model), and every answer that shows a victim's personal data
writes an access record naming the key before it leaves. Listing shows no personal data (reference, state
and dates only), so it writes one PARTNER_REFERRALS_LISTED record per page, not one per row.

Writes may be retried safely (referrals.idempotency): an Idempotency-Key header, an If-Match version, or
both. A move the lifecycle does not allow (closing a referral never accepted), or a contact attempt or
report of wrong details on a referral that no longer takes one, is a 409 with the reason;
invalid input a 400; a body over 16 KB a 413; anything but JSON a 415. Nothing is changed by any of them.
"""

from __future__ import annotations

import base64
import binascii
from contextlib import contextmanager
from datetime import datetime

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.decorators import method_decorator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, pagination, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from victimcare.accounts.tokens import ExpiringTokenAuthentication
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record
from victimcare.core import api_errors
from victimcare.core.api import JSONParser, Pagination

from . import selectors, services
from .authentication import (
    HasPartnerKey,
    MayReadPartnerDocs,
    PartnerAddressThrottle,
    PartnerKeyAuthentication,
    PartnerKeyThrottle,
)
from .constants import WITH_PARTNER
from .idempotency import etag, idempotent, require_version
from .models import Referral, ReferralTransition, WebhookDelivery
from .serializers import (
    DETAIL_EXAMPLE,
    LIST_EXAMPLE,
    ContactAttemptCreatedSerializer,
    ContactAttemptInSerializer,
    DetailsReportCreatedSerializer,
    DetailsReportInSerializer,
    ErrorSerializer,
    NoteSerializer,
    ReferralDetailSerializer,
    ReferralListItemSerializer,
    ReferralListQuerySerializer,
    RejectSerializer,
    WebhookDeliverySerializer,
    attempt_created,
    list_item,
    partner_detail,
    report_created,
)

PREFIX = "/api/partner/"
MAX_BODY = 16 * 1024


# --- schema: the partner API has its own, and the staff schema leaves it out --------------------------
def partner_endpoints_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook for the partner schema."""
    return [e for e in endpoints if e[0].startswith(PREFIX)]


def staff_endpoints_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook for the staff schema (SPECTACULAR_SETTINGS)."""
    return [e for e in endpoints if not e[0].startswith(PREFIX)]


SCHEMA_SETTINGS = {
    "TITLE": "Victim care partner API",
    "DESCRIPTION": (
        "For support services: the referrals the police have sent your organisation, and what you do "
        "with them. Send your organisation's API key as 'Authorization: Bearer vcp_…'. Another "
        "organisation's referral is a 404, like a missing one. Writes accept an 'Idempotency-Key' header "
        "(the same key and request again replays the first answer; the same key with a different request "
        "is a 422) and an 'If-Match' header with the referral's version (412 if it has changed). Errors "
        'have one shape: {"detail": "…"}, and for invalid input also "errors", every message by field. '
        "Webhooks, if "
        "you set an address, are signed per the Standard Webhooks convention (webhook-id, "
        "webhook-timestamp and webhook-signature headers; reject timestamps more than 5 minutes old)."
    ),
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["referrals.api.partner_endpoints_only"],
}

ID_PARAM = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="The referral's id."
)
IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique value (a UUID): a retry with the same key and request replays the first "
    "answer and changes nothing.",
)
IF_MATCH_PARAM = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The referral\'s version as you last read it, e.g. "3": the write happens only if it is '
    "still at that version.",
)


def _err(description: str, shape=ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(shape, description=description)


ERR_400 = _err(
    'Invalid input: "detail" says the first problem, "errors" every message by field (e.g. '
    '{"detail": "reason: Say why the referral is rejected.", "errors": {"reason": ["Say why the referral is '
    'rejected."]}}). Nothing was changed.',
)
COMMON_ERRORS = {
    401: _err("No API key, or a wrong or revoked one."),
    403: _err("Not allowed with these credentials."),
    429: _err("Too many requests, or too many with a wrong key: wait and try again."),
}
READ_ERRORS = {**COMMON_ERRORS, 404: _err("No such referral for your organisation.")}
WRITE_ERRORS = {
    400: ERR_400,
    **READ_ERRORS,
    412: _err("If-Match did not match: the referral has changed since you read it."),
    413: _err("The body is larger than 16 KB."),
    415: _err("The body is not JSON."),
    422: _err("The Idempotency-Key was used before for a different request."),
}


# --- plumbing --------------------------------------------------------------------------------------
class LimitedJSONParser(JSONParser):
    """The API's JSON parser with the partner API's smaller limit."""

    max_bytes = MAX_BODY


class ChangedCursor(pagination.BasePagination):
    """Keyset pagination by (changed_at, id), read along the index referral_partner_idx: every page costs
    the same however deep, and a referral that changes while a client pages moves to the end, where the
    client meets it again (so a sync that follows `next` to the end misses nothing)."""

    page_size = Pagination.page_size
    page_size_query_param = Pagination.page_size_query_param
    max_page_size = Pagination.max_page_size
    cursor_query_param = "cursor"
    get_page_size = Pagination.get_page_size

    def _decode(self, raw: str) -> tuple[datetime, int]:
        try:
            text = base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode("ascii")
            at, pk = text.split("|")
            when = datetime.fromisoformat(at)
            if when.tzinfo is None or not pk.isdigit():
                raise ValueError
            return when, int(pk)
        except (ValueError, UnicodeError, binascii.Error):
            raise exceptions.ValidationError(
                {"cursor": ["This cursor is not valid. Use the 'next' link of a page as it is."]}
            ) from None

    @staticmethod
    def _encode(ref: Referral) -> str:
        return (
            base64.urlsafe_b64encode(f"{ref.changed_at.isoformat()}|{ref.pk}".encode()).decode().rstrip("=")
        )

    def paginate_queryset(self, queryset, request, view=None):
        size = self.get_page_size(request)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            at, pk = self._decode(raw)
            # The >= keeps the range an index condition; the OR picks up after the last row.
            queryset = queryset.filter(changed_at__gte=at).filter(
                Q(changed_at__gt=at) | Q(changed_at=at, pk__gt=pk)
            )
        rows = list(queryset.order_by("changed_at", "id")[: size + 1])
        self.request = request
        self.next_cursor = self._encode(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_next_link(self) -> str | None:
        if self.next_cursor is None:
            return None
        return replace_query_param(
            self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor
        )

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null at the end. Keep following it to sync.",
                    "example": "https://victimcare.example/api/partner/referrals/?cursor=MjAyNi0xMS0zMF",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: from the previous page's 'next' link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Referrals per page (1 to 200; 50 if not given).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def _validated(serializer):
    serializer.is_valid(raise_exception=True)
    return serializer


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


@contextmanager
def _lifecycle_conflicts():
    """A move the lifecycle refuses (the service's error on 'state') is a 409, not a 400."""
    try:
        yield
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        if set(errors) == {"state"}:
            raise Conflict(" ".join(errors["state"])) from exc
        raise


def _first_message(errors) -> str:
    """The first message of DRF's nested error data, with the field it is about: 'reason: Say why…'."""
    if isinstance(errors, dict):
        for field, value in errors.items():
            message = _first_message(value)
            if message:
                return message if field in ("non_field_errors", "detail") else f"{field}: {message}"
    elif isinstance(errors, list):
        for value in errors:
            if message := _first_message(value):
                return message
    elif errors:
        return str(errors)
    return ""


def partner_exception_handler(exc, context):
    """Every error of the partner API has one shape: {"detail": "…"}, and for invalid input also
    {"errors": {field: [messages]}} with every message (detail then says the first)."""
    response = api_errors.exception_handler(exc, context)
    if response is not None and isinstance(response.data, (dict, list)):
        data = response.data
        if not (isinstance(data, dict) and set(data) <= {"detail"}):
            response.data = {"detail": _first_message(data) or "The request is not valid.", "errors": data}
    return response


class PartnerApi(APIView):
    """A partner key and nothing else; JSON only; every error as {"detail"[, "errors"]}."""

    def get_exception_handler(self):
        return partner_exception_handler

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [HasPartnerKey]
    throttle_classes = [PartnerAddressThrottle, PartnerKeyThrottle]
    parser_classes = [LimitedJSONParser]

    @property
    def key(self):
        return self.request.auth

    @property
    def organisation(self):
        return self.request.auth.organisation

    def referral(self, pk) -> Referral:
        ref = selectors.partner_referral_get(self.organisation, pk)
        if ref is None:
            raise exceptions.NotFound("No such referral for your organisation.")
        return ref

    def by(self) -> services.By:
        return services.By.partner_key(self.key)


# --- reads -----------------------------------------------------------------------------------------
class ReferralListApi(PartnerApi):
    pagination_class = ChangedCursor

    @extend_schema(
        operation_id="referrals_list",
        summary="List your referrals",
        description="Your organisation's referrals, oldest change first, so that following 'next' to the "
        "end brings you up to date; next time, ask for those changed since the last 'changed_at' you saw "
        "(updated_since, inclusive). Rows carry no personal data: read one referral for that.",
        parameters=[
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Changed at or after."),
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=sorted(WITH_PARTNER),
                description="Only referrals in this state.",
            ),
        ],
        responses={
            200: ReferralListItemSerializer(many=True),
            400: _err("A filter, page size or cursor that is not valid.", OpenApiTypes.OBJECT),
            **COMMON_ERRORS,
        },
        examples=[LIST_EXAMPLE],
        tags=["referrals"],
    )
    def get(self, request):
        q = _validated(ReferralListQuerySerializer(data=request.query_params)).validated_data
        qs = selectors.partner_referrals(self.organisation)
        if "updated_since" in q:
            qs = qs.filter(changed_at__gte=q["updated_since"])
        if "state" in q:
            qs = qs.filter(state=q["state"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        access_record(
            request=request,
            rows=[(AccessAction.PARTNER_REFERRALS_LISTED, None, None)],
            by_label=self.key.label,
        )
        return paginator.get_paginated_response([list_item(r) for r in page])


class ReferralDetailApi(PartnerApi):
    @extend_schema(
        operation_id="referrals_retrieve",
        summary="Read a referral",
        description="What your service needs to support the victim: their name, the contact details the "
        "officer marked safe to use (and which ways are safe), language and format needs, needs from the "
        "assessment, the offence group, why they are entitled to enhanced services, the officer's "
        "contact, and the referral's history. Writes an access record naming your key. The ETag header "
        "is the version, for If-Match.",
        parameters=[ID_PARAM],
        responses={200: ReferralDetailSerializer, **READ_ERRORS},
        examples=[DETAIL_EXAMPLE],
        tags=["referrals"],
    )
    def get(self, request, id):
        ref = self.referral(id)
        transitions = ReferralTransition.objects.filter(referral=ref).order_by("at", "id")
        data = partner_detail(
            ref,
            added_reasons=list(ref.crime_victim.added_eligibility.values_list("reason", flat=True)),
            transitions=transitions,
            attempts=ref.attempts.order_by("at", "id"),
            reports=ref.details_reports.filter(resolved_at__isnull=True).order_by("reported_at", "id"),
        )
        access_record(
            request=request,
            rows=[(AccessAction.PARTNER_REFERRAL_READ, ref.crime_id, ref.crime_victim.person_id)],
            by_label=self.key.label,
        )
        return Response(ReferralDetailSerializer(data).data, headers=etag(ref.version))


class WebhookDeliveryListApi(PartnerApi):
    pagination_class = Pagination

    @extend_schema(
        operation_id="webhook_deliveries_list",
        summary="List webhook deliveries",
        description="Your organisation's webhook deliveries, newest first: what was sent, whether your "
        "server took it, and the last error. Failed deliveries are retried with growing gaps (30 s, 2 "
        "min, 10 min, 1 h, 6 h) and then marked failed.",
        responses={
            200: WebhookDeliverySerializer(many=True),
            400: _err("A page size that is not valid.", OpenApiTypes.OBJECT),
            **COMMON_ERRORS,
            404: _err("No such page."),
        },
        tags=["webhooks"],
    )
    def get(self, request):
        qs = WebhookDelivery.objects.filter(organisation=self.organisation).order_by("-created_at", "-id")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


# --- writes ----------------------------------------------------------------------------------------
def _move_api(action: str, summary: str, description: str, request_serializer=NoteSerializer):
    class MoveApi(PartnerApi):
        @extend_schema(
            operation_id=f"referrals_{action}",
            summary=summary,
            description=description
            + " A move the referral's state does not allow is a 409 and changes nothing.",
            parameters=[ID_PARAM, IDEMPOTENCY_PARAM, IF_MATCH_PARAM],
            request=request_serializer,
            responses={
                200: ReferralListItemSerializer,
                **WRITE_ERRORS,
                409: _err("The referral's state does not allow this (the reason says why)."),
            },
            tags=["referrals"],
        )
        def post(self, request, id):
            ref = self.referral(id)
            data = _validated(request_serializer(data=request.data)).validated_data
            note = data.get("reason", data.get("note", ""))

            def do():
                with transaction.atomic(), _lifecycle_conflicts():
                    require_version(request, ref)
                    moved = services.referral_partner_move(
                        referral=ref, action=action, by=self.by(), note=note
                    )
                return Response(
                    ReferralListItemSerializer(list_item(moved)).data, headers=etag(moved.version)
                )

            return idempotent(request, self.organisation, do)

    MoveApi.__name__ = MoveApi.__qualname__ = f"Referral{action.title().replace('_', '')}Api"
    return MoveApi


ReferralAcknowledgeApi = _move_api(
    "acknowledge", "Acknowledge a referral", "Say your service has received the referral."
)
ReferralAcceptApi = _move_api("accept", "Accept a referral", "Your service will support the victim.")
ReferralRejectApi = _move_api(
    "reject",
    "Reject a referral",
    "Your service cannot take the referral; give the reason (the police see it).",
    RejectSerializer,
)
ReferralSupportGivenApi = _move_api(
    "support_given", "Record support given", "You contacted the victim and gave support."
)
ReferralSupportDeclinedApi = _move_api(
    "support_declined", "Record support declined", "You contacted the victim and they declined support."
)
ReferralCloseApi = _move_api(
    "close", "Close a referral", "Your work on the referral is finished (after the outcome is recorded)."
)


class ContactAttemptCreateApi(PartnerApi):
    @extend_schema(
        operation_id="referrals_contact_attempts_create",
        summary="Record a contact attempt",
        description="A try to reach the victim. Reached: the referral becomes 'victim contacted'. After "
        "your organisation's number of unanswered tries it becomes 'victim could not be contacted'. "
        "Trying implies you received and accepted the referral.",
        parameters=[ID_PARAM, IDEMPOTENCY_PARAM, IF_MATCH_PARAM],
        request=ContactAttemptInSerializer,
        responses={
            201: ContactAttemptCreatedSerializer,
            **WRITE_ERRORS,
            409: _err(
                "The referral's state does not allow contact attempts (closed, or the victim reached)."
            ),
        },
        examples=[
            OpenApiExample(
                "Reached by phone",
                value={"reached": True, "at": "2026-11-30T10:00:00Z", "method": "phone", "note": ""},
                request_only=True,
            )
        ],
        tags=["referrals"],
    )
    def post(self, request, id):
        ref = self.referral(id)
        data = _validated(ContactAttemptInSerializer(data=request.data)).validated_data

        def do():
            with transaction.atomic(), _lifecycle_conflicts():
                require_version(request, ref)
                attempt = services.contact_attempt_record(
                    referral=ref,
                    by=self.by(),
                    reached=data["reached"],
                    at=data["at"],
                    method=data.get("method", ""),
                    note=data.get("note", ""),
                )
            return Response(
                ContactAttemptCreatedSerializer(attempt_created(attempt)).data,
                status=status.HTTP_201_CREATED,
                headers=etag(attempt.referral.version),
            )

        return idempotent(request, self.organisation, do)


class DetailsReportCreateApi(PartnerApi):
    @extend_schema(
        operation_id="referrals_details_reports_create",
        summary="Report wrong details",
        description="Tell the police the victim's details are wrong (say which, and what is wrong). The "
        "officer gets a task to correct them within 2 working days; when they do, the referral shows "
        "'updated' with the new details.",
        parameters=[ID_PARAM, IDEMPOTENCY_PARAM, IF_MATCH_PARAM],
        request=DetailsReportInSerializer,
        responses={
            201: DetailsReportCreatedSerializer,
            **WRITE_ERRORS,
            409: _err("The referral is finished: details can no longer be reported wrong on it."),
        },
        examples=[
            OpenApiExample(
                "A wrong phone number",
                value={"fields": ["phone"], "note": "The number is not in use."},
                request_only=True,
            )
        ],
        tags=["referrals"],
    )
    def post(self, request, id):
        ref = self.referral(id)
        data = _validated(DetailsReportInSerializer(data=request.data)).validated_data

        def do():
            with transaction.atomic(), _lifecycle_conflicts():
                require_version(request, ref)
                report = services.details_report(
                    referral=ref, by=self.by(), fields=data["fields"], note=data["note"]
                )
            return Response(
                DetailsReportCreatedSerializer(report_created(report)).data,
                status=status.HTTP_201_CREATED,
                headers=etag(report.referral.version),
            )

        return idempotent(request, self.organisation, do)


# --- schema and docs -------------------------------------------------------------------------------
DOCS_AUTH = [PartnerKeyAuthentication, SessionAuthentication, ExpiringTokenAuthentication]


class PartnerSchemaApi(SpectacularAPIView):
    authentication_classes = DOCS_AUTH
    permission_classes = [MayReadPartnerDocs]
    custom_settings = SCHEMA_SETTINGS


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class PartnerDocsApi(SpectacularSwaggerSplitView):
    authentication_classes = DOCS_AUTH
    permission_classes = [MayReadPartnerDocs]
    url_name = "partner_api:schema"
    title = "Victim care partner API"
