"""Messages an officer writes to a victim: a new message, a reply to the victim's question, or a draft the
system prepared (contacts.auto_messages) that the officer has reviewed.

message_prepare builds exactly what would be sent, without writing anything (the preview); message_send
checks it all again and writes it to the outbox in one transaction. Who may write is decided by the view
(the case must be visible to the officer: cases.selectors.crime_victim_get).

The content goes where the victim reads safely: their portal, else a letter to an address marked safe
(wrapped in the OFFICER_LETTER template: greeting, the officer's words, a sign-off with the writer's name
and contact details, normally the officer in case), else nowhere: the officer must phone or visit. An
officer's own message meets its duty when it is sent (the draft's duty, or for a reply the QUERY_REPLY
duty the question made).

A draft sent by letter goes as written: it is a whole letter already (greeting and sign-off included)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import CrimeVictim
from contacts.auto_messages import (
    ALERT_TEMPLATES,
    TemplateSet,
    Victim,
    address_block,
    alerts_queue,
    victim_for,
)
from messaging import templates
from messaging.constants import Channel, Format, MessageKind, MessageStatus, Topic
from messaging.models import Message
from messaging.outbox import draft_release, message_queue
from messaging.safety import Route
from victimcare.accounts.models import User
from victimcare.core.errors import Errors

MAX_BODY = 5000
MAX_SUBJECT = 200
NO_SAFE_CHANNEL = "There is no safe written channel for this victim. Phone or visit them and log the contact."
OFFICER_LETTER = "OFFICER_LETTER"


@dataclass(frozen=True)
class Outline:
    """What sending would do: the message as the victim will see it (unsaved), and how it travels."""

    message: Message
    route: Route
    alerts: tuple[str, ...]
    victim: Victim

    @property
    def channel_label(self) -> str:
        if self.message.channel == Channel.LETTER:
            large = self.message.letter_format == Format.LARGE_PRINT
            return "A large-print letter to their address" if large else "A letter to their address"
        return "Their victim portal"

    @property
    def alert_labels(self) -> list[str]:
        labels = {Channel.EMAIL: "an email", Channel.SMS: "a text message"}
        return [labels[a] for a in self.alerts]


def clean_body(body: str | None) -> str:
    return (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def message_prepare(
    *,
    crime_victim: CrimeVictim,
    by: User,
    body: str,
    subject: str = "",
    in_reply_to: Message | None = None,
    draft: Message | None = None,
    now: datetime | None = None,
    victim: Victim | None = None,
) -> Outline:
    """Check the message and build it, writing nothing. Raises ValidationError with field errors."""
    now = now or timezone.now()
    errors = Errors()
    body, subject = clean_body(body), " ".join((subject or "").split())
    if not body:
        errors.add("body", "Write your message.")
    elif len(body) > MAX_BODY:
        errors.add("body", f"Your message must be {MAX_BODY:,} characters or fewer. It has {len(body):,}.")
    if len(subject) > MAX_SUBJECT:
        errors.add("subject", f"The subject must be {MAX_SUBJECT} characters or fewer.")
    if draft is not None and in_reply_to is not None:
        errors.add("__all__", "Send a draft or a reply, not both at once.")
    if draft is not None and (draft.crime_victim_id != crime_victim.id or draft.kind != MessageKind.OFFICER):
        errors.add("__all__", "That draft is not for this victim.")
    elif draft is not None and draft.status != MessageStatus.DRAFT:
        errors.add("__all__", "This draft has already been sent.")
    if in_reply_to is not None and (
        in_reply_to.crime_victim_id != crime_victim.id or in_reply_to.kind != MessageKind.VICTIM
    ):
        errors.add("__all__", "You can only reply to a message from this victim.")
    victim = victim or victim_for(crime_victim)
    # An officer writing personally (a reply, news they must give) is not an "update" the victim may
    # have declined; the route still only ever uses channels marked safe.
    r = victim.route(now, is_update=False)
    if r.content is None:
        errors.add("__all__", NO_SAFE_CHANNEL)
    errors.raise_if_any()

    language = victim.language
    template_code, template_version = (draft.template_code, draft.template_version) if draft else ("", 0)
    letter = r.content == Channel.LETTER
    if letter and draft is None:
        # The officer's words inside a letter: greeting, their text, their name and how to reach them.
        ctx = templates.context_for(crime_victim.crime, victim.person, details=body)
        if by.pk != crime_victim.crime.oic_id:
            # Signed by whoever wrote it (a colleague covering, a supervisor), with their own details.
            ctx.update(
                oic_name=by.display_name,
                oic_phone=by.contact_phone,
                oic_email=by.reply_email,
                oic_pattern=by.working_pattern_text,
            )
        wrapped = TemplateSet([OFFICER_LETTER]).render(OFFICER_LETTER, language, ctx)
        if wrapped is not None:
            body, template_code, template_version = wrapped.body, wrapped.code, wrapped.version
            subject = subject or wrapped.subject
            language = wrapped.language
    obligation_id = None
    if draft is not None:
        obligation_id = draft.obligation_id
    elif in_reply_to is not None:
        obligation_id = in_reply_to.obligation_id  # the QUERY_REPLY duty the question made
    msg = Message(
        crime_id=crime_victim.crime_id,
        crime_victim=crime_victim,
        obligation_id=obligation_id,
        kind=MessageKind.OFFICER,
        channel=Channel.LETTER if letter else Channel.PORTAL,
        language=language,
        template_code=template_code,
        template_version=template_version,
        to_address=address_block(victim.person) if letter else "",
        subject=subject,
        body=body,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        created_by=by,
        created_at=now,
        topic=Topic.ANSWER if in_reply_to is not None else "",
        in_reply_to=in_reply_to,
        letter_format=victim.letter_format if letter else "",
    )
    return Outline(message=msg, route=r, alerts=victim.alert_channels(r), victim=victim)


@transaction.atomic
def message_send(
    *,
    crime_victim: CrimeVictim,
    by: User,
    body: str,
    subject: str = "",
    in_reply_to: Message | None = None,
    draft: Message | None = None,
    now: datetime | None = None,
) -> Message:
    """Check again and send: the content message to the outbox (a draft becomes that message, no second
    row), and an alert by each safe channel when it went to the portal. Returns the content message."""
    now = now or timezone.now()
    if draft is not None:
        # Lock the draft: two officers pressing Send at once send it once.
        draft = Message.objects.select_for_update().filter(pk=draft.pk).first() or draft
    if in_reply_to is not None:
        in_reply_to = Message.objects.filter(pk=in_reply_to.pk).first() or in_reply_to
    outline = message_prepare(
        crime_victim=crime_victim,
        by=by,
        body=body,
        subject=subject,
        in_reply_to=in_reply_to,
        draft=draft,
        now=now,
    )
    m = outline.message
    if draft is None:
        msg = message_queue(
            crime_victim=crime_victim,
            channel=m.channel,
            body=m.body,
            kind=MessageKind.OFFICER,
            to_address=m.to_address,
            subject=m.subject,
            obligation=m.obligation,
            language=m.language,
            template_code=m.template_code,
            template_version=m.template_version,
            by=by,
            letter_format=m.letter_format,
            topic=m.topic,
            in_reply_to=in_reply_to,
        )
    else:
        msg = draft_release(
            draft=draft,
            by=by,
            now=now,
            channel=m.channel,
            to_address=m.to_address,
            subject=m.subject,
            body=m.body,
            language=m.language,
            letter_format=m.letter_format,
        )
        if msg is None:
            raise ValidationError({"__all__": ["This draft has already been sent."]})
    if outline.alerts:
        alerts_queue(
            victim=outline.victim,
            r=outline.route,
            tpls=TemplateSet(ALERT_TEMPLATES.values()),
            language=outline.victim.language,
            by=by,
        )
    return msg
