from django.db import models
from django.utils.translation import gettext_lazy as _


class ObligationState(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    NOT_REQUIRED = "not_required", _("Not required")
    WAIVED = "waived", _("Waived")


class Trigger(models.TextChoices):
    """What starts a rule's clock. Case-event triggers use the event code from cases.events."""

    VICTIM_ADDED = "VICTIM_ADDED", _("Crime recorded (victim added to the case)")
    NOT_INVESTIGATED = "NOT_INVESTIGATED", _("Decision not to investigate")
    ARREST = "ARREST", _("Suspect arrested")
    INTERVIEW = "INTERVIEW", _("Suspect interviewed under caution")
    RELEASED_NFA = "RELEASED_NFA", _("Suspect released – no further action")
    BAIL = "BAIL", _("Suspect bailed")
    RUI = "RUI", _("Suspect released under investigation")
    BAIL_CHANGED = "BAIL_CHANGED", _("Bail conditions changed or cancelled")
    CHARGED = "CHARGED", _("Suspect charged or summonsed")
    OUT_OF_COURT = "OUT_OF_COURT", _("Out-of-court disposal given")
    NOT_PROSECUTED = "NOT_PROSECUTED", _("Decision not to prosecute")
    CLOSED = "CLOSED", _("Investigation closed")
    REALLOCATED = "REALLOCATED", _("Case reallocated to a new officer")
    WITNESS_STATEMENT = "WITNESS_STATEMENT", _("Witness statement taken")
    HEARING_DETAILS = "HEARING_DETAILS", _("Witness Care Unit receives hearing details")
    BAIL_HEARING_OUTCOME = "BAIL_HEARING_OUTCOME", _("Witness Care Unit receives a bail-hearing outcome")
    EVIDENCE_DECISION = (
        "EVIDENCE_DECISION",
        _("Witness Care Unit receives whether the victim must give evidence"),
    )
    OUTCOME = "OUTCOME", _("Witness Care Unit receives the outcome or sentence")
    QUALIFYING_SENTENCE = (
        "QUALIFYING_SENTENCE",
        _("Sentence of 12 months or more for a violent or sexual offence"),
    )
    VRR_REQUESTED = "VRR_REQUESTED", _("Victim asks for a review of a decision")
    PORTAL_QUERY = "PORTAL_QUERY", _("Victim sends a question through the portal")
    PORTAL_CONCERN = "PORTAL_CONCERN", _("Victim tells us about a problem with the service")
    DETAILS_REPORTED = "DETAILS_REPORTED", _("A support service reports the victim's details are wrong")
    PLAN = "PLAN", _("Recurring, as agreed in the contact plan")


class Duty(models.TextChoices):
    """The duties (rule codes) of the shipped rule sets. Code names a duty through these, never a bare
    string; the rules themselves (deadlines, wording) are data (contacts/fixtures/rulesets.json)."""

    ACKNOWLEDGE = "ACKNOWLEDGE", _("Written acknowledgement")
    NEEDS_ASSESSMENT = "NEEDS_ASSESSMENT", _("Needs assessment")
    SUPPORT_REFERRAL = "SUPPORT_REFERRAL", _("Support referral")
    CONTACT_PLAN = "CONTACT_PLAN", _("Contact plan")
    NOT_INVESTIGATED = "NOT_INVESTIGATED", _("Not investigated: tell the victim")
    ARREST = "ARREST", _("Arrest: tell the victim")
    INTERVIEW = "INTERVIEW", _("Interview: tell the victim")
    RELEASE_NO_FURTHER_ACTION = "RELEASE_NO_FURTHER_ACTION", _("No further action: tell the victim")
    BAIL = "BAIL", _("Bail or release under investigation: tell the victim")
    BAIL_CHANGED = "BAIL_CHANGED", _("Bail changed: tell the victim")
    CHARGE = "CHARGE", _("Charge: tell the victim")
    OUT_OF_COURT = "OUT_OF_COURT", _("Out-of-court disposal: tell the victim")
    NOT_PROSECUTED = "NOT_PROSECUTED", _("Not prosecuted: tell the victim")
    PROGRESS_UPDATE = "PROGRESS_UPDATE", _("Progress update")
    CLOSURE = "CLOSURE", _("Closure: tell the victim")
    OFFICER_INTRODUCTION = "OFFICER_INTRODUCTION", _("New officer introduction")
    VPS_OFFER = "VPS_OFFER", _("Victim Personal Statement offer")
    HEARING_DATE = "HEARING_DATE", _("Hearing date")
    BAIL_HEARING_OUTCOME = "BAIL_HEARING_OUTCOME", _("Bail-hearing outcome")
    GIVE_EVIDENCE = "GIVE_EVIDENCE", _("Whether to give evidence")
    OUTCOME_SENTENCE = "OUTCOME_SENTENCE", _("Outcome or sentence")
    VCS_REFERRAL = "VCS_REFERRAL", _("Probation Victim Contact Scheme referral")
    VRR_ACKNOWLEDGE = "VRR_ACKNOWLEDGE", _("Review request acknowledgement")
    VRR_DECISION = "VRR_DECISION", _("Review decision")
    QUERY_REPLY = "QUERY_REPLY", _("Reply to the victim's question")
    CONCERN_REPLY = "CONCERN_REPLY", _("Respond to the victim's concern")
    CORRECT_DETAILS = "CORRECT_DETAILS", _("Correct the victim's details for a support service")
    WRITTEN_INFORMATION = "WRITTEN_INFORMATION", _("Written information leaflet")


# Duties met by doing them (completing the assessment, agreeing the plan), never by logging a contact.
DONE_BY_DOING = frozenset({Duty.NEEDS_ASSESSMENT, Duty.CONTACT_PLAN})


class RuleSetKind(models.TextChoices):
    EDITION = "edition", _("Edition of the Code")
    OVERLAY = "overlay", _("Local overlay")


class Condition(models.TextChoices):
    ALWAYS = "", _("Always")
    SENSITIVE = "sensitive", _("Only in sensitive cases")
    NOT_MINOR_PROPERTY = (
        "not_minor_property",
        _("Not for vehicle crime or minor criminal damage unless vulnerable, repeat, hate crime or asked"),
    )


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    EVERY_28_DAYS = "every_28_days", _("Every 28 days")
    KEY_EVENTS = "key_events", _("Only when something important happens")
    NONE = "none", _("No updates")


FREQUENCY_DAYS = {Frequency.WEEKLY: 7, Frequency.FORTNIGHTLY: 14, Frequency.EVERY_28_DAYS: 28}


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", _("Spoke to the victim")
    MET = "met", _("Met the victim in person")
    WRITTEN_SENT = "written_sent", _("Letter, email, text or portal message sent")
    LEFT_MESSAGE = "left_message", _("Left a message")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number or address")
    DECLINED = "declined", _("Victim did not want to talk")


SUCCESSFUL_OUTCOMES = {ContactOutcome.SPOKE, ContactOutcome.MET, ContactOutcome.WRITTEN_SENT}
