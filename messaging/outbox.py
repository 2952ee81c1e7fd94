"""The outbox: queue a message in the caller's transaction, deliver it from a worker.

Delivery claims a row atomically (queued/temporary_failure -> sending), so two workers or a retried task
never send it twice. A worker that dies mid-send leaves the row in `sending`; the sweep returns it to the
queue after sending_timeout() (at-least-once: a provider may, rarely, get it twice). Temporary failures back
off exponentially; after MAX_ATTEMPTS, or on a permanent failure, the officer in case is told and the duty
stays open. A content message (portal or letter) that is sent meets its duty (an automatic one only where
the rule allows automatic messages; an officer's own message always); alerts never do. Drafts are rows too,
but never deliverable until an officer sends them (contacts.officer_messages)."""

import logging
import re
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from cases.models import CrimeVictim
from cases.selectors import who_to_tell
from messaging.channels import Outgoing, PermanentFailure, TemporaryFailure, backend_for
from messaging.constants import DELIVERABLE, Channel, MessageKind, MessageStatus, Stage
from messaging.hooks import MessageDelivered, message_delivered
from messaging.models import Message, StaffNotification
from victimcare.accounts.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
CONTENT_CHANNELS = {Channel.PORTAL, Channel.LETTER}


def retry_at(msg: Message, now: datetime) -> datetime:
    """The next attempt after backoff; a text never goes between 20:00 and 08:00, retries included."""
    at = now + backoff(msg.attempts)
    if msg.channel == Channel.SMS:
        from messaging.safety import next_sms_window
        from victimcare.calendar import LONDON

        at = next_sms_window(at.astimezone(LONDON)) or at
    return at


