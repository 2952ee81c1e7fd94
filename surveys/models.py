"""Surveys: questionnaires as data (versioned, English and Welsh), eligibility and sampling as data, the
milestones that make a victim due one, invitations with single-use links, and the answers kept for
analysis with the case's place and the victim's self-defined details as they were when they answered."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from victimcare.core.models import TimestampedModel

from .constants import (
    Area,
    CallBackState,
    ConcernOutcome,
    FeedbackKind,
    InvitationState,
    Milestone,
    QuestionKind,
    SampleCaseState,
    SampleKind,
    Source,
    UpdatesKept,
)

SCALE_MIN, SCALE_MAX = 1, 7


class Questionnaire(TimestampedModel):
    """One version of a questionnaire. A new wording is a new version: an answer always records the exact
    questions it answered. The survey plans name the version they send."""

    code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    title_en = models.CharField("title (English)", max_length=200)
    title_cy = models.CharField("title (Welsh)", max_length=200)
    intro_en = models.TextField("introduction (English)", blank=True)
    intro_cy = models.TextField("introduction (Welsh)", blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_version")]

    def __str__(self) -> str:
        return f"{self.title_en} (version {self.version})"

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" and self.title_cy else self.title_en

    def intro(self, language: str) -> str:
        return self.intro_cy if language == "cy" and self.intro_cy else self.intro_en


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    area = models.CharField(
        max_length=20, choices=Area.choices, blank=True, help_text="Set on the five headline questions only."
    )
    section_en = models.CharField("section heading (English)", max_length=200, blank=True)
    section_cy = models.CharField("section heading (Welsh)", max_length=200, blank=True)
    text_en = models.TextField("question (English)")
    text_cy = models.TextField("question (Welsh)")
    hint_en = models.CharField("hint (English)", max_length=300, blank=True)
    hint_cy = models.CharField("hint (Welsh)", max_length=300, blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(
        default=list, blank=True, help_text='For a list: [{"value": "...", "en": "...", "cy": "..."}, ...]'
    )

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_once"),
            models.UniqueConstraint(
                fields=["questionnaire", "area"], condition=~Q(area=""), name="question_area_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text_en

    def text(self, language: str) -> str:
        return self.text_cy if language == "cy" and self.text_cy else self.text_en

    def hint(self, language: str) -> str:
        return self.hint_cy if language == "cy" and self.hint_cy else self.hint_en

    def section(self, language: str) -> str:
        return self.section_cy if language == "cy" and self.section_cy else self.section_en


class SurveyPlan(TimestampedModel):
    """Who is asked, when and how often: eligibility and sampling as data."""

    name = models.CharField(max_length=200)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    wait_days = models.PositiveSmallIntegerField(
        "days to wait after the milestone", default=14, validators=[MaxValueValidator(365)]
    )
    window_days = models.PositiveSmallIntegerField(
        "days in which to invite after that",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A victim whose milestone is older than the wait plus this is not invited.",
    )
    offence_groups = models.JSONField(
        default=list, blank=True, help_text="Offence groups to survey; empty means every group."
    )
    min_age = models.PositiveSmallIntegerField(
        "youngest age asked", default=16, validators=[MinValueValidator(16)]
    )
    rate_percent = models.PositiveSmallIntegerField(
        "share of eligible victims invited (%)",
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="For a BCU with no rate of its own.",
    )
    link_days = models.PositiveSmallIntegerField(
        "days the link works", default=28, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    remind_after_days = models.PositiveSmallIntegerField(
        "days before the one reminder", default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(rate_percent__lte=100), name="plan_rate_percent"),
            models.CheckConstraint(condition=Q(min_age__gte=16), name="plan_min_age_16"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from cases.constants import OffenceGroup

        groups = self.offence_groups
        if not isinstance(groups, list) or any(g not in OffenceGroup.values for g in groups):
            raise ValidationError(
                {
                    "offence_groups": 'Give a list of offence groups, for example ["burglary", "violence"], '
                    f"from: {', '.join(OffenceGroup.values)}; or [] for every group."
                }
            )


class PlanRate(models.Model):
    """A BCU's own sampling rate for a plan (a busy BCU may ask fewer, a small one everyone)."""

    plan = models.ForeignKey(SurveyPlan, on_delete=models.CASCADE, related_name="rates")
    bcu = models.ForeignKey("accounts.BCU", on_delete=models.CASCADE, related_name="+")
    rate_percent = models.PositiveSmallIntegerField(
        "share invited (%)", validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "bcu"], name="plan_rate_once"),
            models.CheckConstraint(condition=Q(rate_percent__lte=100), name="plan_bcu_rate_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.rate_percent}% in BCU {self.bcu_id}"


class SurveySetting(TimestampedModel):
    """What a person said about being surveyed: no surveys ever, or (for a bereaved relative, who is
    never asked otherwise) that they would like to be asked."""

    person = models.OneToOneField("cases.Person", on_delete=models.CASCADE, related_name="survey_setting")
    wants_surveys = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class MilestoneReached(models.Model):
    """A victim reached a point in their case at which they may be surveyed. Written by the case-event
    handlers, so the daily invitation run reads a few days' rows instead of every case."""

    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.CASCADE, related_name="+")
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["crime_victim", "milestone"], name="milestone_once_per_victim")
        ]
        # The invitation run: this milestone, reached in the window.
        indexes = [models.Index(fields=["milestone", "at"], name="milestone_window")]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()} at {self.at:%Y-%m-%d}"


