"""The partner API's shapes: one input serializer per write, one output serializer per shape returned.

What a support service sees of a referral is decided once, in `partner_detail`: the victim's name, only
the contact details the officer marked safe to use, their language and format needs, the needs from the
assessment that matter to a service (never its internal notes), the offence group, the reasons they are
entitled to enhanced services, the officer's contact, and the referral's own history. Never the suspect,
the crime's summary, notes, or anyone else on the crime.
"""

from __future__ import annotations

from django.utils.text import capfirst
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from cases.constants import ContactMethod, OffenceGroup, VictimRole
from cases.eligibility import eligibility_input_for, enhanced_reasons
from victimcare.core.dates import api_past_validator

from .constants import ATTEMPT_METHODS, WITH_PARTNER, Actor, State, WebhookStatus, WrongDetail
from .models import Referral, WebhookDelivery
from .services import NOTE_MAX


def code_label(choices, code: str) -> dict | None:
    if not code:
        return None
    try:
        return {"code": code, "label": str(choices(code).label)}
    except ValueError:
        return {"code": code, "label": code}


# --- the rule: what a service may see of the victim -----------------------------------------------
def safe_contact(person) -> dict:
    """Only what the officer marked safe: a phone number only if calls or voicemail are safe (the mobile
    also if texts are), an email address only if email is safe, the address only if letters or visits
    to it are safe. Which ways are safe is itself part of the answer."""
    phone_ok = person.safe_phone or person.safe_voicemail
    address_ok = person.safe_letter or person.safe_visit
    safe = [
        {"code": code, "label": capfirst(str(person._meta.get_field(f"safe_{code}").verbose_name))}
        for code in ("phone", "voicemail", "sms", "email", "letter", "visit")
        if getattr(person, f"safe_{code}")
    ]
    return {
        "safe_channels": safe,
        "mobile_phone": person.mobile_phone if (phone_ok or person.safe_sms) else "",
        "other_phone": person.other_phone if phone_ok else "",
        "email": person.email if person.safe_email else "",
        "address": (
            {
                "line_1": person.address_line_1,
                "line_2": person.address_line_2,
                "town": person.town,
                "postcode": person.postcode,
            }
            if address_ok and person.address_line_1
            else None
        ),
        # Never suggest a way the officer has not marked safe, even if the victim once preferred it.
        "preferred_method": (
            code_label(ContactMethod, person.preferred_contact_method)
            if person.channel_safe(person.preferred_contact_method)
            else None
        ),
        "preferred_times": person.preferred_contact_times,
    }


def enhanced_words(cv, added_reasons: list[str]) -> list[str]:
    """Why the victim is entitled to enhanced services, in words: the derived reasons and the officer's."""
    return [text for _, text in enhanced_reasons(eligibility_input_for(cv))] + list(added_reasons)


def partner_history(transitions) -> list:
    """The referral's history as its service sees it: from sending on (never the force's steps before it,
    such as a decline the victim later took back)."""
    return [t for t in transitions if t.to_state in WITH_PARTNER]


def _needs(cv) -> dict | None:
    na = getattr(cv, "needs_assessment", None)
    if na is None:
        return None
    return {
        "practical_needs": na.practical_needs,
        "emotional_needs": na.emotional_needs,
        "wants_support": na.wants_support,
        "special_measures_needed": na.special_measures_needed,
        "assessed_at": na.completed_at,
    }


def _officer(crime) -> dict | None:
    oic = crime.oic
    if oic is None:
        return None
    return {"name": oic.display_name, "email": oic.reply_email, "phone": oic.contact_phone}


def partner_detail(ref: Referral, *, added_reasons: list[str], transitions, attempts, reports) -> dict:
    """A referral as its service sees it (the referral with crime, offence, officer, victim, person and
    needs assessment loaded; the lists passed in)."""
    crime, cv = ref.crime, ref.crime_victim
    cv.crime = crime
    person = cv.person
    reasons = enhanced_words(cv, added_reasons)
    return {
        **list_item(ref),
        "crime_reference": crime.reference,
        "decision_at": ref.decision_at,
        "sharing_note": ref.sharing_note,
        "reason": ref.reason,
        "victim": {
            "title": person.title,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "role": code_label(VictimRole, cv.role),
            "contact": safe_contact(person),
            "first_language": person.first_language,
            "interpreter_needed": person.interpreter_needed,
            "format_needs": person.format_needs,
            "needs": _needs(cv),
            "enhanced": {"entitled": bool(reasons), "reasons": reasons},
        },
        "offence_group": code_label(OffenceGroup, crime.offence.group),
        "officer": _officer(crime),
        "history": [
            {
                "state": code_label(State, t.to_state),
                "at": t.at,
                "actor": code_label(Actor, t.actor),
                "note": t.note,
            }
            for t in partner_history(transitions)
        ],
        "contact_attempts": [
            {"at": a.at, "reached": a.reached, "method": a.method, "note": a.note} for a in attempts
        ],
        "open_details_reports": [
            {
                "id": r.pk,
                "fields": [code_label(WrongDetail, f) for f in r.fields],
                "note": r.note,
                "reported_at": r.reported_at,
            }
            for r in reports
        ],
    }


