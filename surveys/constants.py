"""The survey vocabulary: areas, kinds of question, milestones, sources. Words, never codes, reach pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """The five areas of the national user-satisfaction survey (Home Office guide, Annex B)."""

    EASE_OF_CONTACT = "ease_of_contact", _("Ease of contact")
    ACTIONS = "actions", _("Actions taken")
    KEPT_INFORMED = "kept_informed", _("Kept informed of progress")
    TREATMENT = "treatment", _("Treatment by staff")
    WHOLE_EXPERIENCE = "whole_experience", _("The whole experience")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Seven-point satisfaction scale")
    YES_NO = "yes_no", _("Yes, no or don't know")
    CHOICE = "choice", _("One of a list")
    TEXT = "text", _("Free text")


class Milestone(models.TextChoices):
    """When in a case a victim may be asked: not only charged cases, which the seeds warn skews results."""

    REPORTED = "reported", _("After the report")
    NO_FURTHER_ACTION = "nfa", _("After a decision of no further action")
    CLOSED = "closed", _("At closure")


# Case events that make each milestone (the registry's codes, cases.events).
MILESTONE_EVENTS = {
    Milestone.NO_FURTHER_ACTION: ("RELEASED_NFA", "NOT_PROSECUTED", "NOT_INVESTIGATED"),
    Milestone.CLOSED: ("CLOSED",),
}


class Source(models.TextChoices):
    ONLINE = "online", _("Online, from an invitation")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    CALLBACK = "callback", _("Quality call-back")


STAFF_SOURCES = (Source.PHONE, Source.IN_PERSON)


class InvitationState(models.TextChoices):
    SENT = "sent", _("Sent, not answered")
    ANSWERED = "answered", _("Answered")
    DECLINED = "declined", _("The victim asked not to be surveyed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class UpdatesKept(models.TextChoices):
    """How the victim's update duties had gone when they answered: set beside "kept informed", it asks
    whether the deadlines we meet match what victims feel."""

    ALL_ON_TIME = "all_on_time", _("Every update due was on time")
    SOME_LATE = "some_late", _("At least one update late or missed")
    NONE_DUE = "none_due", _("No update due yet")
