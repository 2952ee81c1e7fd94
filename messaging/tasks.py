"""Thin Celery tasks of the outbox: ids in, one service call out."""

from celery import shared_task


# Task names are kept from when the outbox lived in contacts, so tasks already queued still run.
@shared_task(name="contacts.tasks.deliver_message", acks_late=True)
def deliver_message(message_id: int) -> bool:
    from messaging.outbox import message_deliver

    return message_deliver(message_id=message_id)


@shared_task(name="contacts.tasks.deliver_messages", acks_late=True)
def deliver_messages(message_ids: list[int]) -> int:
    from messaging.outbox import message_deliver_many

    return message_deliver_many(message_ids=message_ids)


@shared_task(name="contacts.tasks.outbox_sweep", acks_late=True)
def outbox_sweep() -> int:
    """The database is the source of truth: whatever a lost task did not deliver (retries, held texts,
    a broker outage) is queued again here, in batches so one worker gets through hundreds a second."""
    from messaging.outbox import BATCH
    from messaging.outbox import outbox_sweep as sweep

    ids = sweep()
    for start in range(0, len(ids), BATCH):
        deliver_messages.delay(ids[start : start + BATCH])
    return len(ids)