def attempt_created(attempt) -> dict:
    return {
        "at": attempt.at,
        "reached": attempt.reached,
        "method": attempt.method,
        "note": attempt.note,
        "referral": list_item(attempt.referral),
    }


def report_created(report) -> dict:
    return {
        "id": report.pk,
        "fields": [code_label(WrongDetail, f) for f in report.fields],
        "note": report.note,
        "reported_at": report.reported_at,
        "referral": list_item(report.referral),
    }


def list_item(ref: Referral) -> dict:
    return {
        "id": ref.pk,
        "reference": ref.reference,
        "state": code_label(State, ref.state),
        "version": ref.version,
        "changed_at": ref.changed_at,
        "updated": ref.details_updated,  # changed after the service got the referral
        "details_updated_at": ref.details_updated_at,
        "sent_at": ref.sent_at,
        "ack_due_at": ref.ack_due_at,
        "contact_due_at": ref.contact_due_at,
        "acknowledged_at": ref.acknowledged_at,
        "accepted_at": ref.accepted_at,
        "contacted_at": ref.contacted_at,
        "closed_at": ref.closed_at,
    }


# --- output shapes (they describe the dicts above, for the schema and for rendering) ----------------
class CodeLabel(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, for systems.")
    label = serializers.CharField(help_text="The same in plain words, for people.")


class ReferralListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="Our reference for the referral, like R000123.")
    state = CodeLabel()
    version = serializers.IntegerField(
        help_text="Goes up with every change you should see. Send it back as If-Match to write safely."
    )
    changed_at = serializers.DateTimeField(help_text="Last change: the list's order and cursor.")
    updated = serializers.BooleanField(
        help_text="The victim's details changed after the referral was sent (read it for the new ones)."
    )
    details_updated_at = serializers.DateTimeField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    ack_due_at = serializers.DateTimeField(allow_null=True, help_text="Acknowledge by (service level).")
    contact_due_at = serializers.DateTimeField(
        allow_null=True, help_text="First contact with the victim by (service level)."
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    contacted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class AddressSerializer(serializers.Serializer):
    line_1 = serializers.CharField(allow_blank=True)
    line_2 = serializers.CharField(allow_blank=True)
    town = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)


class SafeContactSerializer(serializers.Serializer):
    safe_channels = CodeLabel(many=True, help_text="The ways of contact the officer marked safe.")
    mobile_phone = serializers.CharField(allow_blank=True, help_text="Empty unless calls or texts are safe.")
    other_phone = serializers.CharField(allow_blank=True, help_text="Empty unless calls are safe.")
    email = serializers.CharField(allow_blank=True, help_text="Empty unless email is safe.")
    address = AddressSerializer(allow_null=True, help_text="Null unless letters or visits are safe.")
    preferred_method = CodeLabel(allow_null=True, help_text="Null unless the preferred way is marked safe.")
    preferred_times = serializers.CharField(allow_blank=True)


class NeedsSerializer(serializers.Serializer):
    practical_needs = serializers.CharField(allow_blank=True)
    emotional_needs = serializers.CharField(allow_blank=True)
    wants_support = serializers.BooleanField()
    special_measures_needed = serializers.BooleanField()
    assessed_at = serializers.DateTimeField()


class EnhancedSerializer(serializers.Serializer):
    entitled = serializers.BooleanField(help_text="Entitled to enhanced services under the Victims' Code.")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, in words.")


class VictimSerializer(serializers.Serializer):
    title = serializers.CharField(allow_blank=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = CodeLabel()
    contact = SafeContactSerializer()
    first_language = serializers.CharField(allow_blank=True)
    interpreter_needed = serializers.BooleanField()
    format_needs = serializers.ListField(child=serializers.CharField())
    needs = NeedsSerializer(allow_null=True, help_text="From the needs assessment; null if not done yet.")
    enhanced = EnhancedSerializer()


class OfficerSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class HistoryItemSerializer(serializers.Serializer):
    state = CodeLabel()
    at = serializers.DateTimeField()
    actor = CodeLabel(help_text="Who made the change: the police, a support service, or automatic.")
    note = serializers.CharField(allow_blank=True)


class ContactAttemptOutSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    reached = serializers.BooleanField()
    method = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class DetailsReportOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fields = CodeLabel(many=True)
    note = serializers.CharField(allow_blank=True)
    reported_at = serializers.DateTimeField()


class ReferralDetailSerializer(ReferralListItemSerializer):
    crime_reference = serializers.CharField(
        help_text="The police's crime reference, to quote to the officer."
    )
    decision_at = serializers.DateTimeField(allow_null=True, help_text="When the victim agreed.")
    sharing_note = serializers.CharField(allow_blank=True, help_text="Who may be told what.")
    reason = serializers.CharField(allow_blank=True, help_text="Why it was rejected or withdrawn.")
    victim = VictimSerializer()
    offence_group = CodeLabel()
    officer = OfficerSerializer(allow_null=True, help_text="The officer in the case.")
    history = HistoryItemSerializer(many=True)
    contact_attempts = ContactAttemptOutSerializer(many=True)
    open_details_reports = DetailsReportOutSerializer(many=True)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="msg_id", help_text="The webhook-id header of the delivery.")
    referral = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=WebhookStatus.choices)
    last_status_code = serializers.IntegerField(allow_null=True, help_text="Your server's last answer.")
    last_error = serializers.CharField(allow_blank=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "referral",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "last_status_code",
            "last_error",
        ]
        read_only_fields = fields

    def get_referral(self, obj) -> str | None:
        return f"R{obj.referral_id:06d}" if obj.referral_id else None


