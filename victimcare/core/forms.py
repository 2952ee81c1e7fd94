from datetime import datetime

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from .dates import OUT_OF_RANGE, date_problem


class LocalDateTimeField(forms.DateTimeField):
    """A datetime typed in Europe/London (HTML datetime-local input). Stored aware, in UTC."""

    input_formats = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ]

    def __init__(self, *, past: bool = False, **kwargs):
        self.past = past  # a time that happened: the service's "not in the future" is the upper bound
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        )
        kwargs["error_messages"] = {
            "invalid": "Enter a real date and time, like 2026-11-03 14:30.",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def to_python(self, value):
        if value not in (None, "") and not isinstance(value, str | datetime):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, str) and "T" in value and ("+" in value[10:] or value.endswith("Z")):
            # ISO 8601 with an offset (API callers): keep the instant as given.
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        result = super().to_python(value)
        if result is not None and timezone.is_naive(result):
            try:
                result = timezone.make_aware(result)
            except (OverflowError, ValueError):
                raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from None
        return result

    def validate(self, value):
        super().validate(value)
        if (problem := date_problem(value, past=self.past)) is not None:
            raise forms.ValidationError(problem, code="out_of_range")


class NamedErrors:
    """Mixed into a form (first among its bases): its errors name what is missing or wrong in words ("Enter
    a summary of the contact."), never Django's "This field is required." or "Ensure this value has at most
    4000 characters". REQUIRED maps a field to its "missing" message; a text field's length limit is worded
    from its label, unless the field says it otherwise."""

    REQUIRED: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if isinstance(field, forms.CharField) and limit and "max_length" not in field.error_messages:
                label = str(field.label or "").strip()
                what = "Your answer" if not label or label.endswith("?") else label
                field.error_messages["max_length"] = f"{what} must be {limit:,} characters or fewer."


def posted(request):
    """What to bind a form to: the POST data on a POST (even an empty one, so that it is validated and
    every missing answer is reported), nothing on a GET. `request.POST or None` would leave a form sent
    with no fields at all unbound: no errors shown, nothing done."""
    return request.POST if request.method == "POST" else None


class FreeTextField(forms.CharField):
    """Text a person types freely (a message, a survey comment). A NUL or other control character is
    dropped by the service's cleaner (victimcare.core.text.clean_text) instead of being refused here in
    Django's own words, which are English even on a Welsh page and hid the form's other problems."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "")
        return super().to_python(value)
