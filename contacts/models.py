"""Contacts: first model. Rule sets, obligations, contact plans and the contact log come with the
deadline-engine issue; for now the app holds the force's closure days used by the working-day calendar."""

from django.conf import settings
from django.db import models

from victimcare.core.models import TimestampedModel


class ClosureDay(TimestampedModel):
    """A one-off day the force does not count as a working day (beyond England and Wales bank holidays)."""

    day = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y}: {self.reason}"