class Invitation(models.Model):
    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SurveyPlan, on_delete=models.PROTECT, related_name="invitations")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    milestone = models.CharField(max_length=20, choices=Milestone.choices)
    digest = models.CharField(
        max_length=64, unique=True
    )  # sha256 of the link's secret; the secret is never kept
    language = models.CharField(max_length=5, default="en")
    channels = models.JSONField(default=list)
    state = models.CharField(max_length=20, choices=InvitationState.choices, default=InvitationState.SENT)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # At most one invitation per person per period: the person's latest.
            models.Index(fields=["person", "-created_at"], name="invitation_person_latest"),
            # The reminder run.
            models.Index(
                fields=["remind_at"],
                name="invitation_reminder_due",
                condition=Q(state="sent", reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Survey invitation {self.pk} ({self.get_state_display()})"


class Response(models.Model):
    """One victim's answers. The case's place and the victim's details are copied as they were, so a
    later reallocation or change of details does not move an answer; the name is never kept here."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="+")
    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, choices=Source.choices)
    language = models.CharField(max_length=5, default="en")
    submitted_at = models.DateTimeField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    milestone = models.CharField(max_length=20, choices=Milestone.choices, blank=True)
    # Where the case was when they answered.
    bcu = models.ForeignKey("accounts.BCU", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    offence_group = models.CharField(max_length=30)
    case_status = models.CharField(max_length=30)
    closure_reason = models.CharField(max_length=40, blank=True)
    restricted = models.BooleanField(default=False)
    # The victim's self-defined details then.
    ethnicity = models.CharField(max_length=5, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=10, blank=True)
    age_band = models.CharField(max_length=20, blank=True)
    # How their update duties had gone by then (surveys.services.updates_kept).
    updates = models.CharField(max_length=20, choices=UpdatesKept.choices, blank=True)
    # The five headline areas, 1 (completely dissatisfied) to 7 (completely satisfied); null: not answered.
    ease_of_contact = models.PositiveSmallIntegerField(null=True, blank=True)
    actions = models.PositiveSmallIntegerField(null=True, blank=True)
    kept_informed = models.PositiveSmallIntegerField(null=True, blank=True)
    treatment = models.PositiveSmallIntegerField(null=True, blank=True)
    whole_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    answers = models.JSONField(default=dict)  # every answer by question code
    comments = models.TextField(blank=True)
    share_comments = models.BooleanField(default=False)  # the victim agreed their words go to the officer
    passed_on = models.TextField(blank=True)  # what the victim asked to be passed on (call-backs)
    passed_on_kind = models.CharField(max_length=10, choices=FeedbackKind.choices, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{a}__isnull": True}) | Q(**{f"{a}__gte": SCALE_MIN, f"{a}__lte": SCALE_MAX}),
                name=f"response_{a}_in_scale",
            )
            for a in Area.values
        ]
        indexes = [
            # The results pages: a period, then the reader's BCU or the force.
            models.Index(fields=["submitted_at"], name="response_submitted"),
            models.Index(fields=["bcu", "submitted_at"], name="response_bcu_submitted"),
            models.Index(fields=["crime_victim"], name="response_victim"),
        ]

    def __str__(self) -> str:
        return f"Response {self.pk}"


class CallBack(models.Model):
    """One victim drawn at random for a quality call-back about one officer's work."""

    crime_victim = models.ForeignKey("cases.CrimeVictim", on_delete=models.PROTECT, related_name="+")
    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="The first day of the month it was drawn for.")
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=CallBackState.choices, default=CallBackState.QUEUED)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response = models.OneToOneField(
        Response, on_delete=models.PROTECT, null=True, blank=True, related_name="callback"
    )

    class Meta:
        constraints = [
            # A victim is called back at most once a month, whoever draws.
            models.UniqueConstraint(fields=["crime_victim", "month"], name="callback_once_a_month")
        ]
        indexes = [models.Index(fields=["team", "month", "state"], name="callback_team_queue")]

    def __str__(self) -> str:
        return f"Call-back {self.pk} ({self.get_state_display()})"


