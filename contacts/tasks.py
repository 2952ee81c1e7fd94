"""Beat-driven work. Tasks are thin: they parse arguments and call the scan/digest services, which are
idempotent and claim their work atomically (see contacts/scan.py)."""

import math
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import digest, scan
from .constants import Stage

MAX_FANOUT = 16


@shared_task(acks_late=True)
def scan_tick(now_iso: str | None = None) -> dict[str, int]:
    """Fan each stage out to as many chunk tasks as its backlog needs; workers share the rows through
    SKIP LOCKED, so more workers make a large tick faster. The absence check is small and runs here."""
    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    queued = {}
    for stage in (Stage.REMINDER, Stage.BREACH, Stage.ESCALATION):
        backlog = scan.pending(stage, now)
        n = min(MAX_FANOUT, math.ceil(backlog / scan.CHUNK))
        for _ in range(n):
            scan_stage.delay(stage, now.isoformat())
        queued[stage] = n
    queued[Stage.ABSENCE] = scan.absence_check(now)
    # Email what this run found once its chunks have had time to finish; the beat's own digest entry
    # catches anything later (a digest only ever takes notifications not yet emailed).
    send_digests.apply_async(countdown=30)
    return queued


@shared_task(acks_late=True)
def scan_stage(stage: str, now_iso: str) -> int:
    return scan.run_stage(stage, datetime.fromisoformat(now_iso))


@shared_task(acks_late=True)
def send_digests() -> int:
    recipients = digest.digest_recipients()
    for rid in recipients:
        send_digest.delay(rid)
    return len(recipients)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_digest(recipient_id: int) -> int:
    return digest.digest_send(recipient_id=recipient_id)


@shared_task(acks_late=True)
def deliver_message(message_id: int) -> bool:
    from .messaging.outbox import message_deliver

    return message_deliver(message_id=message_id)


@shared_task(acks_late=True)
def deliver_messages(message_ids: list[int]) -> int:
    from .messaging.outbox import message_deliver_many

    return message_deliver_many(message_ids=message_ids)


@shared_task(acks_late=True)
def outbox_sweep() -> int:
    """The database is the source of truth: whatever a lost task did not deliver (retries, held texts,
    a broker outage) is queued again here, in batches so one worker gets through hundreds a second."""
    from .messaging.outbox import BATCH
    from .messaging.outbox import outbox_sweep as sweep

    ids = sweep()
    for start in range(0, len(ids), BATCH):
        deliver_messages.delay(ids[start : start + BATCH])
    return len(ids)
