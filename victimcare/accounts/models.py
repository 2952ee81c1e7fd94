from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from victimcare.core.i18n import Bilingual
from victimcare.core.models import TimestampedModel

from .constants import AbsenceKind, Role

phone_validator = RegexValidator(
    r"^\+?[0-9 ()-]{10,20}$", "Enter a UK phone number, like 01632 960 001 or +44 7700 900 982."
)


class BCU(TimestampedModel):
    """Basic command unit (borough)."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100, unique=True)
    inspectors = models.ManyToManyField("User", related_name="inspected_bcus", blank=True)

    class Meta:
        verbose_name = "BCU"
        verbose_name_plural = "BCUs"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(TimestampedModel):
    bcu = models.ForeignKey(BCU, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=100)
    supervisors = models.ManyToManyField("User", related_name="supervised_teams", blank=True)
    # Call-back volunteers make the team's quality call-backs (and see nothing else of its work).
    callback_volunteers = models.ManyToManyField("User", related_name="callback_teams", blank=True)

    class Meta:
        ordering = ["bcu__name", "name"]
        constraints = [models.UniqueConstraint(fields=["bcu", "name"], name="team_unique_name_in_bcu")]

    def __str__(self) -> str:
        return f"{self.name} ({self.bcu.name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        extra.setdefault("role", Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff (or a partner agency user). Signs in with an email address."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    shoulder_number = models.CharField("shoulder (collar) number", max_length=20, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(blank=True)
    working_pattern = models.TextField(
        blank=True, help_text="Free text shown to victims, e.g. 'Mon–Thu, 7am–5pm; not Fridays'."
    )
    working_pattern_cy = models.TextField(
        "working pattern in Welsh",
        blank=True,
        help_text="The same in Welsh, for victims who follow their case in Welsh, e.g. 'Llun–Iau, 7yb–5yh; "
        "nid ar ddydd Gwener'. Left blank, they see the English.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("can use Django admin", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            # Every officer belongs to a team: their cases, supervisor and absences hang off it.
            models.CheckConstraint(
                condition=~Q(role=Role.OFFICER) | Q(team__isnull=False), name="officer_has_team"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def working_pattern_text(self) -> Bilingual:
        """The working pattern in the language of the page or message (English when no Welsh is given)."""
        return Bilingual(self.working_pattern, self.working_pattern_cy)

    @property
    def display_name(self) -> str:
        if self.shoulder_number:
            return f"{self.full_name} ({self.shoulder_number})"
        return self.full_name or self.email

    @property
    def reply_email(self) -> str:
        """The address victims and colleagues should write to: the contact address if set."""
        return self.contact_email or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name


class Absence(TimestampedModel):
    """A period an officer is away. Part-time days are recorded as one-day absences."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=20, choices=AbsenceKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="absence_user_end_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.starts_on}–{self.ends_on}"
