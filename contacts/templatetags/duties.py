"""How duties read and what each one leads to, for every list that shows them (worklists, the case page)."""

from django import template
from django.urls import reverse

from contacts.constants import Duty

register = template.Library()


@register.filter
def duty_label(code: str) -> str:
    """A duty's name in words ("Victim Personal Statement offer", never "VPS_OFFER")."""
    try:
        return str(Duty(code).label)
    except ValueError:
        return str(code).replace("_", " ").capitalize()


@register.simple_tag
def duty_action(ob, slug: str) -> dict[str, str]:
    """The one action that meets this duty: a needs assessment and a contact plan are met by doing them,
    a support referral by recording the victim's decision on it (in the needs assessment, until referrals
    can be made here); anything else by logging a contact."""
    kw = {"ref": slug, "cv_id": ob.crime_victim_id}
    if ob.code in (Duty.NEEDS_ASSESSMENT, Duty.SUPPORT_REFERRAL):
        label = "Complete the needs assessment" if ob.code == Duty.NEEDS_ASSESSMENT else "Record the referral"
        return {"label": label, "url": reverse("cases:needs_assessment", kwargs=kw)}
    if ob.code == Duty.CONTACT_PLAN:
        return {"label": "Agree the contact plan", "url": reverse("contacts:plan", kwargs=kw)}
    return {
        "label": "Log contact",
        "url": reverse("contacts:contact_new", kwargs=kw) + f"?obligation={ob.pk}",
    }
