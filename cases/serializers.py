"""API serializers: one input serializer per write and one output serializer per shape returned.

Input serializers only parse and type-check; cases.services decides what is valid for the domain and its
field errors come back under the same keys (see victimcare.core.api_errors). Output serializers never
touch the database beyond what the view has already select_related / prefetched.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from victimcare.accounts.models import BCU, Team, User
from victimcare.core.dates import api_past_validator

from .constants import VictimRole
from .events import RECORDABLE
from .models import CaseEvent, Crime, CrimeVictim, Offence, Person
from .selectors import officers_in, teams_recordable_by
from .services import PERSON_FIELDS, VictimInput

MAX_VICTIMS = 20  # the same cap as the web form's victim formset


class OutputSerializer(serializers.ModelSerializer):
    """An output shape read from a model. ModelSerializer drops `allow_blank` from read-only fields, so
    the schema would promise one of the choices (or a valid email address) where the API returns "" for
    a detail nobody gave: keep it for every text field the model allows to be blank, so that the schema
    documents the empty value (drf-spectacular's BlankEnum beside a choice's enum; an empty string beside
    the email format)."""

    def get_fields(self):
        fields = super().get_fields()
        opts = self.Meta.model._meta
        for name, field in fields.items():
            if not isinstance(field, serializers.CharField | serializers.ChoiceField):
                continue
            try:
                model_field = opts.get_field(field.source or name)
            except FieldDoesNotExist:
                continue
            if model_field.blank and isinstance(model_field, models.CharField | models.TextField):
                field.allow_blank = True
        return fields


# --- small reference shapes ------------------------------------------------------------------------
class OffenceSerializer(OutputSerializer):
    class Meta:
        model = Offence
        fields = ["code", "name", "group"]


class TeamRefSerializer(OutputSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


class BCURefSerializer(OutputSerializer):
    class Meta:
        model = BCU
        fields = ["id", "code", "name"]


class OfficerRefSerializer(OutputSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


def _crime_url_field(view_name: str = "api:crime-detail") -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(
        view_name=view_name, lookup_field="slug", lookup_url_kwarg="ref"
    )


# --- crimes ----------------------------------------------------------------------------------------
class CrimeListItemSerializer(OutputSerializer):
    """A row of the crime list: no victim personal data, only how many victims there are."""

    url = _crime_url_field()
    offence = OffenceSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    team = TeamRefSerializer(read_only=True)
    bcu = BCURefSerializer(read_only=True)
    oic = OfficerRefSerializer(read_only=True, allow_null=True)
    victim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Crime
        fields = [
            "reference",
            "url",
            "offence",
            "status",
            "status_label",
            "team",
            "bcu",
            "oic",
            "occurred_at",
            "occurred_to",
            "reported_at",
            "recorded_at",
            "closed_at",
            "is_domestic_abuse",
            "is_hate_crime",
            "is_sensitive",
            "is_restricted",
            "victim_count",
        ]
        read_only_fields = fields


class PersonSerializer(OutputSerializer):
    """A victim's personal data. Every response that includes it writes an access record."""

    url = serializers.HyperlinkedIdentityField(view_name="api:victim-detail", lookup_url_kwarg="pk")

    class Meta:
        model = Person
        fields = ["id", "url", *PERSON_FIELDS]
        read_only_fields = fields


class CrimeVictimSerializer(OutputSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    person = PersonSerializer(read_only=True)

    class Meta:
        model = CrimeVictim
        fields = ["role", "role_label", "relationship", "person"]
        read_only_fields = fields


class CrimeDetailSerializer(OutputSerializer):
    url = _crime_url_field()
    events_url = _crime_url_field("api:crime-events")
    offence = OffenceSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    team = TeamRefSerializer(read_only=True)
    bcu = BCURefSerializer(read_only=True)
    oic = OfficerRefSerializer(read_only=True, allow_null=True)
    victims = CrimeVictimSerializer(many=True, read_only=True)

    class Meta:
        model = Crime
        fields = [
            "reference",
            "url",
            "events_url",
            "offence",
            "status",
            "status_label",
            "closure_reason",
            "team",
            "bcu",
            "oic",
            "occurred_at",
            "occurred_to",
            "reported_at",
            "recorded_at",
            "closed_at",
            "location",
            "summary",
            "is_domestic_abuse",
            "is_hate_crime",
            "is_sensitive",
            "is_restricted",
            "victims",
        ]
        read_only_fields = fields


class OffenceCodeField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": "There is no offence with the code '{value}'. Use a Home Office code, like 8N.",
        "invalid": "Enter the offence code as text, like 8N.",
    }

    def to_internal_value(self, data):
        return super().to_internal_value(data.strip().upper() if isinstance(data, str) else data)


class NewVictimSerializer(serializers.ModelSerializer):
    """A victim on a new crime: their role plus the person's details, side by side (so that service
    errors such as 'victims.0.email' point at the field sent)."""

    role = serializers.ChoiceField(choices=VictimRole.choices, default=VictimRole.VICTIM)
    relationship = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="For a bereaved relative or parent: e.g. 'mother of the deceased'.",
    )

    class Meta:
        model = Person
        fields = ["role", "relationship", *PERSON_FIELDS]
        extra_kwargs = {
            "date_of_birth": {"error_messages": {"invalid": "Enter a real date of birth, like 1985-03-14."}},
            "email": {"error_messages": {"invalid": "Enter an email address like name@example.com."}},
        }

    def to_victim_input(self, data: dict) -> VictimInput:
        return VictimInput(
            role=data["role"],
            relationship=data.get("relationship", ""),
            person={k: data[k] for k in PERSON_FIELDS if k in data},
        )


class CrimeCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20, help_text="Like VC/12345/26.")
    offence = OffenceCodeField(
        slug_field="code", queryset=Offence.objects.all(), help_text="Offence code, like 8N."
    )
    occurred_at = serializers.DateTimeField(
        help_text="When it happened (or the start of the window).", validators=[api_past_validator]
    )
    occurred_to = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="End of the window, if not known exactly.",
        validators=[api_past_validator],
    )
    reported_at = serializers.DateTimeField(validators=[api_past_validator])
    location = serializers.CharField(max_length=200)
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        error_messages={"max_length": "The summary must be 4,000 characters or fewer."},
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.none(),
        help_text="Id of the investigating team: one you can record crimes for.",
        error_messages={"does_not_exist": "Choose a team you can record crimes for."},
    )
    oic = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text="User id of the officer in case, if allocating now. Must be in the team.",
        error_messages={"does_not_exist": "Choose an active officer or supervisor."},
    )
    is_domestic_abuse = serializers.BooleanField(default=False)
    is_hate_crime = serializers.BooleanField(default=False)
    is_sensitive = serializers.BooleanField(default=False)
    is_restricted = serializers.BooleanField(
        default=False, help_text="Only named users can see a restricted case."
    )
    # A ListField (not many=True) so that errors come back as {"victims": {"0": {...}}} like the service's.
    victims = serializers.ListField(
        child=NewVictimSerializer(),
        allow_empty=False,
        max_length=MAX_VICTIMS,
        error_messages={
            "required": "Add at least one victim.",
            "empty": "Add at least one victim.",
            "max_length": f"Record at most {MAX_VICTIMS} victims at a time.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            teams = teams_recordable_by(request.user)
            self.fields["team"].queryset = teams
            # Only officers the caller could allocate to: an id outside that is "not found", never a name.
            self.fields["oic"].queryset = officers_in(teams)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        child = self.fields["victims"].child
        data["victims"] = [child.to_victim_input(v) for v in data["victims"]]
        return data


# --- victims (people) ------------------------------------------------------------------------------
class CrimeRefSerializer(OutputSerializer):
    url = _crime_url_field()
    offence = OffenceSerializer(read_only=True)

    class Meta:
        model = Crime
        fields = ["reference", "url", "offence", "status", "recorded_at"]
        read_only_fields = fields


class VictimRoleSerializer(OutputSerializer):
    crime = CrimeRefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = CrimeVictim
        fields = ["crime", "role", "role_label", "relationship"]
        read_only_fields = fields


class VictimSerializer(PersonSerializer):
    """A person with their roles on the crimes the user may see (never the others)."""

    roles = VictimRoleSerializer(source="visible_roles", many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "roles"]
        read_only_fields = fields


# --- case events -----------------------------------------------------------------------------------
class EventDetailLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class EventSerializer(OutputSerializer):
    label = serializers.CharField(read_only=True)
    recorded_by = OfficerRefSerializer(read_only=True, allow_null=True)
    officer = OfficerRefSerializer(read_only=True, allow_null=True, help_text="Allocation events only.")
    details = serializers.DictField(
        read_only=True, help_text="The event's details; fields depend on the code."
    )
    detail_lines = serializers.SerializerMethodField(
        help_text="The details as labelled, human-readable lines."
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "code",
            "label",
            "occurred_at",
            "recorded_at",
            "recorded_by",
            "officer",
            "details",
            "detail_lines",
            "note",
        ]
        read_only_fields = fields

    @extend_schema_field(EventDetailLineSerializer(many=True))
    def get_detail_lines(self, obj: CaseEvent) -> list[dict]:
        return [{"label": str(label), "value": value} for label, value in obj.detail_lines]


def _describe_event_types() -> str:
    lines = ["The event to record. Details each code takes (* = required):"]
    for t in RECORDABLE:
        fields = ", ".join(f"{f.name}{'*' if f.required else ''} ({f.kind})" for f in t.fields) or "none"
        lines.append(f"- {t.code}: {t.label}. Details: {fields}.")
    return "\n".join(lines)


class EventCreateSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[(t.code, t.label) for t in RECORDABLE],
        help_text=_describe_event_types(),
        error_messages={
            "invalid_choice": "Unknown event '{input}'. Choose one of the event codes you can record."
        },
    )
    occurred_at = serializers.DateTimeField(
        help_text="When it happened, ISO 8601 (with an offset, or UK local time).",
        validators=[api_past_validator],
    )
    details = serializers.DictField(
        required=False,
        default=dict,
        help_text="Detail fields for the code (see code): only the code's own names; any other name is "
        "refused with a 400 that lists the names the code takes.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4000,
        error_messages={"max_length": "The note must be 4,000 characters or fewer."},
    )


# --- errors and tokens -----------------------------------------------------------------------------
class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenObtainSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, write_only=True)
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=40,
        write_only=True,
        help_text="Your two-factor code (from your authenticator app, or a recovery code), if two-factor "
        "sign-in is on for your account.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as the header 'Authorization: Token <token>'.")
    expires_at = serializers.DateTimeField(
        help_text="When it stops working; then ask again. A password change ends it at once."
    )
