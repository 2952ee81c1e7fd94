"""Rendering standard messages: the newest active version of a template in the victim's language, with
a fixed, known context. Values are data, never template code: a victim's name containing "{{" is shown
as typed."""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

from messaging.models import MessageTemplate
from victimcare.core.i18n import force_name

# Plain text: nothing is HTML-escaped (letters, SMS, email bodies). The portal escapes on display.
_ENGINE = Engine(
    autoescape=False, libraries={}, builtins=["django.template.defaultfilters", "django.template.defaulttags"]
)
CONTEXT_KEYS = {
    "victim_name",
    "crime_reference",
    "oic_name",
    "oic_phone",
    "oic_email",
    "oic_pattern",
    "force_name",
    "next_steps",
    "details",
    "portal_url",
    "bail_until",  # bail messages: when the suspect answers bail (empty: released under investigation)
    "survey_url",  # survey invitations: the single-use link
    "link_expires",  # the day a single-use link stops working
}
LANGUAGES = ("en", "cy")


class TemplateMissing(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    code: str
    language: str
    version: int
    subject: str
    body: str


def newest(code: str, language: str) -> MessageTemplate:
    """The wording a new message uses: the newest active version in the language (English if the
    language is not one we write in)."""
    language = language if language in LANGUAGES else "en"
    tpl = (
        MessageTemplate.objects.filter(code=code, language=language, active=True).order_by("-version").first()
    )
    if tpl is None:
        raise TemplateMissing(f"No active template {code!r} in {language!r}.")
    return tpl


def render(code: str, language: str, context: dict[str, str]) -> Rendered:
    return render_template(newest(code, language), context)


def render_template(tpl: MessageTemplate, context: dict[str, str]) -> Rendered:
    """A standard wording with its personalisation, everything in the wording's own language: lazy values
    (what happens next, the officer's working pattern) and the force's name included. The one renderer of
    standard messages (one at a time through render, or a batch's through contacts.auto_messages)."""
    unknown = set(context) - CONTEXT_KEYS
    if unknown:
        raise ValueError(f"Unknown message context keys: {', '.join(sorted(unknown))}")
    with translation.override(tpl.language):
        values = {
            "force_name": force_name(tpl.language),
            **{k: "" for k in CONTEXT_KEYS if k != "force_name"},
            **{k: str(v) for k, v in context.items()},
        }
    ctx = Context(values, autoescape=False)
    subject = _ENGINE.from_string(tpl.subject).render(ctx).strip() if tpl.subject else ""
    body = _ENGINE.from_string(tpl.body).render(ctx).strip()
    return Rendered(code=tpl.code, language=tpl.language, version=tpl.version, subject=subject, body=body)


def context_for(
    crime, person, *, details: str = "", portal_url: str = "", bail_until: str = ""
) -> dict[str, str]:
    """The standard personalisation: title and surname, the officer's details, what happens next."""
    oic = crime.oic
    return {
        "victim_name": person.formal_name,
        "crime_reference": crime.reference,
        "oic_name": oic.display_name if oic else "",
        "oic_phone": oic.contact_phone if oic else "",
        "oic_email": oic.reply_email if oic else "",
        "oic_pattern": oic.working_pattern_text if oic else "",
        "next_steps": crime.next_steps,
        "details": details,
        "portal_url": portal_url or f"{settings.SITE_URL}/portal/",
        "bail_until": bail_until,
    }
