"""Questionnaires and survey plans are data a force edits here. Invitations and answers are not in the
admin: they hold victims' words and links, and are read only through the results pages' access rules."""

from django.contrib import admin

from .models import PlanRate, Question, Questionnaire, SurveyPlan


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [
        ("code", "order", "kind", "area", "required"),
        ("section_en", "section_cy"),
        ("text_en", "text_cy"),
        ("hint_en", "hint_cy"),
        "choices",
    ]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title_en", "code", "version")
    inlines = [QuestionInline]


class PlanRateInline(admin.TabularInline):
    model = PlanRate
    extra = 0


@admin.register(SurveyPlan)
class SurveyPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "milestone", "wait_days", "window_days", "rate_percent", "active")
    list_filter = ("milestone", "active")
    inlines = [PlanRateInline]
