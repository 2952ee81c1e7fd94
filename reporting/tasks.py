"""Beat work: fold the roll-up's pending deltas into its cells (figures are exact without it; it keeps
the deltas that every read adds up few)."""

from celery import shared_task

from . import rollup


@shared_task(acks_late=True)
def fold_deltas() -> int:
    return rollup.fold()
