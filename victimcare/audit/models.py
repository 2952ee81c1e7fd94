from django.conf import settings
from django.db import models
from django.utils import timezone


class AccessAction(models.TextChoices):
    CASE_VIEWED = "case_viewed", "Viewed case page"
    VICTIM_VIEWED = "victim_viewed", "Viewed victim details"
    VICTIM_HISTORY_VIEWED = "victim_history_viewed", "Viewed victim change history"
    API_CRIME_READ = "api_crime_read", "API: read crime"
    API_VICTIM_READ = "api_victim_read", "API: read victim personal data"
    ACCESS_LOG_VIEWED = "access_log_viewed", "Viewed who looked at a case"
    ADMIN_VIEWED = "admin_viewed", "Admin: viewed a record of the case"
    VICTIM_SEARCHED = "victim_searched", "Searched for a victim by name"
    PARTNER_REFERRAL_READ = "partner_referral_read", "Support service: read a referral"
    PARTNER_REFERRALS_LISTED = "partner_referrals_listed", "Support service: listed referrals"
    COMPLIANCE_LISTED = "compliance_listed", "Listed in a compliance drill-down"
    CALLBACK_LISTED = "callback_listed", "Listed for a quality call-back"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Access records are append-only.")

    def delete(self):
        raise PermissionError("Access records are append-only.")


class AccessRecord(models.Model):
    """Who looked at what, when, from where. Append-only: the ORM refuses updates and deletes, and on
    PostgreSQL a trigger refuses them too (migration 0002)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # A person; or, for a support service's API key (which belongs to an organisation, not a person),
    # no user and the key's name in by_label.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=40, choices=AccessAction.choices)
    crime = models.ForeignKey(
        "cases.Crime", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    path = models.CharField(max_length=300)
    method = models.CharField(max_length=10, default="GET")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # "Who looked at this case", newest first.
            models.Index(fields=["crime", "-at"], name="access_crime_at_idx"),
            # "What did this person look at".
            models.Index(fields=["user", "-at"], name="access_user_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(by_label=""),
                name="access_record_has_actor",
            )
        ]

    def __str__(self) -> str:
        who = self.user or self.by_label
        return f"{timezone.localtime(self.at):%-d %b %Y %H:%M}: {who}, {self.get_action_display().lower()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Access records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Access records are append-only.")
