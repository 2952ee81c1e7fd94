import re

from django.db import models
from django.utils.translation import gettext_lazy as _

# e.g. VC/12345/26: force prefix, a 5–7 digit serial, two-digit year.
CRIME_REFERENCE_RE = re.compile(r"^[A-Z]{2}/\d{5,7}/\d{2}$")


def normalise_reference(value: str) -> str:
    """The one clean-up of a typed crime reference, wherever one arrives (forms, API, URLs, search,
    portal sign-in): spaces dropped, dashes (as in URLs) and backslashes read as slashes, capitals."""
    return (value or "").strip().upper().replace(" ", "").replace("-", "/").replace("\\", "/")


CRIME_REFERENCE_HELP = _(
    "Two letters, 5 to 7 digits and a two-digit year, separated by slashes, like VC/12345/26"
)
UK_POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})$", re.IGNORECASE)
UK_PHONE_RE = re.compile(r"^(\+44\s?|0)[0-9][0-9 ]{8,12}$")


class CrimeStatus(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    ALLOCATED = "allocated", _("Allocated")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    SUSPECT_CHARGED = "suspect_charged", _("Suspect charged")
    COURT = "court", _("At court")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in CrimeStatus if s != CrimeStatus.CLOSED]


class ClosureReason(models.TextChoices):
    NO_SUSPECT = "no_suspect", _("Investigation complete – no suspect identified")
    EVIDENTIAL_DIFFICULTIES = "evidential_difficulties", _("Evidential difficulties – suspect identified")
    VICTIM_DOES_NOT_SUPPORT = "victim_does_not_support", _("Victim does not support further action")
    NOT_IN_PUBLIC_INTEREST = "not_in_public_interest", _("Prosecution not in the public interest")
    OUT_OF_COURT = "out_of_court", _("Out-of-court disposal given")
    COURT_OUTCOME = "court_outcome", _("Court case concluded")
    NOT_INVESTIGATED = "not_investigated", _("Not investigated (screened out)")
    CANCELLED = "cancelled", _("Crime record cancelled")


class VictimRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    BEREAVED = "bereaved", _("Bereaved close relative")
    PARENT_GUARDIAN = "parent_guardian", _("Parent or guardian of a child victim")


class Title(models.TextChoices):
    MR = "Mr", "Mr"
    MRS = "Mrs", "Mrs"
    MS = "Ms", "Ms"
    MISS = "Miss", "Miss"
    MX = "Mx", "Mx"
    DR = "Dr", "Dr"
    NONE = "", _("No title")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")
    SELF_DESCRIBED = "self_described", _("In another way")
    NOT_SAID = "not_said", _("Prefer not to say")


class Ethnicity(models.TextChoices):
    """ONS 2021 census categories (self-defined)."""

    ASIAN_BANGLADESHI = "A1", _("Asian or Asian British: Bangladeshi")
    ASIAN_CHINESE = "A2", _("Asian or Asian British: Chinese")
    ASIAN_INDIAN = "A3", _("Asian or Asian British: Indian")
    ASIAN_PAKISTANI = "A4", _("Asian or Asian British: Pakistani")
    ASIAN_OTHER = "A5", _("Asian or Asian British: any other Asian background")
    BLACK_AFRICAN = "B1", _("Black, Black British, Caribbean or African: African")
    BLACK_CARIBBEAN = "B2", _("Black, Black British, Caribbean or African: Caribbean")
    BLACK_OTHER = "B3", _("Black, Black British, Caribbean or African: any other Black background")
    MIXED_WHITE_ASIAN = "M1", _("Mixed or multiple: White and Asian")
    MIXED_WHITE_BLACK_AFRICAN = "M2", _("Mixed or multiple: White and Black African")
    MIXED_WHITE_BLACK_CARIBBEAN = "M3", _("Mixed or multiple: White and Black Caribbean")
    MIXED_OTHER = "M4", _("Mixed or multiple: any other mixed background")
    WHITE_BRITISH = "W1", _("White: English, Welsh, Scottish, Northern Irish or British")
    WHITE_IRISH = "W2", _("White: Irish")
    WHITE_GYPSY = "W3", _("White: Gypsy or Irish Traveller")
    WHITE_ROMA = "W4", _("White: Roma")
    WHITE_OTHER = "W5", _("White: any other White background")
    OTHER_ARAB = "O1", _("Other ethnic group: Arab")
    OTHER_ANY = "O2", _("Other ethnic group: any other ethnic group")
    NOT_STATED = "NS", _("Prefer not to say")


