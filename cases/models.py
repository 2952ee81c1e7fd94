from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext

from victimcare.core.history import ChangeRecord
from victimcare.core.models import TimestampedModel

from . import constants
from .constants import (
    CRIME_REFERENCE_HELP,
    CRIME_REFERENCE_RE,
    NEXT_STEPS,
    SAFE_FLAGS,
    UK_PHONE_RE,
    UK_POSTCODE_RE,
    ClosureReason,
    Consent,
    ContactMethod,
    CrimeStatus,
    Disability,
    Ethnicity,
    Gender,
    OffenceGroup,
    Title,
    VictimRole,
)

reference_validator = RegexValidator(CRIME_REFERENCE_RE, CRIME_REFERENCE_HELP)
postcode_validator = RegexValidator(UK_POSTCODE_RE, "Enter a real UK postcode, like SW1A 1AA.")
phone_validator = RegexValidator(UK_PHONE_RE, "Enter a UK phone number, like 07700 900 982 or 01632 960 001.")


def text_limit(n: int):
    return [MaxLengthValidator(n)]


class Offence(models.Model):
    """Offence classification (loaded from cases/fixtures/offences.json by a data migration)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=30, choices=OffenceGroup.choices)
    is_sexual = models.BooleanField(default=False)
    is_domestic_abuse_eligible = models.BooleanField(default=False)
    is_violence = models.BooleanField(default=False)
    is_hate = models.BooleanField(default=False)
    is_road_death = models.BooleanField(default=False)
    is_vehicle = models.BooleanField(default=False)
    is_criminal_damage = models.BooleanField(default=False)
    is_homicide = models.BooleanField(default=False)
    # Code "most serious crime" that is not already sexual/hate/homicide: attempted murder, GBH with
    # intent, kidnap, false imprisonment, arson endangering life, terrorism, trafficking.
    is_most_serious = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The offence's name in the active language (Welsh on Welsh pages; see cases/offence_names.py)."""
        return gettext(self.name)


# The columns the case lists filter on (scope, restriction, status and flags), carried in their indexes.
_LIST_COLUMNS = [
    "oic",
    "team",
    "bcu",
    "is_restricted",
    "status",
    "is_domestic_abuse",
    "is_hate_crime",
    "is_sensitive",
]


class Crime(TimestampedModel):
    reference = models.CharField(max_length=20, unique=True, validators=[reference_validator])
    offence = models.ForeignKey(Offence, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(help_text="When the offence happened (or the start of the window).")
    occurred_to = models.DateTimeField(
        null=True, blank=True, help_text="End of the window, if not known exactly."
    )
    reported_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    location = models.CharField(max_length=200)
    summary = models.TextField(blank=True, validators=text_limit(4000))
    bcu = models.ForeignKey("accounts.BCU", on_delete=models.PROTECT, related_name="crimes")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="crimes")
    oic = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="officer in case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    status = models.CharField(max_length=30, choices=CrimeStatus.choices, default=CrimeStatus.RECORDED)
    closure_reason = models.CharField(max_length=40, choices=ClosureReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    is_domestic_abuse = models.BooleanField("domestic abuse", default=False)
    is_hate_crime = models.BooleanField("hate crime", default=False)
    is_sensitive = models.BooleanField("sensitive", default=False)
    is_restricted = models.BooleanField(
        "restricted", default=False, help_text="Only the named users can see a restricted case."
    )
    named_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="named_on_crimes")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__gte=F("occurred_at")), name="crime_reported_after_occurred"
            ),
            models.CheckConstraint(
                condition=Q(occurred_to__isnull=True) | Q(occurred_to__gte=F("occurred_at")),
                name="crime_occurred_window_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=CrimeStatus.CLOSED)
                | (~Q(closure_reason="") & Q(closed_at__isnull=False)),
                name="crime_closed_has_reason",
            ),
        ]
        indexes = [
            # The case lists (cases.selectors.case_rows): My cases (an officer's), Team cases (each team)
            # and BCU cases (each BCU), newest first, one index range per condition of the user's scope,
            # merged in order. They cover every column the lists filter on, so the count and the page's
            # ids come from the index alone, however deep the page (INCLUDE is PostgreSQL only).
            models.Index(
                fields=["oic", "-recorded_at", "-id"],
                include=[c for c in _LIST_COLUMNS if c != "oic"],
                name="crime_oic_list_idx",
            ),
            models.Index(
                fields=["team", "-recorded_at", "-id"],
                include=[c for c in _LIST_COLUMNS if c != "team"],
                name="crime_team_list_idx",
            ),
            models.Index(
                fields=["bcu", "-recorded_at", "-id"],
                include=[c for c in _LIST_COLUMNS if c != "bcu"],
                name="crime_bcu_list_idx",
            ),
            models.Index(fields=["status"], name="crime_status_idx"),
            # The few restricted cases (cases.selectors.hidden_restricted: those in a person's scope that
            # do not name them, left out of Team and BCU work): a small index instead of reading a BCU's
            # 100,000 crimes to find its 200 restricted ones.
            models.Index(
                fields=["bcu", "team", "oic"], name="crime_restricted_idx", condition=Q(is_restricted=True)
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def slug(self) -> str:
        return self.reference.replace("/", "-")

    @property
    def next_steps(self):
        """What happens next, by status (a lazy translation: text in whatever language is active when it
        is rendered)."""
        return NEXT_STEPS.get(self.status, NEXT_STEPS[CrimeStatus.RECORDED])

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", kwargs={"ref": self.slug})

    @property
    def is_closed(self) -> bool:
        return self.status == CrimeStatus.CLOSED

    @property
    def flag_labels(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.is_domestic_abuse, "Domestic abuse"),
                (self.is_hate_crime, "Hate crime"),
                (self.is_sensitive, "Sensitive"),
                (self.is_restricted, "Restricted"),
            )
            if flag
        ]


