"""Celery application and the one beat schedule."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")

app = Celery("victimcare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
    "vcop-scan": {"task": "contacts.tasks.scan_tick", "schedule": 120.0},
    # One email per person per run with everything not yet emailed.
    "vcop-digest": {"task": "contacts.tasks.send_digests", "schedule": crontab(minute="*/5")},
    # Victim messages: retries, and anything a lost task did not deliver.
    "outbox-sweep": {"task": "contacts.tasks.outbox_sweep", "schedule": 60.0},
    # Rebuilds nothing, deletes nothing: sweeps expired sessions so the table stays small.
    "clear-expired-sessions": {
        "task": "victimcare.core.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
}
