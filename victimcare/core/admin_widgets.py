"""The Django admin's date-and-time widget shows "Date:" and "Time:" beside its two boxes but ties neither
to them (and the field's own label points at no box), so a screen reader announces two unnamed boxes
(axe-core: label, critical). Admins that edit date-times mix in LabelledDateTimesAdmin: each box is named
after its field ("Occurred at: date")."""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.utils.text import capfirst


class LabelledSplitDateTime(AdminSplitDateTime):
    def __init__(self, label: str, attrs=None):
        self.label = capfirst(label)
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("date", "time"), strict=True):
            subwidget["attrs"]["aria-label"] = f"{self.label}: {part}"
        return context


class LabelledDateTimesAdmin:
    """Mix in before admin.ModelAdmin."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DateTimeField) and "widget" not in kwargs:
            kwargs["widget"] = LabelledSplitDateTime(db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
