"""The admin's forms for organisations and routing rules: their conditions are lists of codes kept as JSON
(read by referrals.routing), but an administrator ticks them by name instead of typing
["domestic_abuse"] into a box. The models' clean() still refuses an unknown code, for any other writer."""

from django import forms

from cases.constants import OffenceGroup, VictimRole
from cases.eligibility import REASONS

from .constants import Flag, VictimGroup
from .models import RoutingRule, SupportOrganisation


def ticks(label: str, choices, help_text: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=list(choices),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class SupportOrganisationAdminForm(forms.ModelForm):
    victim_groups = ticks(
        "Victim groups served", VictimGroup.choices, "Tick every group the service supports."
    )
    offence_groups = ticks(
        "Offence groups served", OffenceGroup.choices, "None ticked means every offence group."
    )

    class Meta:
        model = SupportOrganisation
        fields = (
            "name",
            "kind",
            "services",
            "active",
            "is_national",
            "bcus",
            "victim_groups",
            "offence_groups",
            "phone",
            "email",
            "website",
            "consent_basis",
            "ack_working_days",
            "contact_working_days",
            "max_contact_attempts",
            "webhook_url",
        )
        labels = {"bcus": "Areas (BCUs) served", "is_national": "National service"}
        help_texts = {"bcus": "None chosen means the whole force."}


class RoutingRuleAdminForm(forms.ModelForm):
    offence_groups = ticks(
        "Offence groups", OffenceGroup.choices, "The offence is in any of these. None ticked: any offence."
    )
    flags = ticks("Flags", Flag.choices, "Every one ticked must hold. None ticked: no condition.")
    enhanced_reasons = ticks(
        "Enhanced entitlement",
        REASONS.items(),
        "The victim is entitled to enhanced services for any of these reasons. None ticked: any victim.",
    )
    roles = ticks(
        "Role on the crime", VictimRole.choices, "The person is any of these on the crime. None ticked: any."
    )

    class Meta:
        model = RoutingRule
        fields = (
            "name",
            "active",
            "trigger",
            "organisations",
            "offence_groups",
            "flags",
            "enhanced_reasons",
            "roles",
            "min_age",
            "max_age",
            "bcus",
        )
        labels = {
            "min_age": "Youngest age",
            "max_age": "Oldest age",
            "bcus": "Areas (BCUs)",
            "organisations": "Refer to",
        }
        help_texts = {
            "min_age": "The victim's age at the offence, at least. Empty: no lower limit.",
            "max_age": "The victim's age at the offence, at most. Empty: no upper limit.",
            "bcus": "The crime's BCU is one of these. None chosen: every BCU.",
            "organisations": "The support services a victim who meets every condition is referred to.",
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            # Said here in words; otherwise the database constraint's name is all the admin shows.
            self.add_error("max_age", "The oldest age cannot be less than the youngest age.")
        return data
