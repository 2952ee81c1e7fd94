"""What a victim can do in the portal: ask a question, make a statement, ask for a review of a
decision, change how we contact them, correct their property, mark messages read, give feedback.

Every function validates everything first and changes nothing on bad input (ValidationError with
messages a victim can act on, in their language)."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import services as case_services
from cases.constants import SAFE_FLAGS
from cases.events import REVIEW_EVENTS, review_decision_in
from cases.models import CaseEvent, Crime, CrimeVictim, PropertyItem, PropertyItemChange
from cases.selectors import team_supervisor_ids
from contacts.auto_messages import language_code
from contacts.constants import Duty, Frequency, ObligationState, Trigger
from contacts.models import Obligation
from contacts.services import (
    duty_done,
    obligations_create,
    plan_save,
    victims_in_context,
    with_rule_context,
)
from messaging.constants import Format, MessageKind, Stage, Topic
from messaging.models import Message
from messaging.outbox import message_from_victim, tell_staff
from victimcare.core.errors import Errors
from victimcare.core.history import changes_between

from ..models import AccountStatus, Feedback, PortalAccount, PortalToken
from .accounts import clean_text

QUESTION_MAX = 2000
CONCERN_MAX = 4000
STATEMENT_MAX = 10000
FEEDBACK_MAX = 2000


# --- telling the officer -------------------------------------------------------------------------------
def _victim_message(cv: CrimeVictim, topic: str, body: str, now: datetime, obligation=None) -> Message:
    return message_from_victim(
        crime_victim=cv,
        topic=topic,
        body=body,
        language=getattr(PortalAccount.objects.filter(person_id=cv.person_id).first(), "language", "en"),
        now=now,
        obligation=obligation,
    )


def _text(errors: Errors, field: str, value: str, *, maximum: int, what: str, required: bool = True) -> str:
    text = clean_text(value)
    if required and not text:
        errors.add(field, what)
    if len(text) > maximum:
        errors.add(
            field,
            _("This must be %(max)s characters or fewer. You have %(n)s.")
            % {"max": f"{maximum:,}", "n": f"{len(text):,}"},
        )
    return text


def _context_victim(cv: CrimeVictim) -> CrimeVictim:
    return victims_in_context(cv.crime, list(with_rule_context(CrimeVictim.objects.filter(pk=cv.pk))))[0]


@transaction.atomic
def question_ask(*, crime_victim: CrimeVictim, text: str, now: datetime | None = None) -> Message:
    """A question for the officer: a QUERY_REPLY duty (2 working days) the officer meets by answering."""
    now = now or timezone.now()
    errors = Errors()
    body = _text(errors, "question", text, maximum=QUESTION_MAX, what=_("Enter your question."))
    errors.raise_if_any()
    cv = crime_victim
    made = obligations_create(
        crime=cv.crime, trigger=Trigger.PORTAL_QUERY, at=now, victims=[_context_victim(cv)]
    )
    duty = next((o for o in made if o.code == Duty.QUERY_REPLY), None)
    return _victim_message(cv, Topic.QUESTION, body, now, obligation=duty)


def _concern_duty(cv: CrimeVictim, now: datetime):
    """The service-recovery duty (CONCERN_REPLY; its limits are the rule set's, editable in the admin)."""
    made = obligations_create(
        crime=cv.crime, trigger=Trigger.PORTAL_CONCERN, at=now, victims=[_context_victim(cv)]
    )
    return next((o for o in made if o.code == Duty.CONCERN_REPLY), None)


def _tell_supervisors(cv: CrimeVictim, msg: Message, now: datetime) -> None:
    """A concern about the service also goes to the team's supervisors (the officer is told as for any
    message from the victim), so it is seen by someone other than the person it may be about."""
    tell_staff(team_supervisor_ids(cv.crime.team), messages=[msg], stage=Stage.VICTIM_MESSAGE, now=now)


@transaction.atomic
def concern_raise(*, crime_victim: CrimeVictim, text: str, now: datetime | None = None) -> Message:
    """ "Tell us about a problem": the officer and their supervisors are told, with a duty to respond."""
    now = now or timezone.now()
    errors = Errors()
    body = _text(errors, "concern", text, maximum=CONCERN_MAX, what=_("Tell us what went wrong."))
    errors.raise_if_any()
    cv = crime_victim
    msg = _victim_message(cv, Topic.CONCERN, body, now, obligation=_concern_duty(cv, now))
    _tell_supervisors(cv, msg, now)
    return msg


@transaction.atomic
def statement_submit(*, crime_victim: CrimeVictim, text: str, now: datetime | None = None) -> Message:
    """A Victim Personal Statement: kept on the case and the officer is told; the offer duty is met."""
    now = now or timezone.now()
    errors = Errors()
    body = _text(errors, "statement", text, maximum=STATEMENT_MAX, what=_("Enter your statement."))
    errors.raise_if_any()
    msg = _victim_message(crime_victim, Topic.STATEMENT, body, now)
    duty_done(crime_victim=crime_victim, code=Duty.VPS_OFFER, at=now)
    return msg


def _asked_by(event: CaseEvent, cv: CrimeVictim) -> bool:
    """A review request is this victim's if it names them, or (recorded by staff without naming anyone)
    if they are the case's only victim."""
    asker = event.details.get("crime_victim")
    return asker == cv.pk if asker is not None else cv.crime.victims.count() == 1


def review_decision(crime: Crime, cv: CrimeVictim) -> CaseEvent | None:
    """The latest decision this victim may ask to have reviewed, unless they already asked after it."""
    events = crime.events.filter(code__in=REVIEW_EVENTS).order_by("occurred_at", "id")
    decision = review_decision_in(events, asked_by=lambda e: _asked_by(e, cv))
    if (
        decision is not None
        and Obligation.objects.filter(
            trigger_event=decision, crime_victim=cv, state=ObligationState.OPEN
        ).exists()
    ):
        # The officer has not told them about the decision yet: the portal must not be how they find out.
        return None
    return decision


@transaction.atomic
def review_request(*, crime_victim: CrimeVictim, grounds: str, now: datetime | None = None) -> CaseEvent:
    """Victims' Right to Review: records the request on the case and starts the VRR duties."""
    now = now or timezone.now()
    cv = crime_victim
    crime = Crime.objects.select_for_update().get(pk=cv.crime_id)
    cv.crime = crime
    errors = Errors()
    text = _text(errors, "grounds", grounds, maximum=QUESTION_MAX, what="", required=False)
    decision = review_decision(crime, cv)
    if decision is None:
        errors.add(
            "grounds",
            _(
                "There is no decision you can ask us to review, or you have already asked. "
                "Contact your officer."
            ),
        )
    errors.raise_if_any()
    # Through the case's own event service, so the case's state checks apply and every app reacts (the
    # VRR duties and this victim's acknowledgement come from contacts' handler).
    event = case_services.event_record(
        crime=crime,
        code="VRR_REQUESTED",
        by=None,
        by_victim=cv,
        occurred_at=now,
        details={"grounds": text},
        facts={"decision": decision.code},
        now=now,
    )
    _victim_message(cv, Topic.REVIEW, text or "I would like the decision reviewed.", now)
    return event


@transaction.atomic
def preferences_save(
    *, crime_victim: CrimeVictim, account: PortalAccount, data: dict, now: datetime | None = None
) -> None:
    """The victim changes how we contact them. Only channels the officer has marked safe may be chosen
    (a victim cannot make a channel safe from the portal: a perpetrator with their password could)."""
    now = now or timezone.now()
    cv = crime_victim
    person = cv.person
    errors = Errors()
    methods = list(dict.fromkeys(data.get("methods") or []))
    for m in methods:
        if m not in SAFE_FLAGS:
            errors.add("methods", _("Choose contact methods from the list."))
        elif not person.channel_safe(m):
            errors.add(
                "methods",
                _(
                    "%(method)s is not marked as safe for you, so we cannot use it. "
                    "If it is safe now, tell your officer."
                )
                % {"method": _(dict(METHOD_LABELS)[m])},
            )
    frequency = data.get("frequency") or Frequency.EVERY_28_DAYS
    if frequency not in Frequency.values:
        errors.add("frequency", _("Choose how often you want an update."))
    fmt = data.get("format") or Format.STANDARD
    if fmt not in Format.values:
        errors.add("format", _("Choose a format."))
    language = data.get("language") or "en"
    if language not in ("en", "cy"):
        errors.add("language", _("Choose English or Welsh."))
    safe_times = _text(errors, "safe_times", data.get("safe_times", ""), maximum=200, what="", required=False)
    errors.raise_if_any()
    plan = getattr(cv, "contact_plan", None)
    before = {
        "methods": list(plan.methods) if plan else [],
        "safe_times": plan.safe_times if plan else "",
        "frequency": plan.frequency if plan else "",
        "format": plan.format if plan else "",
        "language": account.language,
    }
    data = {
        "methods": methods,
        "safe_times": safe_times,
        "frequency": frequency,
        "format": fmt,
        "wants_updates": frequency != Frequency.NONE,
    }
    if language != account.language or plan is None:
        # Only a switch between English and Welsh changes the plan's language (it may say "Polish").
        if language == "cy":
            data["language"] = "Welsh"
        elif plan is None or language_code(plan.language) == "cy":
            data["language"] = "English"
    plan_save(crime_victim=cv, by=None, by_victim=True, data=data, now=now)
    account.language = language
    account.save(update_fields=["language", "updated_at"])
    after = {
        "methods": methods,
        "safe_times": safe_times,
        "frequency": frequency,
        "format": fmt,
        "language": language,
    }
    changed = [k for k in after if before[k] != after[k]]
    if changed:
        shown = {k: ", ".join(v) if isinstance(v, list) else v for k, v in after.items()}
        lines = [f"{k.replace('_', ' ').capitalize()}: {shown[k] or '-'}" for k in changed]
        _victim_message(cv, Topic.PREFERENCES, "\n".join(lines), now)


METHOD_LABELS = [
    ("email", gettext_noop("Email")),
    ("sms", gettext_noop("Text message")),
    ("phone", gettext_noop("Phone call")),
    ("letter", gettext_noop("Letter")),
    ("visit", gettext_noop("Visit")),
]


@transaction.atomic
def alerts_set(
    *, account: PortalAccount, crime_victim: CrimeVictim, on: bool, now: datetime | None = None
) -> None:
    """Unsubscribe from (or back to) email and text alerts about portal updates. The officer is told."""
    now = now or timezone.now()
    if account.alerts == on:
        return
    account.alerts = on
    account.save(update_fields=["alerts", "updated_at"])
    _victim_message(
        crime_victim,
        Topic.PREFERENCES,
        # Written to the officer, so in English whatever language the victim reads the portal in.
        "Please send me an email or text when there is an update."
        if on
        else "Please stop sending me emails or texts about updates. I will check the portal myself.",
        now,
    )


@transaction.atomic
def property_update(
    *, item: PropertyItem, crime_victim: CrimeVictim, data: dict, now: datetime | None = None
) -> PropertyItem:
    """The victim corrects or describes a property item further; every change is kept and the officer told."""
    now = now or timezone.now()
    errors = Errors()
    description = _text(
        errors, "description", data.get("description", ""), maximum=200, what=_("Describe the item.")
    )
    serial = _text(
        errors, "serial_number", data.get("serial_number", ""), maximum=100, what="", required=False
    )
    notes = _text(errors, "victim_notes", data.get("victim_notes", ""), maximum=2000, what="", required=False)
    raw_value = clean_text(data.get("value_pounds", "")).replace("£", "").replace(",", "")
    value = None
    if raw_value:
        try:
            value = Decimal(raw_value).quantize(Decimal("0.01"))
            if not (Decimal(0) <= value < Decimal(10_000_000)) or not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.add("value_pounds", _("Enter the value in pounds, like 250 or 249.99."))
    errors.raise_if_any()
    item = PropertyItem.objects.select_for_update().get(pk=item.pk)
    new = {"description": description, "serial_number": serial, "victim_notes": notes, "value_pounds": value}
    changes = changes_between({k: getattr(item, k) for k in new}, new)
    if not changes:
        return item
    for k in changes:
        setattr(item, k, new[k])
    item.save()
    record = PropertyItemChange.objects.create(item=item, by_victim=True, changes=changes, changed_at=now)
    lines = [f"I have updated the details of {item.description}:"] + [
        f"- {label}: {new}" for label, _old, new in record.readable_changes()
    ]
    _victim_message(crime_victim, Topic.PROPERTY, "\n".join(lines), now)
    return item


def messages_read(messages: list[Message], now: datetime | None = None) -> list[int]:
    """The victim has seen these: unread messages from the police are marked read (the officer sees when).
    Returns the ids that were unread (shown as New)."""
    unread = [m.pk for m in messages if m.read_at is None and m.kind != MessageKind.VICTIM]
    if unread:
        Message.objects.filter(pk__in=unread, read_at__isnull=True).update(read_at=now or timezone.now())
    return unread


def feedback_open(cv: CrimeVictim) -> bool:
    """Feedback is asked for once the case has closed, once per victim."""
    return cv.crime.is_closed and not Feedback.objects.filter(crime_victim=cv).exists()


@transaction.atomic
def feedback_submit(
    *, crime_victim: CrimeVictim, rating: str, comments: str, now: datetime | None = None
) -> Feedback:
    now = now or timezone.now()
    cv = crime_victim
    errors = Errors()
    if not cv.crime.is_closed:
        errors.add("rating", _("You can give feedback once the investigation has closed."))
    if Feedback.objects.filter(crime_victim=cv).exists():
        errors.add("rating", _("You have already given feedback on this case. Thank you."))
    if rating not in Feedback.Rating.values:
        errors.add("rating", _("Choose how satisfied you are."))
    text = _text(errors, "comments", comments, maximum=FEEDBACK_MAX, what="", required=False)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(crime_victim=cv, rating=rating, comments=text, created_at=now)
    except IntegrityError:  # sent twice at once
        raise ValidationError(
            {"rating": [_("You have already given feedback on this case. Thank you.")]}
        ) from None
    # Staff read it in the inbox (it used to be kept where nobody saw it); a dissatisfied victim is owed a
    # response, as for any concern.
    # In the victim's words and language, as their questions are (they see it in their own timeline).
    body = str(Feedback.Rating(rating).label) + (f"\n\n{text}" if text else "")
    unhappy = rating in (Feedback.Rating.DISSATISFIED, Feedback.Rating.VERY_DISSATISFIED)
    msg = _victim_message(
        cv, Topic.FEEDBACK, body, now, obligation=_concern_duty(cv, now) if unhappy else None
    )
    if unhappy:
        _tell_supervisors(cv, msg, now)
    return feedback


def account_close(*, account: PortalAccount, crime_victim: CrimeVictim, now: datetime | None = None) -> None:
    """The victim closes their account: updates go by their other safe channels; the officer is told."""
    now = now or timezone.now()
    with transaction.atomic():
        account.status = AccountStatus.CLOSED
        account.password = ""
        account.save(update_fields=["status", "password", "updated_at"])
        PortalToken.objects.filter(account=account, used_at=None, revoked_at=None).update(revoked_at=now)
        _victim_message(crime_victim, Topic.PREFERENCES, "I have closed my portal account.", now)
