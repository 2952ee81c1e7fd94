"""Web forms. They parse and present; the services decide what is valid for the domain."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from victimcare.accounts.models import Team, User
from victimcare.accounts.services import SignInLocked, sign_in_attempt
from victimcare.core.forms import LocalDateTimeField, NamedErrors

from .constants import CrimeStatus, VictimRole, normalise_reference
from .events import RECORDABLE, details_form_class
from .models import NeedsAssessment, Offence, Person
from .services import NEEDS_FIELDS, PERSON_FIELDS


class SignInForm(NamedErrors, AuthenticationForm):
    """Email sign-in with a lock-out: after too many failed attempts for one account or from one address
    within 15 minutes (accounts.services.sign_in_attempt), further attempts are refused without checking
    the password. Each attempt is counted before the password is checked, so parallel guesses cannot slip
    past; a successful sign-in gives it back."""

    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    REQUIRED = {"username": "Enter your email address.", "password": "Enter your password."}
    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask an administrator.",
        "locked": "Too many failed attempts. Wait 15 minutes and try again, or ask an administrator.",
    }

    def clean(self):
        try:
            with sign_in_attempt(email=self.data.get("username") or "", request=self.request):
                return super().clean()  # a failure raises, and its attempt stays counted
        except SignInLocked:
            raise ValidationError(self.error_messages["locked"], code="locked") from None


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The Django admin's sign-in, under the same lock-out as every other way in."""

    error_messages = {**AdminAuthenticationForm.error_messages, **SignInForm.error_messages}


def apply_service_errors(error: ValidationError, forms_by_prefix: dict[str, forms.Form]) -> None:
    """Put a service's field errors ('victims.0.email', 'details.reason') onto the right form."""
    for key, messages in error.message_dict.items():
        target, field = forms_by_prefix.get(""), key
        for prefix, form in forms_by_prefix.items():
            if prefix and key.startswith(prefix):
                target, field = form, key[len(prefix) :]
                break
        if target is None:
            continue
        if field not in target.fields:
            field = None
        for m in messages:
            target.add_error(field, m)


class OffenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offence) -> str:
        return f"{obj.name} ({obj.get_group_display()})"


