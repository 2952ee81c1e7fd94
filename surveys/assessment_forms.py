"""The self-assessment form: a title, the force or a BCU, and for each key indicator a score (0 to 4, as
radios showing the guide's descriptors) and an optional note. The form lets every score through as
typed; surveys.assessment_services decides what is valid, so the page and the service never disagree."""

from django import forms

from victimcare.accounts.models import BCU

FORCE = "force"


class ScoreField(forms.ChoiceField):
    def valid_value(self, value) -> bool:
        return True


class AssessmentForm(forms.Form):
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=200,
        error_messages={"max_length": "The title must be 200 characters or fewer"},
        help_text="For example, 'Force self-assessment, spring 2027' or 'North BCU, after the training'",
    )
    area = forms.ChoiceField(label="What are you assessing?", widget=forms.RadioSelect)
    notes = forms.CharField(
        label="Anything else to record about this self-assessment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, indicators, force: bool, bcus, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self._bcus = {str(b.pk): b for b in bcus}
        choices = [(FORCE, "The whole force")] if force else []
        choices += [(pk, b.name) for pk, b in self._bcus.items()]
        self.fields["title"].service_required = True  # required; the service says so in words
        self.fields["area"].choices = choices
        self.fields["area"].error_messages = {
            "required": "Choose the whole force or a BCU",
            "invalid_choice": "Choose the whole force or one of the BCUs listed",
        }
        if len(choices) == 1:
            self.fields["area"].initial = choices[0][0]
        for ind in self.indicators:
            self.fields[f"score_{ind.pk}"] = ScoreField(
                label=f"{ind.code} {ind.name}", required=False, choices=[(str(n), str(n)) for n in range(5)]
            )
            self.fields[f"note_{ind.pk}"] = forms.CharField(
                label=f"Note on {ind.code} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["notes"] = self.fields.pop("notes")  # last, as on the page (and in the error summary)

    def bcu(self) -> BCU | None:
        """The BCU chosen (None: the force). Call after is_valid()."""
        return self._bcus.get(self.cleaned_data["area"])

    def scores(self) -> dict[int, str]:
        return {ind.pk: self.data.get(f"score_{ind.pk}", "") for ind in self.indicators}

    def notes_by_indicator(self) -> dict[int, str]:
        return {ind.pk: self.cleaned_data.get(f"note_{ind.pk}", "") for ind in self.indicators}
