"""Thin Celery tasks of the portal: values in, one service call out."""

from datetime import date, datetime

from celery import shared_task


@shared_task(name="portal.tasks.reset_send", acks_late=True)
def reset_send(reference: str, date_of_birth: str | None, now: str) -> None:
    from portal.services.accounts import reset_send as send

    send(
        reference=reference,
        date_of_birth=date.fromisoformat(date_of_birth) if date_of_birth else None,
        now=datetime.fromisoformat(now),
    )
