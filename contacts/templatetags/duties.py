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
    a referral duty by making the referral (the victim's referrals on the case page), a correction for a
    support service by correcting the victim's details; anything else by logging a contact."""
    kw = {"ref": slug, "cv_id": ob.crime_victim_id}
    if ob.code == Duty.NEEDS_ASSESSMENT:
        return {"label": "Complete the needs assessment", "url": reverse("cases:needs_assessment", kwargs=kw)}
    if ob.code in (Duty.SUPPORT_REFERRAL, Duty.VCS_REFERRAL):
        url = reverse("cases:detail", kwargs={"ref": slug}) + f"#referrals-{ob.crime_victim_id}"
        return {"label": "Make the referral", "url": url}
    if ob.code == Duty.CORRECT_DETAILS:
        return {"label": "Correct the details", "url": reverse("cases:victim_edit", kwargs=kw)}
    if ob.code == Duty.CONTACT_PLAN:
        return {"label": "Agree the contact plan", "url": reverse("contacts:plan", kwargs=kw)}
    return {
        "label": "Log contact",
        "url": reverse("contacts:contact_new", kwargs=kw) + f"?obligation={ob.pk}",
    }