class DipSample(models.Model):
    """A supervisor's sample of a team's cases to check against the checklist: a month's random draw, or
    an officer's next cases after a poor result."""

    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=SampleKind.choices, default=SampleKind.MONTHLY)
    month = models.DateField(help_text="The month whose cases were drawn (targeted: the month it began).")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    size = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month"], condition=Q(kind="monthly"), name="dip_sample_monthly_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for team {self.team_id}, {self.month:%B %Y}"


class DipSampleCase(models.Model):
    sample = models.ForeignKey(DipSample, on_delete=models.CASCADE, related_name="cases")
    crime = models.ForeignKey("cases.Crime", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=SampleCaseState.choices, default=SampleCaseState.TO_REVIEW
    )
    answers = models.JSONField(default=dict)  # checklist item -> yes / no / na
    note = models.TextField(blank=True)  # the supervisor's note to the officer
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    passed = models.PositiveSmallIntegerField(default=0)
    failed = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sample", "crime"], name="dip_sample_case_once")]
        indexes = [models.Index(fields=["officer", "reviewed_at"], name="dip_case_officer")]

    def __str__(self) -> str:
        return f"Dip-sampled case {self.crime_id}"


class ConcernRecord(models.Model):
    """The outcome of a victim's concern (a "tell us about a problem" message, or dissatisfied feedback),
    recorded by the officer or their supervisor once they have responded."""

    message = models.OneToOneField(
        "messaging.Message", on_delete=models.PROTECT, related_name="concern_record"
    )
    outcome = models.CharField(max_length=20, choices=ConcernOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Outcome of message {self.message_id}: {self.get_outcome_display()}"


class SatisfactionCell(models.Model):
    """The answers counted by London month, BCU and one breakdown (surveys.rollup, the one writer, adds
    each answer as it is kept): the satisfaction results read a few hundred cells for a force instead of
    every answer. `dimension` "" counts every answer; otherwise `value` is the answer's value of that
    breakdown as text ("" when it had none)."""

    month = models.DateField()
    bcu = models.ForeignKey("accounts.BCU", on_delete=models.CASCADE, related_name="+", db_index=False)
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=60, blank=True)
    n = models.IntegerField(default=0)
    ease_of_contact_k = models.IntegerField(default=0)
    ease_of_contact_n = models.IntegerField(default=0)
    actions_k = models.IntegerField(default=0)
    actions_n = models.IntegerField(default=0)
    kept_informed_k = models.IntegerField(default=0)
    kept_informed_n = models.IntegerField(default=0)
    treatment_k = models.IntegerField(default=0)
    treatment_n = models.IntegerField(default=0)
    whole_experience_k = models.IntegerField(default=0)
    whole_experience_n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "bcu", "value"], name="satisfaction_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension or 'all'}={self.value} {self.month:%Y-%m} BCU {self.bcu_id}: {self.n}"


from .assessment_models import *  # noqa: E402,F403
