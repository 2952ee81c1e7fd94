"""Delivering webhook rows (the outbox written by referrals.services.webhook_enqueue), signed per the
Standard Webhooks convention. Filled in by the partner API work."""

from datetime import datetime


def deliver_one(*, now: datetime) -> bool:
    """Claim one due row, post it, record the result. Returns whether there was one."""
    return False
