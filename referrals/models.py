"""Referrals: support organisations, the routing rules that pick them, referrals with their lifecycle, and
what partners need to work with us (members, API keys, webhooks, reports of wrong details)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.constants import OffenceGroup, VictimRole
from cases.eligibility import REASONS
from cases.models import text_limit
from victimcare.core.models import TimestampedModel

from .constants import (
    OPEN_STATES,
    ConsentBasis,
    Decision,
    Flag,
    OrganisationKind,
    RouteTrigger,
    State,
    VictimGroup,
    WebhookStatus,
)


def _check_codes(errors: dict, field: str, value, allowed) -> None:
    """A list field of codes (edited as JSON in the admin) holds only known codes: a misspelt one would
    make routing silently never match."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[field] = 'Enter a list of codes in double quotes, e.g. ["domestic_abuse"], or [] for none.'
        return
    unknown = [v for v in value if v not in allowed]
    if unknown:
        errors[field] = f"Not a known code: {', '.join(unknown)}. Use one of: {', '.join(allowed)}."


class SupportOrganisation(TimestampedModel):
    Kind = OrganisationKind  # the choices live in constants.py with the others

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    services = models.TextField(
        "services offered", blank=True, validators=text_limit(2000), help_text="In plain words, for officers."
    )
    bcus = models.ManyToManyField(
        "accounts.BCU",
        blank=True,
        related_name="support_organisations",
        help_text="Areas served; none means force-wide.",
    )
    victim_groups = models.JSONField(
        "victim groups served",
        default=list,
        blank=True,
        help_text="Codes from referrals.constants.VictimGroup.",
    )
    offence_groups = models.JSONField(
        "offence groups served", default=list, blank=True, help_text="Empty means every offence group."
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    is_national = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    consent_basis = models.CharField(
        max_length=10, choices=ConsentBasis.choices, default=ConsentBasis.EXPLICIT
    )
    ack_working_days = models.PositiveSmallIntegerField(
        "acknowledge within (working days)", default=2, help_text="Service level: receipt of a referral."
    )
    contact_working_days = models.PositiveSmallIntegerField(
        "first contact with the victim within (working days)", default=5
    )
    max_contact_attempts = models.PositiveSmallIntegerField("attempts before 'could not contact'", default=3)
    # Optional webhook: events about this organisation's referrals, signed per Standard Webhooks.
    webhook_url = models.URLField("webhook address", blank=True, max_length=400)
    webhook_secret = models.CharField(max_length=100, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["webhook_secret"], m2m_fields=[bcus])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ack_working_days__gte=1)
                & Q(contact_working_days__gte=1)
                & Q(max_contact_attempts__gte=1),
                name="supportorg_targets_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        _check_codes(errors, "victim_groups", self.victim_groups, VictimGroup.values)
        _check_codes(errors, "offence_groups", self.offence_groups, OffenceGroup.values)
        if errors:
            raise ValidationError(errors)


class RoutingRule(TimestampedModel):
    """Which organisations a victim is referred to: every condition set must hold (an empty one holds
    always). Read by referrals.routing.route, a pure function."""

    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    trigger = models.CharField(max_length=30, choices=RouteTrigger.choices, default=RouteTrigger.RECORDED)
    offence_groups = models.JSONField(
        default=list, blank=True, help_text="Any of these offence groups (empty: any offence)."
    )
    flags = models.JSONField(
        default=list,
        blank=True,
        help_text="All of these must hold: " + ", ".join(Flag.values),
    )
    enhanced_reasons = models.JSONField(
        default=list, blank=True, help_text="Any of these enhanced-entitlement reasons (empty: any)."
    )
    roles = models.JSONField(
        default=list, blank=True, help_text="Any of these roles on the crime (empty: any)."
    )
    min_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age at the offence, at least."
    )
    max_age = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Age at the offence, at most."
    )
    bcus = models.ManyToManyField("accounts.BCU", blank=True, related_name="+", help_text="Empty: every BCU.")
    organisations = models.ManyToManyField(SupportOrganisation, related_name="routing_rules")

    history = HistoricalRecords(m2m_fields=[bcus, organisations])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="routingrule_age_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict = {}
        _check_codes(errors, "offence_groups", self.offence_groups, OffenceGroup.values)
        _check_codes(errors, "flags", self.flags, Flag.values)
        _check_codes(errors, "enhanced_reasons", self.enhanced_reasons, list(REASONS))
        _check_codes(errors, "roles", self.roles, VictimRole.values)
        if errors:
            raise ValidationError(errors)


