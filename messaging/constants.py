"""Messaging's vocabulary: channels, message kinds and statuses, topics, letter formats, and the stages
of staff inbox items."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    STANDARD = "standard", _("Standard")
    LARGE_PRINT = "large_print", _("Large print")
    EASY_READ = "easy_read", _("Easy read")
    BRAILLE = "braille", _("Braille")


class Stage(models.TextChoices):
    """Notification stages. Each (obligation, stage, recipient) is notified at most once."""

    REMINDER = "reminder", _("Due soon")
    BREACH = "breach", _("Overdue – escalated to supervisor")
    ESCALATION = "escalation", _("Still overdue – escalated to inspector")
    ABSENCE = "absence", _("Falls due while the officer is away")
    DELIVERY_FAILED = "delivery_failed", _("A message to the victim could not be delivered")
    VICTIM_MESSAGE = "victim_message", _("The victim sent something through the portal")
    DRAFT_READY = "draft_ready", _("A message needs a personal contact: a draft is ready")
    DETAILS_REPORTED = "details_reported", _("A support service says the victim's details are wrong")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal message")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class MessageKind(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic standard message")
    OFFICER = "officer", _("Message from the officer")
    ALERT = "alert", _("Alert (no case details)")
    VICTIM = "victim", _("From the victim (portal)")
    ACCOUNT = "account", _("Portal account (activation or password reset)")
    SURVEY = "survey", _("Survey invitation")


class MessageStatus(models.TextChoices):
    DRAFT = "draft", _("Draft for the officer")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    TEMPORARY_FAILURE = "temporary_failure", _("Failed – will try again")
    PERMANENT_FAILURE = "permanent_failure", _("Failed – will not be delivered")


DELIVERABLE = [MessageStatus.QUEUED, MessageStatus.TEMPORARY_FAILURE]


class Topic(models.TextChoices):
    """What a portal message is about (for messages from the victim, and officer replies)."""

    GENERAL = "", _("General")
    QUESTION = "question", _("Question")
    CONCERN = "concern", _("A problem with the service")
    ANSWER = "answer", _("Answer to a question")
    STATEMENT = "statement", _("Victim Personal Statement")
    FEEDBACK = "feedback", _("Feedback")
    PROPERTY = "property", _("Property details")
    PREFERENCES = "preferences", _("Contact preferences")
    REVIEW = "review", _("Request for a review (VRR)")
