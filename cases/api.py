"""The staff REST API for crimes, victims and case events.

The same rules as the web pages: every crime is fetched through cases.selectors (a crime the user may not
see is a 404, never a 403, so existence does not leak), every write goes through cases.services (whose
field errors become 400s under the same keys, with nothing written), and every response that shows a
victim's personal data writes access records first.
"""

from django.contrib.auth import authenticate
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from victimcare.accounts import two_factor
from victimcare.accounts.constants import CASE_ROLES
from victimcare.accounts.services import SignInLocked, sign_in_attempt
from victimcare.accounts.tokens import expires_at, token_for
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record
from victimcare.core.api import JSONParser
from victimcare.core.http import client_ip, client_network

from . import selectors, services
from .filters import CrimeFilter, VictimFilter
from .models import CaseEvent, Crime, CrimeVictim
from .serializers import (
    CrimeCreateSerializer,
    CrimeDetailSerializer,
    CrimeListItemSerializer,
    ErrorDetailSerializer,
    EventCreateSerializer,
    EventSerializer,
    TokenObtainSerializer,
    TokenSerializer,
    VictimSerializer,
)

# --- schema helpers --------------------------------------------------------------------------------
REF_PARAM = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    pattern=r"^[A-Za-z]{2}-\d{5,7}-\d{2}$",
    description="Crime reference with dashes for slashes: VC/12345/26 is VC-12345-26.",
)
DETAIL_ERROR = ErrorDetailSerializer
ERR_400 = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid input: a list of messages per field, nested like the input "
    '(e.g. {"victims": {"0": {"email": ["…"]}}} or {"details": {"reason": ["…"]}}); '
    '"non_field_errors" for the input as a whole. Nothing was written.',
)
ERR_401_403 = {
    401: OpenApiResponse(DETAIL_ERROR, description="Not signed in, or a bad token."),
    403: OpenApiResponse(DETAIL_ERROR, description="Not signed in, or a role that does not work cases."),
}
ERR_404 = OpenApiResponse(DETAIL_ERROR, description="No such crime or person, or one you may not see.")
# The list operations: a filter or page number that is not valid, and a page past the end.
ERR_400_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A filter or page size that is not valid: a list of messages per query parameter "
    '(e.g. {"recorded_before": ["Enter a date between 1900 and 2099."]}).',
)
ERR_404_PAGE = OpenApiResponse(DETAIL_ERROR, description="No such page: the list has fewer pages.")
# A path parameter the API can never match (like a person id that is not a number).
PERSON_ID_PARAM = OpenApiParameter(
    "id", {"type": "integer", "minimum": 0}, OpenApiParameter.PATH, description="The person's id."
)


def _validated(serializer):
    serializer.is_valid(raise_exception=True)
    return serializer


def _crime_for(request, ref: str, *, with_victims: bool = False) -> Crime:
    """The crime by reference if the user may see it, else 404 (never 403: existence must not leak)."""
    crime = selectors.case_get(user=request.user, ref=ref)
    if with_victims:
        victims = CrimeVictim.objects.select_related("person").order_by("id")
        prefetch_related_objects([crime], Prefetch("victims", queryset=victims))
    return crime


# --- token -----------------------------------------------------------------------------------------
class TokenObtainThrottle(AnonRateThrottle):
    """Slows password guessing against the token endpoint, per client address."""

    scope = "token"
    rate = "20/minute"

    def get_ident(self, request):
        # DRF's default trusts the client's own X-Forwarded-For entries, which a client could vary to
        # dodge the limit: use the one client-address rule.
        return client_network(client_ip(request))


