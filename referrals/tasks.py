"""Beat-driven referral work. Thin: each task calls a service that claims one unit atomically and says
whether it did something, so two beats or a retried task never send or remind twice."""

from celery import shared_task
from django.utils import timezone

from . import services, webhooks

BATCH = 500


@shared_task(acks_late=True)
def send_held() -> int:
    """Send opt-out referrals whose hold (a working day for the victim to decline) has passed."""
    now = timezone.now()
    n = 0
    while n < BATCH and services.send_one_held(now=now):
        n += 1
    return n


@shared_task(acks_late=True)
def remind_stale() -> int:
    """One reminder per missed service target (acknowledgement, first contact)."""
    return services.remind_stale(now=timezone.now())


@shared_task(acks_late=True)
def deliver_webhooks() -> int:
    """Deliver due webhook rows (retries with backoff; failures recorded on the row)."""
    now = timezone.now()
    n = 0
    while n < BATCH and webhooks.deliver_one(now=now):
        n += 1
    return n


# A retry with the same Idempotency-Key comes within minutes or hours; a week is ample.
IDEMPOTENCY_DAYS = 7


@shared_task(acks_late=True)
def forget_idempotency_keys() -> int:
    """Delete remembered partner writes older than a week, so the table stays small."""
    from datetime import timedelta

    from .models import IdempotentRequest

    cutoff = timezone.now() - timedelta(days=IDEMPOTENCY_DAYS)
    return IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0]