# --- input shapes --------------------------------------------------------------------------------
class ReferralListQuerySerializer(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False,
        validators=[api_past_validator],
        help_text="Only referrals changed at or after this time (ISO 8601, e.g. 2026-11-30T09:00:00Z).",
    )
    state = serializers.ChoiceField(choices=State.choices, required=False, help_text="Only in this state.")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX, help_text="Optional, for the history."
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX, help_text="Why the service cannot take it.")


class ContactAttemptInSerializer(serializers.Serializer):
    reached = serializers.BooleanField(help_text="Whether you spoke to the victim.")
    at = serializers.DateTimeField(validators=[api_past_validator], help_text="When you tried.")
    method = serializers.ChoiceField(
        choices=ATTEMPT_METHODS,
        required=False,
        allow_blank=True,
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)


class DetailsReportInSerializer(serializers.Serializer):
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=WrongDetail.choices),
        min_length=1,
        max_length=len(WrongDetail.choices),
        help_text="Which details are wrong.",
    )
    note = serializers.CharField(max_length=NOTE_MAX, help_text="What is wrong, e.g. 'number not in use'.")


class DetailsReportCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    fields = CodeLabel(many=True)
    note = serializers.CharField(allow_blank=True)
    reported_at = serializers.DateTimeField()
    referral = ReferralListItemSerializer()


class ContactAttemptCreatedSerializer(ContactAttemptOutSerializer):
    referral = ReferralListItemSerializer()


class ErrorSerializer(serializers.Serializer):
    """Every error of the partner API."""

    detail = serializers.CharField(
        help_text="What is wrong, in words (for invalid input, the first problem)."
    )
    errors = serializers.DictField(
        required=False,
        help_text="Invalid input only: every message, by field (nested as the input is).",
    )


EXAMPLE_LIST_ITEM = {
    "id": 123,
    "reference": "R000123",
    "state": {"code": "sent", "label": "Sent"},
    "version": 2,
    "changed_at": "2026-11-30T09:15:00Z",
    "updated": False,
    "details_updated_at": None,
    "sent_at": "2026-11-30T09:15:00Z",
    "ack_due_at": "2026-12-02T09:15:00Z",
    "contact_due_at": "2026-12-07T09:15:00Z",
    "acknowledged_at": None,
    "accepted_at": None,
    "contacted_at": None,
    "closed_at": None,
}
LIST_EXAMPLE = OpenApiExample("A page", value=[EXAMPLE_LIST_ITEM], response_only=True)
DETAIL_EXAMPLE = OpenApiExample(
    "A referral",
    value={
        **EXAMPLE_LIST_ITEM,
        "crime_reference": "VC/12345/26",
        "decision_at": "2026-11-29T16:00:00Z",
        "sharing_note": "May be told about the court date.",
        "reason": "",
        "victim": {
            "title": "Ms",
            "first_name": "Aisha",
            "last_name": "Khan",
            "role": {"code": "victim", "label": "Victim"},
            "contact": {
                "safe_channels": [{"code": "phone", "label": "Phone calls are safe"}],
                "mobile_phone": "07700 900 982",
                "other_phone": "",
                "email": "",
                "address": None,
                "preferred_method": {"code": "phone", "label": "Phone call"},
                "preferred_times": "Weekdays after 6pm",
            },
            "first_language": "English",
            "interpreter_needed": False,
            "format_needs": ["Large print"],
            "needs": {
                "practical_needs": "New locks on the back door.",
                "emotional_needs": "Anxious at home alone.",
                "wants_support": True,
                "special_measures_needed": False,
                "assessed_at": "2026-11-29T16:00:00Z",
            },
            "enhanced": {"entitled": True, "reasons": ["Persistently targeted"]},
        },
        "offence_group": {"code": "burglary", "label": "Burglary"},
        "officer": {"name": "Olive Officer (PC1001)", "email": "olive.officer@police.example", "phone": ""},
        "history": [
            {
                "state": {"code": "sent", "label": "Sent"},
                "at": "2026-11-30T09:15:00Z",
                "actor": {"code": "system", "label": "Automatic"},
                "note": "",
            }
        ],
        "contact_attempts": [],
        "open_details_reports": [],
    },
    response_only=True,
)
