"""Concerns and unhappy feedback from victims (service recovery): the portal's "tell us about a problem"
and feedback rated dissatisfied reach the officer and their supervisors as inbox items with a duty to
respond (contacts' CONCERN_REPLY, met by replying); here the officer or supervisor records what came of
it. The list shows each concern's duty, its reply and its outcome."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cases.selectors import cases_visible_to
from messaging.constants import MessageKind, Topic
from messaging.models import Message
from victimcare.accounts.constants import Role
from victimcare.accounts.models import User

from .callbacks import teams_for
from .constants import ConcernOutcome
from .models import ConcernRecord
from .scoring import clean

NOTE_MAX = 2000


def concerns_for(user: User):
    """Concern messages on the cases this person answers for: an officer's own cases; a supervisor's or
    inspector's teams (and their own cases); every case for an admin. Never a case they may not see."""
    qs = Message.objects.filter(kind=MessageKind.VICTIM).filter(
        Q(topic=Topic.CONCERN) | Q(topic=Topic.FEEDBACK, obligation__isnull=False)
    )
    if user.role == Role.ADMIN:
        pass
    elif user.role in (Role.SUPERVISOR, Role.INSPECTOR):
        qs = qs.filter(Q(crime__oic=user) | Q(crime__team__in=teams_for(user)))
    elif user.role == Role.OFFICER:
        qs = qs.filter(crime__oic=user)
    else:
        return Message.objects.none()
    return qs.filter(crime__in=cases_visible_to(user))


def concern_get(*, user: User, pk: int) -> Message:
    msg = concerns_for(user).select_related("crime", "obligation").filter(pk=pk).first()
    if msg is None:
        raise Http404("No such concern")
    return msg


@transaction.atomic
def concern_outcome_record(
    *, message: Message, by: User, outcome: str, note: str, now: datetime | None = None
) -> ConcernRecord:
    now = now or timezone.now()
    errors = {}
    if outcome not in ConcernOutcome.values:
        errors["outcome"] = ["Choose what came of the concern."]
    text = clean(note)
    if len(text) > NOTE_MAX:
        errors["note"] = [f"Use {NOTE_MAX:,} characters or fewer."]
    if not concerns_for(by).filter(pk=message.pk).exists():
        errors["outcome"] = ["You can record outcomes only for concerns on cases you answer for."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return ConcernRecord.objects.create(
                message=message, outcome=outcome, note=text, recorded_by=by, recorded_at=now
            )
    except IntegrityError:
        raise ValidationError(
            {"outcome": ["The outcome of this concern has already been recorded."]}
        ) from None
