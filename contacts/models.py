"""Contacts: rule sets (the Code as data), obligations, contact plans, the contact log and staff
notifications. The deadline arithmetic itself is pure (victimcare.calendar, contacts.engine)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.constants import ContactMethod
from messaging.constants import Format
from victimcare.core.history import ChangeRecord
from victimcare.core.models import TimestampedModel

from .constants import Condition, ContactOutcome, Duty, Frequency, ObligationState, RuleSetKind, Trigger


class ClosureDay(TimestampedModel):
    """A one-off day the force does not count as a working day (beyond England and Wales bank holidays)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y}: {self.reason}"


class RuleSet(TimestampedModel):
    """An edition of the Victims' Code (or a local overlay on top of the edition in force)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=RuleSetKind.choices, default=RuleSetKind.EDITION)
    effective_from = models.DateField(help_text="Triggers on or after this date use this edition.")
    active = models.BooleanField(
        default=True, help_text="Overlays apply only while active; editions always apply from their date."
    )
    enhanced_reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Eligibility reason codes that make a victim enhanced under this edition; empty means all.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Rule(TimestampedModel):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(max_length=40)
    triggers = models.JSONField(help_text=f"List of trigger codes: {', '.join(Trigger.values)}")
    duty = models.TextField()
    standard_wd = models.PositiveSmallIntegerField("standard limit (working days)", null=True, blank=True)
    enhanced_wd = models.PositiveSmallIntegerField("enhanced limit (working days)", null=True, blank=True)
    period_days = models.PositiveSmallIntegerField(
        "recurring period (calendar days)", null=True, blank=True, help_text="For recurring duties"
    )
    first_period_days = models.PositiveSmallIntegerField(
        "first period (calendar days)", null=True, blank=True, help_text="e.g. 'first update within 7 days'"
    )
    auto_message_allowed = models.BooleanField("an automatic message may meet it", default=False)
    met_by_referral = models.BooleanField(default=False)
    once_per_victim = models.BooleanField(
        default=False, help_text="Several triggers, one duty: create it only once per victim on a case."
    )
    is_update = models.BooleanField(
        default=True, help_text="An update about the case: not required when the victim asked for none."
    )
    condition = models.CharField(max_length=30, choices=Condition.choices, blank=True)
    remind_days_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Calendar days before the deadline to remind the officer; blank = at once.",
    )
    second_escalation_days = models.PositiveSmallIntegerField(
        default=2, help_text="Calendar days after the breach before escalating to the inspector."
    )

    class Meta:
        ordering = ["rule_set", "code"]
        constraints = [models.UniqueConstraint(fields=["rule_set", "code"], name="rule_unique_code_in_set")]

    def __str__(self) -> str:
        return f"{self.rule_set.code}:{self.code}"


class AddedEligibility(models.Model):
    """An enhanced-eligibility reason added by an officer. Never deleted: withdrawing is a new row."""

    crime_victim = models.ForeignKey(
        "cases.CrimeVictim", on_delete=models.PROTECT, related_name="added_eligibility"
    )
    reason = models.CharField(max_length=300)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return self.reason


class ContactPlan(TimestampedModel):
    """The victim's 'contract': whether, how, when and how often they want to hear from us."""

    crime_victim = models.OneToOneField(
        "cases.CrimeVictim", on_delete=models.PROTECT, related_name="contact_plan"
    )
    wants_updates = models.BooleanField(default=True)
    methods = models.JSONField(default=list, help_text="Contact methods in order of preference.")
    safe_times = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.EVERY_28_DAYS)
    language = models.CharField(max_length=50, default="English")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.STANDARD)
    notes = models.TextField(blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the victim set preferences in the portal before an officer agreed a plan.",
    )
    agreed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Contact plan for {self.crime_victim_id}"

    @property
    def method_labels(self) -> list[str]:
        labels = dict(ContactMethod.choices)
        return [str(labels.get(m, m)) for m in self.methods]


def plan_of(cv) -> ContactPlan | None:
    """The victim's contact plan, or None (a missing one-to-one raises otherwise)."""
    try:
        return cv.contact_plan
    except ContactPlan.DoesNotExist:
        return None


