"""The survey drawn as a form from its questions (as data), in the victim's language. The form lets every
answer through as a string; surveys.scoring decides what is valid, so a page and a service never
disagree, and a forged value is refused in words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import STAFF_SOURCES, QuestionKind, Source
from .scoring import options


class AnswerField(forms.ChoiceField):
    """Radios whose value surveys.scoring checks (so the words for a wrong value are the survey's own)."""

    def valid_value(self, value) -> bool:
        return True


class SurveyForm(forms.Form):
    def __init__(self, *args, questions, language: str = "en", staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections: list[tuple[str, list[str]]] = []
        for q in questions:
            label = q.text(language)
            hint = q.hint(language)
            if q.kind == QuestionKind.TEXT:
                field = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))
            else:
                field = AnswerField(
                    label=label,
                    required=False,
                    choices=options(q.kind, q.choices, language),
                    widget=forms.RadioSelect,
                )
            field.help_text = hint
            field.service_required = q.required
            self.fields[q.code] = field
            section = q.section(language)
            if not self.sections or self.sections[-1][0] != section:
                self.sections.append((section, []))
            self.sections[-1][1].append(q.code)
        self.fields["comments"] = forms.CharField(
            label=_("Is there anything else you would like to tell us?"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text=_("Please do not include anything urgent: call 101, or 999 in an emergency."),
        )
        self.fields["share_comments"] = forms.BooleanField(
            label=_("You may pass my comments to the officer and their supervisor"),
            required=False,
        )
        if staff:
            self.fields["source"] = forms.ChoiceField(
                label="How were the answers given?",
                choices=[(s.value, s.label) for s in Source if s in STAFF_SOURCES],
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose how the answers were given",
                    "invalid_choice": "Choose how the answers were given: by phone or in person",
                },
            )
            self.fields["passed_on"] = forms.CharField(
                label="What did the victim ask to be passed on?",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def raw(self) -> dict[str, str]:
        """Every answer as submitted, for scoring."""
        return {name: self.data.get(name, "") for name, _f in self.fields.items()}

    def question_sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]