class Disability(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SAID = "not_said", _("Prefer not to say")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")
    PORTAL = "portal", _("Online (TrackMyCrime portal)")


# The one safe-channel rule: the person's flag an officer must have set before we contact them this way.
# (The portal has no flag of its own: victims sign in to it, and its alerts go by a channel listed here.)
SAFE_FLAGS: dict[str, str] = {
    ContactMethod.PHONE: "safe_phone",
    ContactMethod.SMS: "safe_sms",
    ContactMethod.EMAIL: "safe_email",
    ContactMethod.LETTER: "safe_letter",
    ContactMethod.VISIT: "safe_visit",
}


class Consent(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    GIVEN = "given", _("Yes, refer me")
    DECLINED = "declined", _("No, do not refer me")


class OffenceGroup(models.TextChoices):
    VIOLENCE = "violence", _("Violence against the person")
    SEXUAL = "sexual", _("Sexual offences")
    ROBBERY = "robbery", _("Robbery")
    BURGLARY = "burglary", _("Burglary")
    VEHICLE = "vehicle", _("Vehicle offences")
    THEFT = "theft", _("Theft")
    CRIMINAL_DAMAGE = "criminal_damage", _("Criminal damage and arson")
    PUBLIC_ORDER = "public_order", _("Public order offences")
    FRAUD = "fraud", _("Fraud")
    OTHER = "other", _("Other crimes against society")


# What happens next, in plain words, by case status: on the care card, in standard messages and in the
# portal (translated: messages and the portal show it in the victim's language).
NEXT_STEPS = {
    "recorded": _(
        "An officer will be given your case. They will contact you and agree how often you want updates."
    ),
    "allocated": _(
        "Your officer will look at what happened and tell you what they will do. You do not need to do "
        "anything, but you can send them a question at any time."
    ),
    "under_investigation": _(
        "Officers are investigating. We will tell you when something important happens, such as an arrest, "
        "and update you as often as you asked."
    ),
    "suspect_charged": _(
        "The Witness Care Unit will tell you about court dates and whether you need to give evidence. "
        "You can make a Victim Personal Statement about how the crime affected you."
    ),
    "court": _(
        "The Witness Care Unit will keep you informed about hearings and the outcome. You can still send "
        "your officer a question."
    ),
    "closed": _(
        "The investigation has closed. It can be reopened if new information comes to light. You can still "
        "get support, and you may be able to ask for a review of the decision."
    ),
}


# Age bands for equality figures (the dashboards and the survey results). SQL twin: reporting.sql's
# reporting_age_band, which must keep the same bands.
AGE_NOT_KNOWN = "Not known"
AGE_BANDS = [
    (0, 17, "Under 18"),
    (18, 24, "18 to 24"),
    (25, 34, "25 to 34"),
    (35, 44, "35 to 44"),
    (45, 54, "45 to 54"),
    (55, 64, "55 to 64"),
    (65, 200, "65 and over"),
]


def age_on(date_of_birth, day) -> int | None:
    """Age in whole years on `day` (a birthday counts from the day itself)."""
    if date_of_birth is None:
        return None
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def age_band(age: int | None) -> str:
    if age is None:
        return AGE_NOT_KNOWN
    if age < 0:
        return AGE_BANDS[0][2]
    for lo, hi, label in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return AGE_NOT_KNOWN
