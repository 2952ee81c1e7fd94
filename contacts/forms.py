from django import forms

from cases.constants import ContactMethod
from messaging.constants import Format
from victimcare.accounts.constants import AbsenceKind
from victimcare.accounts.models import User
from victimcare.core.dates import form_validator
from victimcare.core.forms import LocalDateTimeField, NamedErrors

from .constants import ContactOutcome, Frequency


class ObligationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, ob):
        return f"{ob.rule.duty} (due {ob.due_at:%-d %b %Y})"


class ContactForm(NamedErrors, forms.Form):
    REQUIRED = {
        "method": "Choose how you contacted the victim (or tried to).",
        "outcome": "Choose what happened.",
        "occurred_at": "Enter when the contact happened.",
        "summary": "Enter a summary of the contact.",
    }
    method = forms.ChoiceField(
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        label="How?",
        error_messages={"invalid_choice": "Choose how you contacted the victim from the list."},
    )
    outcome = forms.ChoiceField(
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        label="What happened?",
        error_messages={"invalid_choice": "Choose what happened from the list."},
    )
    occurred_at = LocalDateTimeField(label="When?", past=True)
    summary = forms.CharField(
        label="Summary",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you told the victim and anything they asked for",
    )
    obligations = ObligationChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which duties does this meet?",
        help_text="A failed attempt meets nothing. Any successful contact also counts as a progress update.",
        # A duty met or closed (by someone else, say) while the form was open is no longer offered.
        error_messages={
            "invalid_choice": "One of the duties you chose is not open for this victim any more (it may have "
            "just been met or closed). Check the list again: it shows the duties still open.",
            "invalid_pk_value": "Choose the duties from the list.",
        },
    )
    about_closure = forms.BooleanField(
        required=False,
        label="I told the victim the investigation is closing",
        help_text="What was done, that it can be reopened, support and the right to review",
    )

    def __init__(self, *args, obligations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["obligations"].queryset = obligations


class PlanForm(NamedErrors, forms.Form):
    REQUIRED = {
        "wants_updates": "Say whether the victim wants updates.",
        "frequency": "Choose how often the victim wants updates.",
        "language": "Enter the language for updates, like English or Welsh.",
        "format": "Choose the format for written updates.",
    }
    wants_updates = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No, the victim does not want updates")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        initial="yes",
        label="Does the victim want updates?",
    )
    method_1 = forms.ChoiceField(
        choices=[("", "Choose"), *ContactMethod.choices], required=False, label="First choice"
    )
    method_2 = forms.ChoiceField(
        choices=[("", "None"), *ContactMethod.choices], required=False, label="Second choice"
    )
    method_3 = forms.ChoiceField(
        choices=[("", "None"), *ContactMethod.choices], required=False, label="Third choice"
    )
    frequency = forms.ChoiceField(choices=Frequency.choices, widget=forms.RadioSelect, label="How often?")
    safe_times = forms.CharField(
        max_length=200,
        required=False,
        label="Safe times to contact",
        help_text="For example: weekdays after 6pm; never at weekends",
    )
    language = forms.CharField(max_length=50, label="Language")
    format = forms.ChoiceField(choices=Format.choices, label="Format for written updates")
    notes = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Notes"
    )

    def methods(self) -> list[str]:
        return [m for m in (self.cleaned_data.get(f"method_{i}") for i in (1, 2, 3)) if m]


class ReasonForm(NamedErrors, forms.Form):
    REQUIRED = {"reason": "Enter the reason."}
    reason = forms.CharField(max_length=300, label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class AbsenceForm(NamedErrors, forms.Form):
    REQUIRED = {
        "user": "Choose whose absence this is.",
        "kind": "Choose the kind of absence.",
        "starts_on": "Enter the first day away.",
        "ends_on": "Enter the last day away.",
    }
    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Who", empty_label="Choose a person")
    kind = forms.ChoiceField(choices=AbsenceKind.choices, label="Kind of absence")
    starts_on = forms.DateField(
        label="First day away", widget=forms.DateInput(attrs={"type": "date"}), validators=[form_validator]
    )
    ends_on = forms.DateField(
        label="Last day away", widget=forms.DateInput(attrs={"type": "date"}), validators=[form_validator]
    )
    note = forms.CharField(max_length=200, required=False, label="Note")

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people if people is not None else User.objects.none()


class ReallocateForm(NamedErrors, forms.Form):
    REQUIRED = {"officer": "Choose the new officer.", "crimes": "Choose at least one case to move."}
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(), empty_label="Choose an officer", label="New officer"
    )
    crimes = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple, label="Cases")

    def __init__(self, *args, officers=None, crime_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers if officers is not None else User.objects.none()
        self.fields["crimes"].choices = crime_choices


class OfficerMessageForm(NamedErrors, forms.Form):
    """A message to the victim. The service (contacts.officer_messages) checks it all again on Send."""

    subject = forms.CharField(
        max_length=200,
        required=False,
        label="Subject",
        help_text="For example: Update on your case",
        error_messages={"max_length": "The subject must be 200 characters or fewer."},
    )
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Write in plain English. They see exactly what you write, with your name. Up to 5,000 "
        "characters.",
        error_messages={"required": "Write your message."},
    )

    def clean_body(self) -> str:
        from contacts.officer_messages import MAX_BODY, clean_body

        body = clean_body(self.cleaned_data.get("body"))
        if not body:
            raise forms.ValidationError("Write your message.")
        if len(body) > MAX_BODY:
            raise forms.ValidationError(
                f"Your message must be {MAX_BODY:,} characters or fewer. It has {len(body):,}."
            )
        return body