def backoff(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes... capped at 6 hours."""
    return min(timedelta(minutes=4 ** max(attempts - 1, 0)), timedelta(hours=6))


def _new_message(
    *,
    crime_victim: CrimeVictim,
    channel: str,
    body: str,
    kind: str = MessageKind.AUTOMATIC,
    to_address: str = "",
    subject: str = "",
    obligation: Model | None = None,  # the duty (contacts.Obligation) this message meets when delivered
    language: str = "en",
    template_code: str = "",
    template_version: int = 0,
    not_before: datetime | None = None,
    by: User | None = None,
    letter_format: str = "",
    topic: str = "",
    in_reply_to: Message | None = None,
    status: str = MessageStatus.QUEUED,
) -> Message:
    """An outbox row checked and ready to write (not saved)."""
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel {channel!r}")
    if kind == MessageKind.ALERT and obligation is not None:
        raise ValueError("An alert carries no case details, so it cannot meet a duty.")
    if status not in (MessageStatus.QUEUED, MessageStatus.DRAFT):
        raise ValueError(f"A new message is queued or a draft, not {status!r}")
    if letter_format and channel != Channel.LETTER:
        raise ValueError("Only a letter has a letter format.")
    return Message(
        crime_id=crime_victim.crime_id,
        crime_victim=crime_victim,
        obligation=obligation,
        kind=kind,
        channel=channel,
        language=language,
        template_code=template_code,
        template_version=template_version,
        to_address=to_address,
        subject=subject,
        body=body,
        status=status,
        next_attempt_at=not_before or timezone.now(),
        created_by=by,
        letter_format=letter_format,
        topic=topic,
        in_reply_to=in_reply_to,
    )


def message_queue(**fields) -> Message:
    """Write the outbox row (in the caller's transaction) and ask a worker to deliver it after commit.
    A draft (status DRAFT) is written but not delivered: an officer reviews and sends it. Takes the
    fields of _new_message."""
    msg = _new_message(**fields)
    msg.save()
    if msg.status == MessageStatus.QUEUED:
        delivery_schedule(msg)
    return msg


def message_queue_many(rows: list[dict]) -> list[Message]:
    """Many outbox rows in one INSERT (a batch run such as the survey invitations): each checked as
    message_queue checks it; those due now are handed to workers after commit in batches of BATCH, one
    task each, instead of a task per message."""
    msgs = Message.objects.bulk_create([_new_message(**row) for row in rows])
    now = timezone.now()
    due = [m.pk for m in msgs if m.status == MessageStatus.QUEUED and m.next_attempt_at <= now and m.pk]
    if due:
        from .tasks import deliver_messages

        def start_delivery() -> None:
            for start in range(0, len(due), BATCH):
                try:
                    deliver_messages.delay(due[start : start + BATCH])
                except Exception as e:  # noqa: BLE001 - the sweep has the rows (see delivery_schedule)
                    logger.warning(
                        "%s messages wait for the outbox sweep: the broker is unavailable (%s)", len(due), e
                    )
                    return

        transaction.on_commit(start_delivery)
    return msgs


def message_from_victim(
    *,
    crime_victim: CrimeVictim,
    topic: str,
    body: str,
    language: str,
    now: datetime,
    obligation: Model | None = None,
) -> Message:
    """The one way a message from a victim (a question, a statement, a review request) is written: it has
    arrived, so it is delivered at once. Whoever answers for the case is told (inbox and digest)."""
    msg = Message.objects.create(
        crime_id=crime_victim.crime_id,
        crime_victim=crime_victim,
        kind=MessageKind.VICTIM,
        channel=Channel.PORTAL,
        topic=topic,
        body=body,
        status=MessageStatus.DELIVERED,
        next_attempt_at=now,
        sent_at=now,
        delivered_at=now,
        obligation=obligation,
        language=language,
    )
    tell_staff(who_to_tell(crime_victim.crime), messages=[msg], stage=Stage.VICTIM_MESSAGE, now=now)
    return msg


def draft_release(*, draft: Message, by: User, now: datetime, **content) -> Message | None:
    """An officer sends a draft: it becomes the queued message (no second row), with the content they
    approved (`channel`, `to_address`, `subject`, `body`, `language`, `letter_format`). Returns None if it
    was no longer a draft (sent already, e.g. by a colleague pressing Send at the same moment)."""
    allowed = {"channel", "to_address", "subject", "body", "language", "letter_format"}
    if set(content) - allowed:
        raise ValueError(f"A draft's {sorted(set(content) - allowed)} cannot be changed on release.")
    fields = {
        **content,
        "status": MessageStatus.QUEUED,
        "next_attempt_at": now,
        "created_by": by,
        # The victim sees when it was sent, not when the system drafted it.
        "created_at": now,
    }
    if not Message.objects.filter(pk=draft.pk, status=MessageStatus.DRAFT).update(**fields):
        return None
    msg = Message.objects.get(pk=draft.pk)
    delivery_schedule(msg)
    StaffNotification.objects.filter(message=draft, stage=Stage.DRAFT_READY, read_at__isnull=True).update(
        read_at=now
    )
    return msg


def delivery_schedule(msg: Message) -> None:
    """Ask a worker to deliver the message once the caller's transaction commits (if it is due now; a
    message held for later, such as a text at night, is found by the sweep when it falls due)."""
    if msg.next_attempt_at <= timezone.now():
        from .tasks import deliver_message

        pk = msg.pk

        def start_delivery() -> None:
            # With the broker down the task is lost, but the row is committed and the sweep delivers it:
            # the change that queued the message (a crime recorded, an officer's reply) must not fail,
            # and one line says so rather than a traceback per message.
            try:
                deliver_message.delay(pk)
            except Exception as e:  # noqa: BLE001 - whatever the broker raises, the sweep has the row
                logger.warning("Message %s waits for the outbox sweep: the broker is unavailable (%s)", pk, e)

        transaction.on_commit(start_delivery)


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def still_unsafe(msg: Message) -> str:
    """Checked again at the moment of sending, against the victim's details now: a message queued (or held
    overnight, or retrying) before an officer changed an address or marked a channel unsafe must not go.
    Returns why not, or ""."""
    person = msg.crime_victim.person
    if msg.channel == Channel.EMAIL:
        if not (person.reachable_by(Channel.EMAIL) and person.email.lower() == msg.to_address.lower()):
            return "Not sent: the email address changed or is no longer marked safe."
    elif msg.channel == Channel.SMS:
        if not (person.reachable_by(Channel.SMS) and _digits(person.mobile_phone) == _digits(msg.to_address)):
            return "Not sent: the mobile number changed or is no longer marked safe."
    elif msg.channel == Channel.LETTER and not person.channel_safe(Channel.LETTER):
        return "Not sent: letters to the address are no longer marked safe."
    return ""


def _letter_pdf(msg: Message, now: datetime) -> bytes:
    from messaging.letters import LetterError, letter_pdf

    try:
        return letter_pdf(msg, now=now)
    except LetterError as e:
        raise PermanentFailure(str(e)) from e
    except Exception as e:  # noqa: BLE001 - a bug must end in "gave up, OIC told", never a silent loop
        raise TemporaryFailure(f"Could not make the letter: {e}") from e


def message_deliver(*, message_id: int, now: datetime | None = None) -> bool:
    """Deliver one message if it is due. Returns whether this call did the delivery attempt."""
    return message_deliver_many(message_ids=[message_id], now=now) == 1


BATCH = 100


def _claim_many(ids: list[int], now: datetime) -> list[Message]:
    """Claim every due message among `ids` in one statement pair (the letter needs the victim and the
    officer, so they come with it). On PostgreSQL the rows are locked with
    SKIP LOCKED, so two workers given overlapping batches never both claim a row; on SQLite the
    IMMEDIATE transaction serialises writers."""
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids, status__in=DELIVERABLE, next_attempt_at__lte=now)
            .select_related("crime", "crime__oic", "crime_victim__person")
        )
        if rows:
            Message.objects.filter(pk__in=[m.pk for m in rows]).update(
                status=MessageStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    for m in rows:
        m.status, m.claimed_at, m.attempts = MessageStatus.SENDING, now, m.attempts + 1
    return rows


def message_deliver_many(*, message_ids: list[int], now: datetime | None = None) -> int:
    """Deliver a batch (the sweep's way): one claim for up to BATCH messages, then each is sent and
    recorded exactly as message_deliver does. Returns how many were attempted."""
    now = now or timezone.now()
    done = 0
    for start in range(0, len(message_ids), BATCH):
        for msg in _claim_many(message_ids[start : start + BATCH], now):
            _attempt(msg, now)
            done += 1
    return done


def _attempt(msg: Message, now: datetime) -> None:
    """One delivery attempt of a claimed message: send it, record the outcome."""
    unsafe = still_unsafe(msg)
    if unsafe:
        _failed(msg, unsafe, now)
        return
    try:
        if msg.channel == Channel.PORTAL:
            status, ref = MessageStatus.DELIVERED, ""  # it is in the victim's portal timeline now
        elif msg.channel == Channel.LETTER:
            # Rendered at delivery (dated the day it is printed) and handed to the print queue or Notify.
            result = backend_for(Channel.LETTER).send(
                Outgoing(
                    channel=msg.channel,
                    to=msg.to_address,
                    subject=msg.subject,
                    body=msg.body,
                    reference=str(msg.pk),
                    pdf=_letter_pdf(msg, now),
                )
            )
            status, ref = result.status, result.provider_ref
        else:
            result = backend_for(msg.channel).send(
                Outgoing(
                    channel=msg.channel,
                    to=msg.to_address,
                    subject=msg.subject,
                    body=msg.body,
                    reference=str(msg.pk),
                )
            )
            status, ref = result.status, result.provider_ref
    except PermanentFailure as e:
        _failed(msg, str(e), now)
    except TemporaryFailure as e:
        if msg.attempts >= MAX_ATTEMPTS:
            _failed(msg, f"Gave up after {msg.attempts} attempts: {e}", now)
        else:
            Message.objects.filter(pk=msg.pk, status=MessageStatus.SENDING).update(
                status=MessageStatus.TEMPORARY_FAILURE,
                last_error=str(e)[:500],
                next_attempt_at=retry_at(msg, now),
            )
    else:
        _recorded(lambda: _succeeded(msg, status, ref, now))


# Seconds between tries to record a delivery the provider has accepted: about a minute in all, well
# inside the sending timeout (10 minutes) after which the sweep would try the message again.
RECORD_RETRY_DELAYS = (0.5, 1, 2, 4, 8, 15, 30)


def _recorded(write) -> None:
    """Write the outcome of a send that has happened. If the database went away meanwhile (a restart, a
    failover: seconds), the row would stay `sending` and the sweep would send the message again, so the
    write is retried on a fresh connection instead; only an outage longer than that leaves it to the
    sweep (bench/faults.py, pg_restart_outbox, found a second email that way)."""
    for delay in (*RECORD_RETRY_DELAYS, None):
        try:
            return write()
        except (OperationalError, InterfaceError):
            if delay is None:
                raise
            if not connection.in_atomic_block:
                connection.close()  # the broken connection; the next query opens a new one
            time.sleep(delay)


@transaction.atomic
def _succeeded(msg: Message, status: str, provider_ref: str, now: datetime) -> None:
    fields = {"status": status, "provider_ref": provider_ref[:100], "sent_at": now, "last_error": ""}
    if status == MessageStatus.DELIVERED:
        fields["delivered_at"] = now
    if msg.kind in LINK_KINDS:
        fields["body"] = redact_account_link(msg.body)
    Message.objects.filter(pk=msg.pk).update(**fields)
    if msg.kind != MessageKind.ALERT and msg.channel in CONTENT_CHANNELS:
        # Whoever owns the duty the message was written for decides whether it is met (contacts).
        message_delivered.fire(MessageDelivered(message=msg, at=now))


ACCOUNT_LINK = re.compile(r"/(portal/activate|portal/reset|survey)/[\w-]+/")
LINK_KINDS = {MessageKind.ACCOUNT, MessageKind.SURVEY}  # messages that carry a single-use link


def redact_account_link(body: str) -> str:
    """Once an activation, reset or survey message has gone, its single-use link is removed from our copy,
    so no one reading the outbox (staff, the admin, a database dump) can use it."""
    return ACCOUNT_LINK.sub(r"/\1/(link removed once sent)/", body)


@transaction.atomic
def _failed(msg: Message, error: str, now: datetime) -> None:
    fields = {"status": MessageStatus.PERMANENT_FAILURE, "last_error": error[:500]}
    if msg.kind in LINK_KINDS:
        fields["body"] = redact_account_link(msg.body)
    Message.objects.filter(pk=msg.pk).update(**fields)
    if msg.kind == MessageKind.SURVEY:
        return  # a survey invitation that fails is counted in the results, not put in the officer's inbox
    # The duty stays open; whoever answers for the case is told.
    tell_staff(who_to_tell(msg.crime), messages=[msg], stage=Stage.DELIVERY_FAILED, now=now)


def tell_staff(recipient_ids, *, messages: list[Message], stage: str, now: datetime) -> None:
    """Inbox (and digest) items about messages: one per (message, stage, person), whatever retries do."""
    StaffNotification.objects.bulk_create(
        [
            StaffNotification(
                recipient_id=r, message=m, obligation_id=m.obligation_id, stage=stage, created_at=now
            )
            for m in messages
            for r in recipient_ids
        ],
        ignore_conflicts=True,
    )


def delivery_receipt(*, reference: str, provider_ref: str, status: str, now: datetime | None = None) -> bool:
    """Apply a provider's delivery receipt (e.g. GOV.UK Notify's callback). Returns False if unknown."""
    now = now or timezone.now()
    if not reference.isdigit():
        return False
    msg = Message.objects.select_related("crime").filter(pk=int(reference)).first()
    if msg is None or (provider_ref and msg.provider_ref and provider_ref != msg.provider_ref):
        return False
    if status == "delivered":
        Message.objects.filter(pk=msg.pk).exclude(status=MessageStatus.DELIVERED).update(
            status=MessageStatus.DELIVERED, delivered_at=now
        )
    elif status == "permanent_failure" and msg.status != MessageStatus.PERMANENT_FAILURE:
        _failed(msg, "The provider could not deliver it.", now)
    elif status == "temporary_failure" and msg.status in (MessageStatus.SENT, MessageStatus.SENDING):
        # The provider gave up after its own retries: try again from our side.
        Message.objects.filter(pk=msg.pk).update(
            status=MessageStatus.TEMPORARY_FAILURE,
            next_attempt_at=retry_at(msg, now),
            last_error="The provider reported a temporary failure.",
        )
    return True


def sending_timeout() -> timedelta:
    """How long a claimed message may stay in `sending` before the sweep decides its worker died
    (VC_OUTBOX_SENDING_TIMEOUT_SECONDS, 10 minutes unless the fault tests shorten it)."""
    return timedelta(seconds=settings.VC_OUTBOX_SENDING_TIMEOUT_SECONDS)


def outbox_sweep(now: datetime | None = None) -> list[int]:
    """Return stuck messages to the queue and list every message due for a delivery attempt."""
    now = now or timezone.now()
    Message.objects.filter(status=MessageStatus.SENDING, claimed_at__lt=now - sending_timeout()).update(
        status=MessageStatus.TEMPORARY_FAILURE,
        next_attempt_at=now,
        last_error="The worker stopped while sending; trying again.",
    )
    return list(
        Message.objects.filter(Q(status__in=DELIVERABLE), next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:5000]
    )
