"""Celery application and the one beat schedule."""

import os

import celery.worker.consumer
from celery import Celery
from celery.schedules import crontab
from celery.signals import task_prerun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")

app = Celery("victimcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class Consumer(celery.worker.consumer.Consumer):
    """The worker's consumer, surviving a broker outage.

    Celery 5.7.0, on losing the broker, first collects the broken connection (which drops its transport)
    and then closes it again; with the Redis transport that second close asks the dropped transport for
    its address and raises AttributeError, which Celery treats as unrecoverable: the worker exits instead
    of reconnecting (bench/faults.py, broker_stop). The connection is already released by then, so the
    error is ignored, as the close's own connection errors are."""

    def on_connection_error_after_connected(self, exc):
        connection = self.connection
        if connection is not None:
            close = connection.close

            def close_once_collected():
                try:
                    close()
                except AttributeError:
                    # Only the collected-twice case (collect() leaves no transport); anything else is a bug.
                    if connection._transport is not None:
                        raise

            connection.close = close_once_collected
        super().on_connection_error_after_connected(exc)


app.conf.worker_consumer = "victimcare.celery:Consumer"


@task_prerun.connect
def _fresh_enough_connections(**kwargs):
    """With connections reused across tasks (CELERY_DB_REUSE_MAX), drop any that are past CONN_MAX_AGE or
    broken, as Django does between requests."""
    from django.db import close_old_connections

    close_old_connections()


app.conf.beat_schedule = {
    # Proves the worker and beat are alive; the health page shows the last beat.
    "heartbeat": {"task": "victimcare.core.tasks.heartbeat", "schedule": 60.0},
    # Victims' Code deadlines: reminders before, escalations after (contacts/scan.py).
    "vcop-scan": {"task": "contacts.tasks.scan_tick", "schedule": settings.VC_SCAN_INTERVAL_SECONDS},
    # One email per person per run with everything not yet emailed.
    "vcop-digest": {"task": "contacts.tasks.send_digests", "schedule": crontab(minute="*/5")},
    # Victim messages: retries, and anything a lost task did not deliver.
    "outbox-sweep": {"task": "contacts.tasks.outbox_sweep", "schedule": settings.VC_OUTBOX_SWEEP_SECONDS},
    # Referrals: opt-out referrals go once the victim has had a working day to decline; services are
    # reminded of missed targets; webhooks are delivered and retried.
    "referrals-send": {"task": "referrals.tasks.send_held", "schedule": 300.0},
    "referrals-remind": {"task": "referrals.tasks.remind_stale", "schedule": crontab(minute=7)},
    "referrals-webhooks": {"task": "referrals.tasks.deliver_webhooks", "schedule": 30.0},
    # The compliance roll-up: fold the deltas the duty triggers wrote into the cells.
    "reporting-fold": {"task": "reporting.tasks.fold_deltas", "schedule": 60.0},
    # Surveys: invite victims a while after a milestone (in the morning, inside the texting hours), and
    # remind once those who have not answered.
    "surveys-invite": {"task": "surveys.tasks.send_invitations", "schedule": crontab(minute=15, hour=10)},
    "surveys-remind": {"task": "surveys.tasks.send_reminders", "schedule": crontab(minute=45, hour=10)},
    # Dip sampling: last month's random sample of every team's cases, on the first of the month.
    "surveys-dip-samples": {
        "task": "surveys.tasks.draw_dip_samples",
        "schedule": crontab(minute=30, hour=6, day_of_month=1),
    },
    "referrals-forget-idempotency-keys": {
        "task": "referrals.tasks.forget_idempotency_keys",
        "schedule": crontab(minute=41, hour=3),
    },
    # Rebuilds nothing, deletes nothing: sweeps expired sessions so the table stays small.
    "clear-expired-sessions": {
        "task": "victimcare.core.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
}
