"""Self-assessment against the Citizen Focus guide (Home Office, 2007): a force or one BCU scores itself
0..4 on each key indicator of the guide's six components, to see where it stands on keeping victims and
witnesses informed and which chapter of the guide to read next. The components and indicators are data,
in the guide's words (surveys.assessment_data, loaded by a data migration); an assessment keeps one
score per indicator, so a later change of wording never changes what an earlier assessment scored."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from victimcare.core.models import TimestampedModel

__all__ = ["AssessmentComponent", "AssessmentIndicator", "AssessmentScore", "SelfAssessment"]

SCORE_MIN, SCORE_MAX = 0, 4


class AssessmentComponent(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    pages = models.CharField("pages of the guide", max_length=20, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class AssessmentIndicator(models.Model):
    """A key indicator, with what each score from 0 to 4 means for it (the guide's descriptors)."""

    component = models.ForeignKey(AssessmentComponent, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=10, unique=True, help_text='As numbered in the guide, like "2.7".')
    order = models.PositiveSmallIntegerField(default=0)
    name = models.TextField()
    descriptor_0 = models.TextField("what a score of 0 means")
    descriptor_1 = models.TextField("what a score of 1 means")
    descriptor_2 = models.TextField("what a score of 2 means")
    descriptor_3 = models.TextField("what a score of 3 means")
    descriptor_4 = models.TextField("what a score of 4 means")

    class Meta:
        ordering = ["component__number", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def descriptors(self) -> list[str]:
        return [self.descriptor_0, self.descriptor_1, self.descriptor_2, self.descriptor_3, self.descriptor_4]


class SelfAssessment(TimestampedModel):
    """One self-assessment of the force (no BCU) or of one BCU."""

    bcu = models.ForeignKey(
        "accounts.BCU",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_assessments",
        help_text="Empty for the whole force.",
    )
    title = models.CharField(max_length=200)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        indexes = [
            # The list page and "earlier assessments of the same force or BCU": newest first per BCU.
            models.Index(fields=["bcu", "-assessed_at"], name="self_assessment_bcu_when"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def area(self) -> str:
        return self.bcu.name if self.bcu_id else "The force"


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(AssessmentIndicator, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["indicator__component__number", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="assessment_score_0_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.score}"
