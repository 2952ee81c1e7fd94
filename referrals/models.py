"""Referrals: first model. Routing, referrals and the partner API come with the referrals issue."""

from django.db import models

from victimcare.core.models import TimestampedModel


class SupportOrganisation(TimestampedModel):
    class Kind(models.TextChoices):
        GENERAL = "general", "General victim support"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse / IDVA service"
        SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence (ISVA / rape crisis)"
        BEREAVEMENT = "bereavement", "Bereavement (homicide service)"
        ROAD_DEATH = "road_death", "Road death and serious injury"
        HATE_CRIME = "hate_crime", "Hate crime"
        RESTORATIVE_JUSTICE = "restorative_justice", "Restorative justice"
        PROBATION_VCS = "probation_vcs", "Probation Victim Contact Scheme"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    bcus = models.ManyToManyField(
        "accounts.BCU",
        blank=True,
        related_name="support_organisations",
        help_text="Areas served; none means force-wide.",
    )
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    is_national = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