class Referral(models.Model):
    """One victim referred to one organisation. State changes only through referrals.services (each one
    written to ReferralTransition); `version` counts the changes a partner should see."""

    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="referrals")
    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="referrals")
    organisation = models.ForeignKey(SupportOrganisation, on_delete=models.PROTECT, related_name="referrals")
    routing_rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.CREATED)
    consent_basis = models.CharField(max_length=10, choices=ConsentBasis.choices)
    # The victim's decision: who asked, when, the answer, and who may be told what.
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.NOT_ASKED)
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_at = models.DateTimeField(null=True, blank=True)
    sharing_note = models.TextField("who may be told what", blank=True, validators=text_limit(1000))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An opt-out referral is held until here so the victim can decline first, then sent automatically.
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    ack_due_at = models.DateTimeField(null=True, blank=True)
    contact_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, validators=text_limit(1000), help_text="Why rejected or withdrawn.")
    contact_attempts = models.PositiveSmallIntegerField(default=0)
    # The victim's details changed since the service last saw them.
    details_updated_at = models.DateTimeField(null=True, blank=True)
    ack_reminded_at = models.DateTimeField(null=True, blank=True)
    contact_reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    changed_at = models.DateTimeField(db_index=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One live referral per victim and organisation, whatever routing runs twice.
            models.UniqueConstraint(
                fields=["crime_victim", "organisation"],
                condition=Q(state__in=sorted(str(s) for s in OPEN_STATES)),
                name="referral_one_open_per_org",
            ),
        ]
        indexes = [
            # The partner's list and API: one organisation's referrals by last change (cursor pagination).
            models.Index(fields=["organisation", "changed_at", "id"], name="referral_partner_idx"),
            # The send task: held opt-out referrals whose time has come.
            models.Index(fields=["send_after"], name="referral_to_send_idx", condition=Q(state="created")),
            # Stale referrals: sent but not acknowledged, or not contacted, by the target.
            models.Index(fields=["ack_due_at"], name="referral_ack_due_idx", condition=Q(state="sent")),
            models.Index(
                fields=["contact_due_at"],
                name="referral_contact_due_idx",
                condition=Q(state__in=["sent", "received", "accepted"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} to {self.organisation_id} ({self.state})"

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}"

    @property
    def details_updated(self) -> bool:
        """The victim's details changed after the service got the referral (selectors.UPDATED_SINCE_SENT is
        the same rule as a query). A change at the moment of sending is not news to the service."""
        return bool(self.details_updated_at and self.sent_at and self.details_updated_at > self.sent_at)


class ReferralTransition(models.Model):
    """Append-only: every change of a referral's state, when and by whom."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices)
    at = models.DateTimeField()
    actor = models.CharField(max_length=10)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(max_length=200, blank=True, help_text="An API key's name, or 'automatic'.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.from_state} -> {self.to_state}"


class ContactAttempt(models.Model):
    """A service's try to reach the victim."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    reached = models.BooleanField()
    method = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True, validators=text_limit(1000))
    recorded_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Attempt on referral {self.referral_id} at {self.at:%Y-%m-%d %H:%M}"


class DetailsReport(models.Model):
    """A service says the victim's details are wrong: a duty for the officer until they are corrected."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="details_reports")
    fields = models.JSONField(help_text="Codes from referrals.constants.WrongDetail.")
    note = models.TextField(blank=True, validators=text_limit(1000))
    reported_at = models.DateTimeField()
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(max_length=200, blank=True)
    obligation = models.ForeignKey(
        "contacts.Obligation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"Wrong details on referral {self.referral_id}"


class PartnerMember(models.Model):
    """A partner-agency user belongs to one organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_member"
    )
    organisation = models.ForeignKey(SupportOrganisation, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} of {self.organisation}"


class PartnerKey(models.Model):
    """An organisation's API key. Only a SHA-256 digest is kept (the key is 256 random bits, so a slow
    hash adds nothing, as in django-rest-knox); the prefix finds the row. Several may be active at once so
    a key can be rotated without downtime."""

    organisation = models.ForeignKey(SupportOrganisation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def label(self) -> str:
        return f"API key “{self.name}” of {self.organisation.name}"[:200]


class IdempotentRequest(models.Model):
    """A partner's write remembered by its Idempotency-Key: the same key again replays the answer."""

    organisation = models.ForeignKey(SupportOrganisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64, help_text="Method, path and body, hashed.")
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_once")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.key}"


class WebhookDelivery(models.Model):
    """Outbox of webhook events for an organisation: written with the change, delivered by a worker with
    retries and backoff."""

    organisation = models.ForeignKey(SupportOrganisation, on_delete=models.CASCADE, related_name="webhooks")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    msg_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_due_idx", condition=Q(status="pending"))
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.organisation_id} ({self.status})"


__all__ = [
    "ContactAttempt",
    "DetailsReport",
    "IdempotentRequest",
    "PartnerKey",
    "PartnerMember",
    "Referral",
    "ReferralTransition",
    "RoutingRule",
    "SupportOrganisation",
    "WebhookDelivery",
]
