"""A real Celery worker, on the real Redis broker, against the real PostgreSQL test database."""

import os
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.workers import start_worker, stop_worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_processes_a_task(redis_url):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL so the worker process can share the test database")
    from victimcare.core.models import Heartbeat

    s = connection.settings_dict
    db_url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url}
    worker = start_worker(env=env, queues="pytest-worker", hostname="pytest@%h")
    try:
        from celery import Celery

        sender = Celery(broker=redis_url)
        sender.send_task("victimcare.core.tasks.heartbeat", args=["pytest-worker"], queue="pytest-worker")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Heartbeat.objects.filter(name="pytest-worker").exists():
            assert worker.poll() is None, worker.stdout.read().decode()
            time.sleep(0.5)
        assert Heartbeat.objects.filter(name="pytest-worker").exists(), "the worker did not run the task"
    finally:
        stop_worker(worker)
