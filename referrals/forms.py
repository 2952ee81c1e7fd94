"""Staff forms for referrals on the case page: the victim's decision, withdrawing, and a referral the
routing did not make. Each names what is missing in words (NamedErrors); the service checks the rest
(not in the future, consent, the lifecycle) and its errors land on these fields."""

from django import forms

from victimcare.core.forms import LocalDateTimeField, NamedErrors

from .constants import Decision
from .models import SupportOrganisation


class DecisionForm(NamedErrors, forms.Form):
    REQUIRED = {
        "decision": "Choose whether the victim agreed to the referral or declined it.",
        "asked_at": "Enter when the victim was asked.",
    }
    decision = forms.ChoiceField(
        label="What did the victim say?",
        choices=[
            (Decision.GIVEN.value, "They agreed to the referral"),
            (Decision.DECLINED.value, "They declined the referral"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose whether the victim agreed to the referral or declined it."},
    )
    asked_at = LocalDateTimeField(label="When were they asked?", past=True)
    sharing_note = forms.CharField(
        label="Who may be told what",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, “Do not tell her mother” or “Only call the mobile”.",
    )


class WithdrawForm(NamedErrors, forms.Form):
    REQUIRED = {"reason": "Enter why the referral is being withdrawn."}
    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The service sees this reason. For example, “The victim changed their mind”.",
    )


class AddReferralForm(NamedErrors, forms.Form):
    """Choices come from a list read once for the whole case page (not a query per form drawn)."""

    REQUIRED = {"organisation": "Choose the support service to refer the victim to."}
    organisation = forms.TypedChoiceField(
        label="Support service",
        coerce=int,
        choices=[],
        error_messages={"invalid_choice": "Choose a support service from the list."},
    )

    def __init__(self, *args, organisations: list[SupportOrganisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        self.fields["organisation"].choices = [("", "Choose a service")] + [
            (o.pk, f"{o.name} ({o.get_kind_display()})") for o in organisations
        ]

    def clean_organisation(self) -> SupportOrganisation:
        return self.organisations[self.cleaned_data["organisation"]]
