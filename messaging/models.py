"""Messaging: the outbox (every message to a victim), the versioned standard wordings, and the staff inbox.

These models moved here from `contacts`; their tables kept their names (contacts_message,
contacts_messagetemplate, contacts_staffnotification), so the move cost no data migration.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from victimcare.core.models import TimestampedModel

from .constants import Channel, Format, MessageKind, MessageStatus, Stage, Topic


class MessageTemplate(TimestampedModel):
    """A standard message in one language, versioned: a new wording is a new version, so a sent message
    always records exactly which words it used. Bodies use Django template syntax over a fixed context
    (see messaging.templates)."""

    code = models.CharField(max_length=40)
    language = models.CharField(max_length=5, choices=[("en", "English"), ("cy", "Cymraeg")])
    version = models.PositiveIntegerField(default=1)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "contacts_messagetemplate"  # moved from contacts; the table kept its name
        ordering = ["code", "language", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "language", "version"], name="template_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.language}) v{self.version}"


class Message(models.Model):
    """The outbox: every message to a victim is first a row here, written in the same transaction as its
    cause. Workers deliver rows and record status and errors on them; a lost task or a broker outage
    delays a message, never loses it (the sweep finds it)."""

    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="messages")
    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="messages")
    obligation = models.ForeignKey(
        "contacts.Obligation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        help_text="The duty this message meets when delivered (content messages only, never alerts).",
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=5, default="en")
    template_code = models.CharField(max_length=40, blank=True)
    template_version = models.PositiveIntegerField(default=0)
    to_address = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=10000)
    status = models.CharField(max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    provider_ref = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    topic = models.CharField(max_length=20, choices=Topic.choices, blank=True)
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    read_at = models.DateTimeField(null=True, blank=True, help_text="When the victim first read it.")
    letter_format = models.CharField(
        max_length=20, choices=Format.choices, blank=True, help_text="Letters only: standard or large print."
    )

    class Meta:
        db_table = "contacts_message"  # moved from contacts; the table kept its name
        ordering = ["-created_at", "-id"]
        indexes = [
            # Delivery sweep: messages waiting for a (re)try.
            models.Index(
                fields=["next_attempt_at"],
                name="msg_deliverable_idx",
                condition=Q(status__in=["queued", "temporary_failure"]),
            ),
            # Stuck-message sweep: claimed by a worker that died.
            models.Index(fields=["claimed_at"], name="msg_sending_idx", condition=Q(status="sending")),
            models.Index(fields=["crime_victim", "-created_at"], name="msg_victim_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} {self.status} #{self.pk}"

    @property
    def is_large_print(self) -> bool:
        return self.letter_format == Format.LARGE_PRINT


class StaffNotification(models.Model):
    """An in-app inbox item (and the unit of the email digest)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    obligation = models.ForeignKey(
        "contacts.Obligation", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    stage = models.CharField(max_length=20, choices=Stage.choices)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Cleared from the inbox's "To do" by the person (work done some other way, or nothing to do). Items
    # whose work is done in the system (the duty met, the draft sent, the question answered) clear by
    # themselves: see contacts.selectors.inbox_to_do.
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "contacts_staffnotification"  # moved from contacts; the table kept its name
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database guarantees once-only, whatever the schedulers and workers do.
            models.UniqueConstraint(
                fields=["obligation", "stage", "recipient"],
                name="notification_once",
                condition=Q(message__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["message", "stage", "recipient"],
                name="notification_once_per_message",
                condition=Q(message__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_inbox_idx"),
            # The inbox's "To do": what the person has not cleared.
            models.Index(
                fields=["recipient", "-created_at"], name="notif_to_do_idx", condition=Q(done_at__isnull=True)
            ),
            # Digest scan: who has un-emailed notifications.
            models.Index(
                fields=["recipient"], name="notif_unemailed_idx", condition=Q(emailed_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.obligation_id} -> {self.recipient_id}"
