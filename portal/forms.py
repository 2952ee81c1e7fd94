"""Portal forms: they carry what the victim typed and show errors; the rules live in portal.services."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.constants import Frequency
from messaging.constants import Format
from victimcare.core.forms import FreeTextField

from .models import Feedback
from .services import CONCERN_MAX, FEEDBACK_MAX, METHOD_LABELS, QUESTION_MAX, STATEMENT_MAX


class DateOfBirthMixin:
    """GOV.UK date input named dob-day, dob-month, dob-year. After validation self.dob is a date or None,
    and an error is under the "dob" key."""

    dob = None

    def _parse_dob(self) -> tuple[date | None, str]:
        parts = [(self.data.get(f"dob-{p}") or "").strip() for p in ("day", "month", "year")]
        self.dob_values = dict(zip(("day", "month", "year"), parts, strict=True))
        if not any(parts):
            return None, _("Enter your date of birth.")
        try:
            if (
                not all(p.isascii() and p.isdigit() for p in parts)
                or len(parts[0]) > 2
                or len(parts[1]) > 2
                or len(parts[2]) != 4
            ):
                raise ValueError
            value = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except (ValueError, OverflowError):
            return None, _("Enter your date of birth as numbers, for example 27 3 1985.")
        if value >= date.today() or value.year < 1900:
            return None, _("Your date of birth must be in the past.")
        return value, ""

    def full_clean(self):
        self.dob_values = {"day": "", "month": "", "year": ""}
        super().full_clean()
        if self.is_bound:
            self.dob, error = self._parse_dob()
            if error:
                self._errors.setdefault("dob", self.error_class()).append(error)
                self.cleaned_data.pop("dob", None)

    @property
    def dob_error_text(self) -> str:
        return " ".join(str(e) for e in self.errors.get("dob", []))


class SignInForm(DateOfBirthMixin, forms.Form):
    reference = forms.CharField(
        label=_("Crime reference number"),
        max_length=30,
        help_text=_("It is on the letter, email or text we sent you, for example VC/12345/26."),
        error_messages={"required": _("Enter your crime reference number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=200,
        error_messages={"required": _("Enter your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordPairMixin(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        required=False,
        help_text=_(
            "At least 10 characters. Do not use a password you use anywhere else, or one that is easy to "
            "guess, such as your name or date of birth."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ActivateForm(DateOfBirthMixin, PasswordPairMixin):
    pass


class ResetForm(DateOfBirthMixin, PasswordPairMixin):
    pass


class ResetRequestForm(DateOfBirthMixin, forms.Form):
    reference = SignInForm.base_fields["reference"]


class QuestionForm(forms.Form):
    question = FreeTextField(
        label=_("Your question or message"),
        required=False,
        help_text=_("Your officer will reply here within 2 working days. In an emergency, call 999."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_MAX + 500}),
    )


class ConcernForm(forms.Form):
    concern = FreeTextField(
        label=_("What went wrong?"),
        required=False,
        help_text=_(
            "Tell us what happened and what you would like us to do. Your officer and their supervisor will "
            "read it and reply here. In an emergency, call 999."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": CONCERN_MAX + 500}),
    )


class StatementForm(forms.Form):
    statement = FreeTextField(
        label=_("Your Victim Personal Statement"),
        required=False,
        help_text=_(
            "Explain in your own words how the crime has affected you – physically, emotionally, financially "
            "or in any other way. If the case goes to court, the court will consider it."
        ),
        widget=forms.Textarea(attrs={"rows": 12, "maxlength": STATEMENT_MAX + 500}),
    )


class ReviewForm(forms.Form):
    grounds = FreeTextField(
        label=_("Why do you want the decision reviewed?"),
        required=False,
        help_text=_("You do not have to give a reason."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": QUESTION_MAX + 500}),
    )


class PreferencesForm(forms.Form):
    methods = forms.MultipleChoiceField(
        label=_("How should we contact you, apart from this website?"),
        required=False,
        choices=[(k, _(v)) for k, v in METHOD_LABELS],
        widget=forms.CheckboxSelectMultiple,
    )
    safe_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        required=False,
        max_length=300,
        help_text=_("For example, weekdays after 6pm."),
    )
    frequency = forms.ChoiceField(
        label=_("How often do you want an update?"),
        choices=Frequency.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("en", "English"), ("cy", "Cymraeg")],
        required=False,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=_("Format for letters"), choices=Format.choices, required=False, widget=forms.RadioSelect
    )


class PropertyForm(forms.Form):
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    value_pounds = forms.CharField(label=_("Value in pounds"), required=False, max_length=30)
    serial_number = forms.CharField(label=_("Serial number or other identifying marks"), required=False)
    victim_notes = forms.CharField(
        label=_("Anything else we should know about it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Overall, how satisfied are you with how we kept you informed?"),
        choices=Feedback.Rating.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    comments = FreeTextField(
        label=_("Tell us more (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": FEEDBACK_MAX + 500}),
    )


# Required, but checked by the services (their messages are the victim's language and say exactly what
# is wrong): never labelled "(optional)".
for _form, _names in (
    (PasswordPairMixin, ("password", "password2")),
    (QuestionForm, ("question",)),
    (StatementForm, ("statement",)),
    (ConcernForm, ("concern",)),
):
    for _name in _names:
        _form.base_fields[_name].service_required = True
