import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_deploy_check():
    r = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-1234567890",
        ALLOWED_HOSTS="victimcare.example.police.uk",
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_production_refuses_to_start_without_secret_key():
    r = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="x")
    assert r.returncode != 0 and "SECRET_KEY must be set" in r.stderr


@pytest.mark.django_db
def test_health(client):
    r = client.get(reverse("health"))
    assert r.status_code == 200 and r.json()["database"] == "ok"


@pytest.mark.django_db
def test_heartbeat_task_runs_in_process():
    from victimcare.core.models import Heartbeat
    from victimcare.core.tasks import heartbeat

    heartbeat("unit")
    heartbeat("unit")
    assert Heartbeat.objects.filter(name="unit").count() == 1


def test_beat_schedule_names_real_tasks():
    from victimcare.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.django_db
def test_api_schema_and_docs(client, officer):
    client.force_login(officer)
    assert client.get("/api/schema/").status_code == 200
    r = client.get("/api/docs/")
    assert r.status_code == 200 and b"swagger" in r.content.lower()


def test_favicon_for_pages_without_a_link_to_it(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("favicon.ico")
