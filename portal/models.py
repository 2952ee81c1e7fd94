"""The victim portal's own accounts: separate from staff users (victimcare.accounts.User), never able to
hold a staff session. A victim signs in with a crime reference, their date of birth and a password; the
account belongs to the person, so one password covers each of their crimes."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from victimcare.core.models import TimestampedModel


class AccountStatus(models.TextChoices):
    INVITED = "invited", "Invited (activation link sent)"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


class PortalAccount(TimestampedModel):
    person = models.OneToOneField("cases.Person", on_delete=models.PROTECT, related_name="portal_account")
    status = models.CharField(max_length=10, choices=AccountStatus.choices, default=AccountStatus.INVITED)
    password = models.CharField(max_length=256, blank=True, help_text="Argon2 hash; empty until activated.")
    alerts = models.BooleanField(
        default=True, help_text="Send an email or text alert when there is a new portal message."
    )
    language = models.CharField(max_length=5, default="en", choices=[("en", "English"), ("cy", "Cymraeg")])
    invited_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Portal account for person {self.person_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status != AccountStatus.CLOSED


class TokenPurpose(models.TextChoices):
    ACTIVATE = "activate", "Activate the account"
    RESET = "reset", "Reset the password"


class PortalToken(models.Model):
    """A single-use, expiring link. Only a SHA-256 of the secret is stored."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="tokens")
    purpose = models.CharField(max_length=10, choices=TokenPurpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    crime_victim = models.ForeignKey(
        "cases.CrimeVictim",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The case it was sent about.",
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["account", "purpose"],
                name="portal_token_live_idx",
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} token for account {self.account_id}"


class Feedback(models.Model):
    """A victim's feedback once their case has closed: once per victim per case."""

    class Rating(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        NEITHER = "neither", _("Neither satisfied nor dissatisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")

    crime_victim = models.OneToOneField(
        "cases.CrimeVictim", on_delete=models.PROTECT, related_name="feedback"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.rating} (victim {self.crime_victim_id})"