class ContactPlanChange(ChangeRecord):
    """History of changes to a contact plan (victimcare.core.history)."""

    plan = models.ForeignKey(ContactPlan, on_delete=models.PROTECT, related_name="changes")

    subject_model = ContactPlan
    item_labels = {"methods": dict(ContactMethod.choices)}

    class Meta(ChangeRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Plan change {self.changed_at:%Y-%m-%d %H:%M}"


class Contact(TimestampedModel):
    """One entry in the contact log: a contact or an attempt."""

    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="contacts")
    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="contacts")
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    summary = models.TextField(max_length=4000)
    occurred_at = models.DateTimeField()
    about_closure = models.BooleanField(
        "told the victim the investigation is closing",
        default=False,
        help_text="What was done, that it can be reopened, support re-offered, the right to review.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["crime_victim", "-occurred_at"], name="contact_victim_time_idx")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.get_outcome_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def successful(self) -> bool:
        from .constants import SUCCESSFUL_OUTCOMES

        return self.outcome in SUCCESSFUL_OUTCOMES


class Obligation(models.Model):
    """One entitlement of one victim on one case, with its deadline and state. Reminders, escalations,
    worklists and compliance figures all derive from these rows.

    The foreign keys are deliberately not indexed one by one: the scan rewrites stage columns on up to
    hundreds of thousands of rows, and every index costs on each of those updates. The composite and
    partial indexes in Meta serve every query we make (crime/victim pages, worklists, the scan)."""

    crime = models.ForeignKey(
        db_index=False, to="cases.Crime", on_delete=models.PROTECT, related_name="obligations"
    )
    crime_victim = models.ForeignKey(
        db_index=False, to="cases.CrimeVictim", on_delete=models.PROTECT, related_name="obligations"
    )
    # The crime's team and BCU, copied when the duty is made (a crime never changes either: it is allocated
    # within its team): Team and BCU work count and page their open duties from one index range each, instead
    # of joining every open duty in the force to its crime (2 s for a BCU's 80,000 at 1,000,000 crimes).
    team = models.ForeignKey(db_index=False, to="accounts.Team", on_delete=models.PROTECT, related_name="+")
    bcu = models.ForeignKey(db_index=False, to="accounts.BCU", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(db_index=False, to=Rule, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    trigger = models.CharField(max_length=30, choices=Trigger.choices)
    trigger_event = models.ForeignKey(
        db_index=False,
        to="cases.CaseEvent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
    )
    triggered_at = models.DateTimeField()
    due_at = models.DateTimeField()
    enhanced = models.BooleanField(default=False)
    owner = models.ForeignKey(
        db_index=False,
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
        help_text="The officer in case responsible now (follows reallocation).",
    )
    state = models.CharField(max_length=20, choices=ObligationState.choices, default=ObligationState.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    met_on_time = models.BooleanField(null=True, blank=True)
    met_by_contact = models.ForeignKey(
        db_index=False, to=Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="met"
    )
    closed_reason = models.CharField(max_length=300, blank=True, help_text="Why not required or waived.")
    closed_by = models.ForeignKey(
        db_index=False,
        to=settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Notification schedule, fixed at creation so the scan is a plain indexed range query.
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=ObligationState.MET) | Q(met_at__isnull=False),
                name="obligation_met_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[ObligationState.WAIVED, ObligationState.NOT_REQUIRED])
                | ~Q(closed_reason=""),
                name="obligation_closed_has_reason",
            ),
            # At most one open recurring progress update per victim on a case.
            models.UniqueConstraint(
                fields=["crime_victim"],
                condition=Q(state=ObligationState.OPEN, code=Duty.PROGRESS_UPDATE),
                name="obligation_one_open_progress_update",
            ),
        ]
        indexes = [
            # Reminder scan: open, not yet reminded, remind_at <= now.
            models.Index(
                fields=["remind_at"],
                name="obl_remind_scan_idx",
                condition=Q(state="open", reminded_at__isnull=True),
            ),
            # Breach scan: open, not yet breached, due_at < now.
            models.Index(
                fields=["due_at"],
                name="obl_breach_scan_idx",
                condition=Q(state="open", breached_at__isnull=True),
            ),
            # Second-level scan: open, breached, not escalated, escalate_at <= now.
            models.Index(
                fields=["escalate_at"],
                name="obl_escalate_scan_idx",
                condition=Q(state="open", breached_at__isnull=False, escalated_at__isnull=True),
            ),
            # "My work": an officer's open obligations by due time.
            models.Index(fields=["owner", "due_at"], name="obl_owner_open_idx", condition=Q(state="open")),
            # Team work (each team) and BCU work (each BCU): open obligations by due time; and everything's,
            # for administrators. contacts.selectors.team_work reads one range per team or BCU.
            models.Index(
                fields=["team", "due_at", "id"], name="obl_team_open_idx", condition=Q(state="open")
            ),
            models.Index(fields=["bcu", "due_at", "id"], name="obl_bcu_open_idx", condition=Q(state="open")),
            models.Index(fields=["due_at", "id"], name="obl_open_due_idx", condition=Q(state="open")),
            # A case's duties (the case page, closing, and Team work's own-cases condition); per victim.
            models.Index(fields=["crime", "state"], name="obl_crime_state_idx"),
            models.Index(fields=["crime_victim", "state"], name="obl_victim_state_idx"),
        ]

    def __str__(self) -> str:
        due = timezone.localtime(self.due_at)
        return (
            f"{Duty(self.code).label if self.code in Duty.values else self.code}, due {due:%-d %b %Y %H:%M}"
        )

    @property
    def is_open(self) -> bool:
        return self.state == ObligationState.OPEN
