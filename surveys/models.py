"""Surveys: first model. Satisfaction surveys, call-backs, dip sampling and dashboards come later."""

from django.db import models


class SurveyQuestion(models.Model):
    """The national user-satisfaction questions (and follow-up diagnostics), loaded as data."""

    class Area(models.TextChoices):
        EASE_OF_CONTACT = "ease_of_contact", "Ease of contact"
        ACTIONS = "actions", "Actions taken"
        KEPT_INFORMED = "kept_informed", "Kept informed"
        TREATMENT = "treatment", "Treatment"
        WHOLE_EXPERIENCE = "whole_experience", "Whole experience"

    code = models.SlugField(max_length=40, unique=True)
    area = models.CharField(max_length=30, choices=Area.choices)
    text_en = models.TextField()
    text_cy = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.code