class CrimeForm(NamedErrors, forms.Form):
    reference = forms.CharField(
        label="Crime reference",
        max_length=20,
        help_text="Like VC/12345/26",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    offence = OffenceChoiceField(
        queryset=Offence.objects.filter(active=True).order_by("group", "name"),
        empty_label="Choose an offence",
        error_messages={
            "invalid_choice": "Choose an offence from the list.",
            "required": "Choose the offence.",
        },
    )
    occurred_at = LocalDateTimeField(
        label="When did it happen?", help_text="Or when it started, if over a period", past=True
    )
    occurred_to = LocalDateTimeField(
        label="Until", required=False, help_text="Only if it happened over a period", past=True
    )
    reported_at = LocalDateTimeField(label="When was it reported?", past=True)
    location = forms.CharField(label="Where did it happen?", max_length=200)
    summary = forms.CharField(
        label="Summary", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), empty_label="Choose a team", label="Investigating team"
    )
    oic = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Officer in case",
        empty_label="Not allocated yet",
        help_text="You can allocate it later",
    )
    is_domestic_abuse = forms.BooleanField(label="Domestic abuse", required=False)
    is_hate_crime = forms.BooleanField(label="Hate crime", required=False)
    is_sensitive = forms.BooleanField(label="Sensitive", required=False)
    is_restricted = forms.BooleanField(label="Restricted – only named people can see it", required=False)

    # Each missing answer named in words (the same wording as cases.services.case_record's checks).
    REQUIRED = {
        "reference": "Enter the crime reference, like VC/12345/26.",
        "occurred_at": "Enter when the offence happened.",
        "reported_at": "Enter when the offence was reported.",
        "location": "Enter where the offence happened.",
        "team": "Choose the team that will investigate.",
    }

    def __init__(self, *args, teams=None, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()
        self.fields["oic"].queryset = officers if officers is not None else User.objects.none()

    def clean_reference(self):
        return normalise_reference(self.cleaned_data["reference"])


class PersonForm(NamedErrors, forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "email": forms.EmailInput(),
            "mobile_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "other_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        labels = {"date_of_birth": "Date of birth", "email": "Email address", "postcode": "Postcode"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].error_messages["invalid"] = (
            "Enter a real date of birth, like 1985-03-14."
        )
        self.fields["email"].error_messages["invalid"] = "Enter an email address like name@example.com."

    REQUIRED = {
        "role": "Choose the person's role on this crime.",
        "first_name": "Enter their first name.",
        "last_name": "Enter their last name.",
        "first_language": "Enter their first language, like English or Welsh.",
    }

    def validate_unique(self):
        pass


class VictimForm(PersonForm):
    role = forms.ChoiceField(
        choices=VictimRole.choices, initial=VictimRole.VICTIM, label="Role on this crime"
    )
    relationship = forms.CharField(
        max_length=100,
        required=False,
        label="Relationship",
        help_text="For a bereaved relative or parent: e.g. 'mother of the deceased'",
    )
    offer_portal = forms.BooleanField(
        required=False,
        label="Offer them the portal to follow the case online",
        help_text="An activation link goes to an email, mobile or address marked safe. They sign in with "
        "the crime reference, their date of birth and a password they choose.",
    )

    class Meta(PersonForm.Meta):
        fields = ["role", "relationship", *PERSON_FIELDS]


class BaseVictimFormSet(forms.BaseFormSet):
    # The error summary names whose answer is wrong: "Victim 2: Enter the first name."
    summary_label = "Victim"
    default_error_messages = {
        "too_few_forms": "Add at least one victim.",
        "too_many_forms": "You can record up to 20 victims at once. Record the crime, then add the others.",
        "missing_management_form": "Part of the form was missing. Start again from Record a crime.",
    }


VictimFormSet = forms.formset_factory(
    VictimForm,
    formset=BaseVictimFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=20,
    validate_max=True,
)


class NeedsAssessmentForm(NamedErrors, forms.ModelForm):
    REQUIRED = {"referral_consent": "Say whether the victim agrees to be referred to a support service."}

    class Meta:
        model = NeedsAssessment
        fields = NEEDS_FIELDS
        widgets = {"referral_consent": forms.RadioSelect}
        labels = {"referral_consent": "Does the victim agree to be referred to a support service?"}


class EventForm(NamedErrors, forms.Form):
    REQUIRED = {"code": "Choose what happened.", "occurred_at": "Enter when it happened."}
    code = forms.ChoiceField(choices=[(t.code, t.label) for t in RECORDABLE], label="What happened?")
    occurred_at = LocalDateTimeField(label="When did it happen?", past=True)
    note = forms.CharField(
        label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def event_details_form(event_type, data=None):
    return details_form_class(event_type)(data=data, prefix="details")


class AllocateForm(NamedErrors, forms.Form):
    REQUIRED = {"officer": "Choose the officer in case."}
    officer = forms.ModelChoiceField(
        queryset=User.objects.none(), empty_label="Choose an officer", label="Officer in case"
    )
    note = forms.CharField(label="Reason", required=False, max_length=500)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers if officers is not None else User.objects.none()


class CaseSearchForm(forms.Form):
    q = forms.CharField(label="Crime reference or victim name", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *CrimeStatus.choices], required=False, label="Status"
    )
    flags = forms.MultipleChoiceField(
        required=False,
        label="Flags",
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("is_domestic_abuse", "Domestic abuse"),
            ("is_hate_crime", "Hate crime"),
            ("is_sensitive", "Sensitive"),
            ("is_restricted", "Restricted"),
        ],
    )