class TokenObtainApi(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenObtainThrottle]

    @extend_schema(
        operation_id="token_obtain",
        summary="Obtain an API token",
        description="Exchange an email address and password for a token. Send it on later requests as "
        "'Authorization: Token <token>'. The same token is returned until it is revoked or expires "
        "(after API_TOKEN_LIFETIME_HOURS, 24 by default); a password change revokes it.",
        request=TokenObtainSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Wrong email address or password, or wrong two-factor code."
            ),
            403: OpenApiResponse(
                DETAIL_ERROR,
                description="The account's role has no access to the case API, or it must set up "
                "two-factor sign-in in a browser first.",
            ),
            429: OpenApiResponse(DETAIL_ERROR, description="Too many attempts; wait and try again."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        data = _validated(TokenObtainSerializer(data=request.data)).validated_data
        try:
            # The same lock-out as the web and admin sign-in (counted before the password is checked).
            with sign_in_attempt(email=data["email"], request=request):
                user = authenticate(request, email=data["email"].lower(), password=data["password"])
                if user is None:
                    raise exceptions.ValidationError(
                        {"non_field_errors": ["Enter a correct email address and password."]}
                    )
        except SignInLocked:
            raise exceptions.Throttled(
                detail="Too many failed attempts. Wait 15 minutes and try again, or ask an administrator."
            ) from None
        if user.role not in CASE_ROLES:
            # Analysts and partners have no case data to read: no token they could not use.
            raise exceptions.PermissionDenied("Your role has no access to the case API.")
        # Two-factor sign-in holds for the API too: a token is never a way round it.
        if two_factor.is_on(user):
            try:
                device = two_factor.check_code(user, data.get("code") or "", request=request)
            except two_factor.CodeLocked:
                raise exceptions.Throttled(
                    detail="Too many failed attempts. Wait 15 minutes and try again, or ask an administrator."
                ) from None
            if device is None:
                raise exceptions.ValidationError(
                    {
                        "code": [
                            "Enter the code your authenticator app shows now (two-factor sign-in is on). "
                            "After several wrong codes, wait a minute before trying again."
                        ]
                    }
                )
        elif two_factor.required_for(user):
            raise exceptions.PermissionDenied(
                "Your account needs two-factor sign-in. Sign in to Victim care in a browser to set it up."
            )
        token = token_for(user)
        return Response(TokenSerializer({"token": token.key, "expires_at": expires_at(token)}).data)


# --- crimes ----------------------------------------------------------------------------------------
class CrimeListCreateApi(generics.ListAPIView):
    """GET lists crimes (no victim personal data, so no access records); POST records one."""

    filterset_class = CrimeFilter
    serializer_class = CrimeListItemSerializer
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            selectors.cases_visible_to(self.request.user)
            .select_related("offence", "team", "bcu", "oic")
            .annotate(victim_count=Count("victims"))
            .order_by("-recorded_at", "-id")
        )

    @extend_schema(
        operation_id="crimes_list",
        summary="List crimes",
        description="Crimes you may see, newest recorded first. Rows carry no victim personal data.",
        responses={
            200: CrimeListItemSerializer(many=True),
            400: ERR_400_FILTER,
            **ERR_401_403,
            404: ERR_404_PAGE,
        },
        tags=["crimes"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="crimes_create",
        summary="Record a crime",
        description="Record a crime with its victims, for a team you can record crimes for. Victims are "
        "matched to people already known (same name and date of birth). All or nothing: on any error "
        "nothing is written.",
        request=CrimeCreateSerializer,
        responses={201: CrimeDetailSerializer, 400: ERR_400, **ERR_401_403},
        tags=["crimes"],
    )
    def post(self, request, *args, **kwargs):
        serializer = _validated(CrimeCreateSerializer(data=request.data, context={"request": request}))
        crime = services.case_record(by=request.user, **serializer.service_kwargs())
        crime = _crime_for(request, crime.slug, with_victims=True)
        data = CrimeDetailSerializer(crime, context={"request": request}).data
        # The response carries victims' personal data (possibly of an already known person): audit it.
        _audit_crime_read(request, crime)
        return Response(data, status=status.HTTP_201_CREATED)


def _audit_crime_read(request, crime) -> None:
    """One INSERT, written before the data leaves: the crime, and each victim on it."""
    access_record(
        request=request,
        rows=[(AccessAction.API_CRIME_READ, crime.id, None)]
        + [(AccessAction.API_VICTIM_READ, crime.id, cv.person_id) for cv in crime.victims.all()],
    )


class CrimeDetailApi(APIView):
    @extend_schema(
        operation_id="crimes_retrieve",
        summary="Read a crime",
        description="The crime with its victims' personal data. Writes an access record for the crime and "
        "one for each victim.",
        parameters=[REF_PARAM],
        responses={200: CrimeDetailSerializer, **ERR_401_403, 404: ERR_404},
        tags=["crimes"],
    )
    def get(self, request, ref: str):
        crime = _crime_for(request, ref, with_victims=True)
        data = CrimeDetailSerializer(crime, context={"request": request}).data
        _audit_crime_read(request, crime)
        return Response(data)


# --- case events -----------------------------------------------------------------------------------
class CrimeEventsApi(generics.ListAPIView):
    """GET lists a crime's history (oldest first); POST records an event on it."""

    serializer_class = EventSerializer
    filter_backends: list = []
    parser_classes = [JSONParser]

    def get_queryset(self):
        crime = _crime_for(self.request, self.kwargs["ref"])
        return (
            CaseEvent.objects.filter(crime=crime)
            .select_related("recorded_by", "officer")
            .order_by("occurred_at", "id")
        )

    @extend_schema(
        operation_id="crimes_events_list",
        summary="List a crime's events",
        description="The case history, oldest first. Append-only: events are never changed or removed.",
        parameters=[REF_PARAM],
        responses={
            200: EventSerializer(many=True),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="A page size that is not a whole number from 1 to 200."
            ),
            **ERR_401_403,
            404: OpenApiResponse(
                DETAIL_ERROR, description="No such crime (or one you may not see), or page."
            ),
        },
        tags=["events"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="crimes_events_create",
        summary="Record an event on a crime",
        description="Record what happened (arrest, charge, hearing, closure…). Refused with a 400 on 'code' "
        "when it makes no sense for the case's state, e.g. charging a suspect on a closed case.",
        parameters=[REF_PARAM],
        request=EventCreateSerializer,
        responses={201: EventSerializer, 400: ERR_400, **ERR_401_403, 404: ERR_404},
        tags=["events"],
    )
    def post(self, request, ref: str):
        crime = _crime_for(request, ref)
        data = _validated(EventCreateSerializer(data=request.data)).validated_data
        event = services.event_record(
            crime=crime,
            by=request.user,
            code=data["code"],
            occurred_at=data["occurred_at"],
            details=data["details"],
            note=data["note"],
        )
        return Response(
            EventSerializer(event, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


# --- victims (people) ------------------------------------------------------------------------------
def _victim_queryset(user):
    visible_roles = (
        CrimeVictim.objects.filter(crime__in=selectors.cases_visible_to(user))
        .select_related("crime", "crime__offence")
        .order_by("-crime__recorded_at", "id")
    )
    return (
        selectors.victims_visible_to(user)
        .prefetch_related(Prefetch("roles", queryset=visible_roles, to_attr="visible_roles"))
        .order_by("last_name", "first_name", "id")
    )


class VictimListApi(generics.ListAPIView):
    serializer_class = VictimSerializer
    filterset_class = VictimFilter

    def get_queryset(self):
        return _victim_queryset(self.request.user)

    @extend_schema(
        operation_id="victims_list",
        summary="List victims",
        description="People on crimes you may see, with their roles on those crimes only. Shows personal "
        "data: writes one access record per person on the page.",
        responses={
            200: VictimSerializer(many=True),
            400: ERR_400_FILTER,
            **ERR_401_403,
            404: ERR_404_PAGE,
        },
        tags=["victims"],
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_serializer(page, many=True).data
        # One row per (person, visible crime) so each read shows in that case's access log.
        access_record(
            request=request,
            rows=[(AccessAction.API_VICTIM_READ, cv.crime_id, p.pk) for p in page for cv in p.visible_roles],
        )
        return self.get_paginated_response(data)


class VictimDetailApi(generics.RetrieveAPIView):
    serializer_class = VictimSerializer

    def get_queryset(self):
        return _victim_queryset(self.request.user)

    @extend_schema(
        operation_id="victims_retrieve",
        summary="Read a victim",
        description="A person's details and their roles on crimes you may see. Writes an access record for "
        "each of those crimes.",
        parameters=[PERSON_ID_PARAM],
        responses={200: VictimSerializer, **ERR_401_403, 404: ERR_404},
        tags=["victims"],
    )
    def get(self, request, *args, **kwargs):
        person = self.get_object()
        data = self.get_serializer(person).data
        access_record(
            request=request,
            rows=[(AccessAction.API_VICTIM_READ, cv.crime_id, person.pk) for cv in person.visible_roles]
            or [(AccessAction.API_VICTIM_READ, None, person.pk)],
        )
        return Response(data)


# --- the root ----------------------------------------------------------------------------------------
class ApiRootApi(APIView):
    """GET /api/: where everything is (for people exploring the API), not a 404."""

    @extend_schema(exclude=True)
    def get(self, request):
        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "crimes": url("api:crimes"),
                "victims": url("api:victims"),
                "token": url("api:token"),
                "schema": url("schema"),
                "docs": url("swagger-ui"),
            }
        )
