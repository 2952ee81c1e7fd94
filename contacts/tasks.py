"""Beat-driven work. Tasks are thin: they parse arguments and call the scan/digest services, which are
idempotent and claim their work atomically (see contacts/scan.py)."""

import math
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from messaging.constants import Stage

from . import digest, scan

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
