"""The survey drawn as a form from its questions (as data), in the victim's language. The form lets every
answer through as a string; surveys.scoring decides what is valid, so a page and a service never
disagree, and a forged value is refused in words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from victimcare.core.forms import FreeTextField

from .constants import STAFF_SOURCES, Check, CheckAnswer, ConcernOutcome, FeedbackKind, QuestionKind, Source
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
                field = FreeTextField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}))
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
        self.fields["comments"] = FreeTextField(
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
            self.fields["source"] = AnswerField(
                label="How were the answers given?",
                required=False,
                choices=[(s.value, s.label) for s in Source if s in STAFF_SOURCES],
                widget=forms.RadioSelect,
            )
            self.fields["source"].service_required = True
            self.fields["passed_on"] = FreeTextField(
                label="What did the victim ask to be passed on?",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def raw(self) -> dict[str, str]:
        """Every answer as submitted, for scoring."""
        return {name: self.data.get(name, "") for name, _f in self.fields.items()}

    def question_sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.sections]


CALL_OUTCOMES = [
    ("spoke", "Spoke to the victim"),
    ("no_answer", "No answer"),
    ("left_message", "Left a message"),
    ("wrong_number", "Wrong number"),
    ("declined", "The victim did not want to talk"),
]


class CallBackForm(SurveyForm):
    """A quality call-back: how the call went, then (if they spoke) the survey's questions, and what the
    victim asked to be passed on."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, questions=questions, language="en", **kwargs)
        self.fields["outcome"] = forms.ChoiceField(
            label="How did the call go?",
            choices=CALL_OUTCOMES,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose how the call went",
                "invalid_choice": "Choose how the call went",
            },
        )
        self.fields["passed_on"] = FreeTextField(
            label="What did the victim ask to be passed on?",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="In their words where you can. The officer and their supervisor will see it.",
        )
        self.fields["passed_on_kind"] = forms.ChoiceField(
            label="Is it praise or a concern?",
            required=False,
            choices=[(k.value, k.label) for k in FeedbackKind],
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Choose praise, a concern or something else"},
        )
        self.order_fields(["outcome"])


class CheckForm(forms.Form):
    """The dip-sampling checklist: every check answered yes, no or does not apply, and a note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for check in Check:
            self.fields[check.value] = AnswerField(
                label=str(check.label),
                required=False,
                choices=list(CheckAnswer.choices),
                widget=forms.RadioSelect,
            )
            self.fields[check.value].service_required = True
        self.fields["note"] = FreeTextField(
            label="Your note to the officer",
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="What went well and what to do differently. The officer sees it with your findings.",
        )

    def answers(self) -> dict[str, str]:
        return {c.value: self.data.get(c.value, "") for c in Check}


class ConcernOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What came of it?",
        choices=ConcernOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what came of the concern",
            "invalid_choice": "Choose what came of the concern",
        },
    )
    note = FreeTextField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
