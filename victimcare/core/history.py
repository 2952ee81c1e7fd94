"""The one shape of change history: a row per change, saying who made it (a member of staff, or the
victim through the portal), when, and each field's old and new value.

Victims' details (cases.VictimChange), contact plans (contacts.ContactPlanChange) and property
(cases.PropertyItemChange) all keep their history this way: a concrete model per subject, inheriting
ChangeRecord; the changes are worked out by `changes_between` and shown through `readable_changes`
(field labels and choice labels, never raw field names or codes).

Why not django-simple-history: it keeps a full snapshot of the row on every save. A victim's person row
is shared by all their cases, so a snapshot would copy details typed on a restricted case (a refuge
address) into history read from their other cases; a diff tied to the case it was made on does not.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


def json_value(value: Any) -> Any:
    """A value as history stores it (JSON): dates and times as ISO text, decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        k: [json_value(before.get(k)), json_value(after[k])]
        for k in after
        if json_value(before.get(k)) != json_value(after[k])
    }


class ChangeRecord(models.Model):
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_victim = models.BooleanField(default=False, help_text="Changed by the victim in the portal.")
    changed_at = models.DateTimeField(default=timezone.now, help_text="When the change was made.")
    changes = models.JSONField(help_text="{field: [old, new]}")

    # The model whose fields `changes` names (for labels), and labels for the items of list values
    # (e.g. contact methods); set by each subclass.
    subject_model: type[models.Model] | None = None
    item_labels: dict[str, dict[str, str]] = {}

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-id"]

    @property
    def who(self) -> str:
        if self.by_victim:
            return "The victim (portal)"
        return self.changed_by.display_name if self.changed_by_id else "The system"

    def readable_changes(self) -> list[tuple[str, str, str]]:
        """(label, old, new) per field, in words a person reads."""
        return [
            _label_and_values(self.subject_model, self.item_labels.get(f, {}), f, old, new)
            for f, (old, new) in self.changes.items()
        ]


def _display(field: models.Field | None, items: dict[str, str], value: Any) -> str:
    if isinstance(value, bool) or (field is not None and isinstance(field, models.BooleanField)):
        return "Yes" if value in (True, "True", "true") else "No"
    if value in (None, "", []):
        return "(blank)"
    if isinstance(value, list):
        return ", ".join(str(items.get(v, v)) for v in value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _label_and_values(model, items: dict[str, str], name: str, old: Any, new: Any) -> tuple[str, str, str]:
    field = None
    if model is not None:
        try:
            field = model._meta.get_field(name)
        except Exception:  # a field since removed: show its name in words
            field = None
    label = str(field.verbose_name) if field is not None else name.replace("_", " ")
    return label[:1].upper() + label[1:], _display(field, items, old), _display(field, items, new)
