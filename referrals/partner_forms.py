"""Forms of the partner workspace (/partner/). Each names what is missing in words (NamedErrors); the
services (referrals.services, referrals.keys) make the final checks and their errors land on these forms."""

from __future__ import annotations

from django import forms

from victimcare.core.forms import LocalDateTimeField, NamedErrors

from .constants import ATTEMPT_METHODS, WrongDetail
from .services import NOTE_MAX
from .webhooks import webhook_url_problem

NOTE_HELP = "Do not include anything the victim has not agreed to share with the police."


class MoveForm(NamedErrors, forms.Form):
    """Acknowledge, accept, record support given or declined, or close: an optional note."""

    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NOTE_HELP,
    )


class RejectForm(NamedErrors, forms.Form):
    REQUIRED = {"reason": "Say why the referral is rejected."}

    reason = forms.CharField(
        label="Why are you rejecting this referral?",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The police officer will read this. "
        "For example, the victim lives outside the area you serve.",
    )


YES_NO = [("yes", "Yes"), ("no", "No")]


class ContactAttemptForm(NamedErrors, forms.Form):
    REQUIRED = {
        "reached": "Say whether you reached the victim.",
        "at": "Enter when you tried to contact the victim.",
        "method": "Choose how you tried to contact the victim.",
    }

    reached = forms.ChoiceField(
        label="Did you reach the victim?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Say whether you reached the victim."},
    )
    # No example to copy: the browser draws its own date and time picker, in the user's own format.
    at = LocalDateTimeField(label="When did you try?", past=True)
    method = forms.ChoiceField(
        label="How did you try?",
        choices=[("", "Choose a method")] + ATTEMPT_METHODS,
        error_messages={"invalid_choice": "Choose how you tried to contact the victim from the list."},
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NOTE_HELP,
    )


class DetailsReportForm(NamedErrors, forms.Form):
    REQUIRED = {
        "fields": "Say which details are wrong.",
        "note": "Say what is wrong, for example 'the phone number is not in use'.",
    }

    fields = forms.MultipleChoiceField(
        label="Which details are wrong?",
        choices=WrongDetail.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Choose the wrong details from the list."},
    )
    note = forms.CharField(
        label="What is wrong?",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, the phone number is not in use. The officer will correct the details.",
    )


class KeyForm(NamedErrors, forms.Form):
    REQUIRED = {"name": "Give the key a name, for example the system that will use it."}

    name = forms.CharField(
        label="Name of the key",
        max_length=100,
        help_text="For example, the system that will use it: 'Case management system'.",
    )


class WebhookForm(NamedErrors, forms.Form):
    url = forms.URLField(
        label="Webhook address",
        required=False,
        max_length=400,
        assume_scheme="https",
        help_text="An https address we send a message to when one of your referrals changes. "
        "Leave it empty to stop webhooks.",
        error_messages={"invalid": "Enter a web address, like https://example.org/hooks/victimcare."},
    )

    def clean_url(self) -> str:
        url = (self.cleaned_data.get("url") or "").strip()
        if url and (problem := webhook_url_problem(url)):
            raise forms.ValidationError(problem)
        return url
