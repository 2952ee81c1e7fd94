from django.contrib import admin

from .models import SurveyQuestion


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(admin.ModelAdmin):
    list_display = ("code", "area", "order", "active")
    list_filter = ("area", "active")