class Person(TimestampedModel):
    """A victim (or bereaved relative, or parent of a child victim). One row per person, shared across
    crimes so that repeat victims are recognised."""

    title = models.CharField(max_length=10, choices=Title.choices, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(
        "self-defined ethnicity", max_length=2, choices=Ethnicity.choices, blank=True
    )
    disability = models.CharField(max_length=10, choices=Disability.choices, blank=True)
    disability_details = models.CharField(max_length=300, blank=True)
    first_language = models.CharField(max_length=50, default="English")
    interpreter_needed = models.BooleanField(default=False)
    needs_large_print = models.BooleanField("large print", default=False)
    needs_easy_read = models.BooleanField("easy read", default=False)
    needs_braille = models.BooleanField("braille", default=False)
    mobile_phone = models.CharField(max_length=20, blank=True, validators=[phone_validator])
    other_phone = models.CharField(max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=10, blank=True, validators=[postcode_validator])
    preferred_contact_method = models.CharField(max_length=10, choices=ContactMethod.choices, blank=True)
    preferred_contact_times = models.CharField(max_length=200, blank=True)
    # Which channels may be used without putting the victim at risk (domestic abuse above all).
    safe_phone = models.BooleanField("phone calls are safe", default=False)
    safe_voicemail = models.BooleanField("voicemail is safe", default=False)
    safe_sms = models.BooleanField("text messages are safe", default=False)
    safe_email = models.BooleanField("email is safe", default=False)
    safe_letter = models.BooleanField("letters to the address are safe", default=False)
    safe_visit = models.BooleanField("visits to the address are safe", default=False)
    # Lower-cased name used to recognise repeat victims (with date of birth).
    match_key = models.CharField(max_length=210, db_index=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "victim (person)"
        verbose_name_plural = "victims (people)"
        indexes = [models.Index(fields=["match_key", "date_of_birth"], name="person_match_idx")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.match_key = self.make_match_key(self.first_name, self.last_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"match_key"}
        super().save(*args, **kwargs)

    @staticmethod
    def make_match_key(first_name: str, last_name: str) -> str:
        return f"{' '.join(first_name.lower().split())}|{' '.join(last_name.lower().split())}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def formal_name(self) -> str:
        return f"{self.title} {self.last_name}".strip() if self.title else self.full_name

    def age_on(self, day: date) -> int | None:
        return constants.age_on(self.date_of_birth, day)  # the one rule for a victim's age

    def channel_safe(self, method: str) -> bool:
        """Whether an officer has marked this contact method safe (constants.SAFE_FLAGS)."""
        flag = SAFE_FLAGS.get(method)
        return flag is not None and bool(getattr(self, flag))

    @property
    def has_postal_address(self) -> bool:
        return bool(self.address_line_1 and self.postcode)

    def reachable_by(self, method: str) -> bool:
        """Marked safe *and* we have the details to use it (an email address, a mobile number, a postal
        address): the test every message, link and alert passes before it is sent."""
        address = {
            ContactMethod.EMAIL: self.email,
            ContactMethod.SMS: self.mobile_phone,
            ContactMethod.LETTER: self.has_postal_address,
            ContactMethod.PHONE: self.mobile_phone or self.other_phone,
            ContactMethod.VISIT: self.has_postal_address,
        }.get(method)
        return self.channel_safe(method) and bool(address)

    @property
    def safe_channel_labels(self) -> list[str]:
        return [
            self._meta.get_field(name).verbose_name
            for name in (
                "safe_phone",
                "safe_voicemail",
                "safe_sms",
                "safe_email",
                "safe_letter",
                "safe_visit",
            )
            if getattr(self, name)
        ]

    @property
    def format_needs(self) -> list[str]:
        return [
            label
            for flag, label in (
                (self.needs_large_print, "Large print"),
                (self.needs_easy_read, "Easy read"),
                (self.needs_braille, "Braille"),
            )
            if flag
        ]

    @property
    def address_lines(self) -> list[str]:
        return [x for x in (self.address_line_1, self.address_line_2, self.town, self.postcode) if x]


class CrimeVictim(TimestampedModel):
    """A person's role on one crime."""

    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="victims")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=20, choices=VictimRole.choices, default=VictimRole.VICTIM)
    relationship = models.CharField(
        max_length=100,
        blank=True,
        help_text="For a bereaved relative or parent: e.g. 'mother of the deceased'.",
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["crime", "person"], name="crimevictim_unique_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()}) on {self.crime}"

    @cached_property
    def age_at_offence(self) -> int | None:
        # The offence's date in the UK, not in UTC: 00:30 BST on a birthday is that birthday.
        from django.utils import timezone

        return self.person.age_on(timezone.localdate(self.crime.occurred_at))


class NeedsAssessment(TimestampedModel):
    """MG11-style victim needs assessment, one per victim on a crime."""

    crime_victim = models.OneToOneField(
        CrimeVictim, on_delete=models.PROTECT, related_name="needs_assessment"
    )
    # Vulnerability (Code para 1.7 / Youth Justice and Criminal Evidence Act 1999 s.16)
    mental_disorder = models.BooleanField("has a mental disorder", default=False)
    impaired_intelligence = models.BooleanField(
        "has a significant impairment of intelligence and social functioning", default=False
    )
    physical_disability = models.BooleanField("has a physical disability or disorder", default=False)
    # Intimidation (s.17)
    fear_or_distress_giving_evidence = models.BooleanField(
        "fear or distress about giving evidence", default=False
    )
    persistently_targeted = models.BooleanField("repeatedly targeted, harassed or stalked", default=False)
    # Special measures issues
    special_measures_needed = models.BooleanField("may need special measures at court", default=False)
    special_measures_notes = models.TextField(blank=True, validators=text_limit(2000))
    # Practical and emotional needs
    practical_needs = models.TextField(blank=True, validators=text_limit(2000))
    emotional_needs = models.TextField(blank=True, validators=text_limit(2000))
    wants_support = models.BooleanField("wants support from a support service", default=False)
    referral_consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.NOT_ASKED)
    notes = models.TextField(blank=True, validators=text_limit(4000))
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Needs assessment for {self.crime_victim}"


class CaseEvent(models.Model):
    """Append-only case history. Codes come from cases.events.REGISTRY."""

    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="events")
    code = models.CharField(max_length=40)
    occurred_at = models.DateTimeField(
        help_text="When it happened (for Witness Care Unit information: when received)."
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the victim recorded it through the portal (e.g. a request for a review).",
    )
    by_victim = models.BooleanField(default=False)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The officer allocated (allocation events only).",
    )
    details = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, validators=text_limit(4000))

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["crime", "occurred_at"], name="caseevent_crime_time_idx")]

    def __str__(self) -> str:
        return f"{self.crime}: {self.label}, {timezone.localtime(self.occurred_at):%-d %b %Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Case events are append-only; record a new event instead.")
        super().save(*args, **kwargs)

    @property
    def event_type(self):
        from .events import REGISTRY

        return REGISTRY.get(self.code)

    @property
    def label(self) -> str:
        et = self.event_type
        return et.label if et else self.code

    @property
    def detail_lines(self) -> list[tuple[str, str]]:
        et = self.event_type
        if not et:
            return []
        return et.describe(self.details)


