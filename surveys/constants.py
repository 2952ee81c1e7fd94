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


class FeedbackKind(models.TextChoices):
    """What a victim asked to be passed on, as the supervisor heard it."""

    PRAISE = "praise", _("Praise")
    CONCERN = "concern", _("A concern")
    OTHER = "other", _("Something else")


class CallBackState(models.TextChoices):
    QUEUED = "queued", _("To call")
    DONE = "done", _("Called: answers recorded")
    NOT_REACHED = "not_reached", _("Called: could not speak to them")
    DECLINED = "declined", _("Called: did not want to talk")
    CANCELLED = "cancelled", _("Taken off the list")


# How a call-back call went, as a contact (contacts.constants.ContactOutcome values).
CALLBACK_OUTCOMES = {
    "spoke": CallBackState.DONE,
    "no_answer": CallBackState.NOT_REACHED,
    "left_message": CallBackState.NOT_REACHED,
    "wrong_number": CallBackState.NOT_REACHED,
    "declined": CallBackState.DECLINED,
}


class Check(models.TextChoices):
    """The dip-sampling checklist (Dyfed-Powys practice; the Victims' Code entitlements)."""

    NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment complete")
    ENHANCED_RIGHT = "enhanced_right", _("Enhanced eligibility right")
    PLAN_AGREED = "plan_agreed", _("Contact plan agreed")
    PLAN_FOLLOWED = "plan_followed", _("Contact plan followed")
    UPDATES_ON_TIME = "updates_on_time", _("Updates on time")
    UPDATES_QUALITY = "updates_quality", _("Updates of good quality")
    ACKNOWLEDGEMENT = "acknowledgement", _("Written acknowledgement sent")
    REFERRAL = "referral", _("Referral to support made")
    VPS_OFFERED = "vps_offered", _("Victim Personal Statement offered")
    CLOSURE = "closure", _("Closure handled sensitively")


class CheckAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Does not apply")


class SampleKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly random sample")
    TARGETED = "targeted", _("The officer's next cases, after a poor result")


class SampleCaseState(models.TextChoices):
    TO_REVIEW = "to_review", _("To review")
    REVIEWED = "reviewed", _("Reviewed")


class ConcernOutcome(models.TextChoices):
    """What came of a victim's concern or unhappy feedback (service recovery)."""

    PUT_RIGHT = "put_right", _("Put right")
    EXPLAINED = "explained", _("Explained to the victim")
    APOLOGISED = "apologised", _("Apology given")
    REFERRED = "referred", _("Referred to Professional Standards as a complaint")
    NO_ACTION = "no_action", _("No action needed")