class VictimChange(ChangeRecord):
    """History of edits to a victim's details (victimcare.core.history), with the case it was made on."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    subject_model = Person

    class Meta(ChangeRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.person} changed {self.changed_at:%Y-%m-%d %H:%M}"


class PropertyStatus(models.TextChoices):
    STOLEN = "stolen", "Stolen"
    DAMAGED = "damaged", "Damaged"
    RECOVERED = "recovered", "Recovered"


class PropertyItem(TimestampedModel):
    """Property recorded as stolen or damaged. The victim can correct or add to it through the portal; every
    change is kept (PropertyItemChange)."""

    crime = models.ForeignKey(Crime, on_delete=models.PROTECT, related_name="property_items")
    crime_victim = models.ForeignKey(
        "CrimeVictim", on_delete=models.PROTECT, null=True, blank=True, related_name="property_items"
    )
    description = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=PropertyStatus.choices, default=PropertyStatus.STOLEN)
    value_pounds = models.DecimalField(
        "value in pounds", max_digits=10, decimal_places=2, null=True, blank=True
    )
    serial_number = models.CharField(max_length=100, blank=True)
    victim_notes = models.TextField("the victim's notes", blank=True, validators=text_limit(2000))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description} ({self.status})"


class PropertyItemChange(ChangeRecord):
    """History of changes to a property item (victimcare.core.history)."""

    item = models.ForeignKey(PropertyItem, on_delete=models.CASCADE, related_name="changes")

    subject_model = PropertyItem

    class Meta(ChangeRecord.Meta):
        pass
