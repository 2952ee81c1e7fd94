"""The scan under real concurrency, against PostgreSQL: two processes ticking at once, a worker killed
mid-chunk, and a real Celery worker on Redis. Each (obligation, stage, recipient) is notified exactly once
and every stage timestamp is set once, by the process that wrote its notifications."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from contacts.constants import ObligationState
from contacts.models import Obligation
from messaging.constants import Stage
from messaging.models import StaffNotification
from tests.factories import CrimeFactory, UserFactory
from tests.workers import start_worker, stop_worker
from victimcare.accounts.constants import Role

from .support import NOW, bulk_obligations

ROOT = Path(__file__).resolve().parents[2]
N = 3000
MARKS = {Stage.REMINDER: "reminded_at", Stage.BREACH: "breached_at", Stage.ESCALATION: "escalated_at"}

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL so other processes can share the test database (set DATABASE_URL)")


def child_env(**extra) -> dict[str, str]:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    db_url = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "victimcare.settings", **extra})
    return env


@pytest.fixture
def world(org, officer, colleague, supervisor, inspector):
    """N obligations, all past their reminder, deadline and escalation time, across cases with different
    owners (including none) in two teams, one of them without a supervisor."""
    a2_officer = UserFactory(role=Role.OFFICER, team=org["team_a2"])
    owners = [
        (officer, officer.team),
        (colleague, colleague.team),
        (None, officer.team),
        (a2_officer, org["team_a2"]),
    ]
    per = N // 10
    for i in range(10):
        owner, team = owners[i % len(owners)]
        crime = CrimeFactory(team=team, oic=owner, status="allocated" if owner else "recorded")
        bulk_obligations(
            crime=crime,
            cv=crime.victims.get(),
            n=per,
            remind_at=NOW - timedelta(days=3, minutes=i),
            due_at=NOW - timedelta(days=2, minutes=i),
            escalate_at=NOW - timedelta(hours=1, minutes=i),
            owner=owner,
        )
    # closed rows that must never be touched
    crime = CrimeFactory(team=officer.team, oic=officer, status="allocated")
    bulk_obligations(
        crime=crime,
        cv=crime.victims.get(),
        n=50,
        remind_at=NOW - timedelta(days=3),
        due_at=NOW - timedelta(days=2),
        escalate_at=NOW - timedelta(hours=1),
        owner=officer,
        state=ObligationState.MET,
        met_at=NOW - timedelta(days=1),
    )
    assert Obligation.objects.filter(state=ObligationState.OPEN).count() == N
    return {"supervisors": {org["team_a1"].id: [supervisor.id]}, "inspectors": [inspector.id]}


def expected_notifications(world) -> set[tuple[int, str, int]]:
    """What the rules say each obligation should produce (computed here independently of scan.py)."""
    out = set()
    rows = Obligation.objects.filter(state=ObligationState.OPEN).values_list(
        "id", "owner_id", "crime__team_id", "due_at"
    )
    for ob_id, owner_id, team_id, due_at in rows:
        sups = world["supervisors"].get(team_id, [])
        # No "due soon" for a duty already overdue when the ticks reach it (they all run after NOW).
        reminder = ([owner_id] if owner_id else sups) if due_at >= NOW else []
        breach = ([owner_id] if owner_id else []) + (sups or world["inspectors"])
        for stage, targets in ((Stage.REMINDER, reminder), (Stage.BREACH, breach)):
            out |= {(ob_id, stage, t) for t in targets}
        out |= {(ob_id, Stage.ESCALATION, t) for t in world["inspectors"]}
    return out


def assert_exactly_once(world, allowed_nows):
    expected = expected_notifications(world)
    rows = list(StaffNotification.objects.values_list("obligation_id", "stage", "recipient_id", "created_at"))
    keys = [r[:3] for r in rows]
    assert len(keys) == len(set(keys)), "an (obligation, stage, recipient) was notified twice"
    assert set(keys) == expected
    marks = {
        ob_id: dict(zip(MARKS.values(), values, strict=True))
        for ob_id, *values in Obligation.objects.filter(state=ObligationState.OPEN).values_list(
            "id", *MARKS.values()
        )
    }
    assert len(marks) == N
    for ob_id, stage, _recipient, created_at in rows:
        # the notification was written by the claimant that set the stage's timestamp
        assert marks[ob_id][MARKS[stage]] == created_at
    for stamps in marks.values():
        assert all(v in allowed_nows for v in stamps.values())
    untouched = Obligation.objects.exclude(state=ObligationState.OPEN)
    assert not untouched.filter(reminded_at__isnull=False).exists()
    assert not StaffNotification.objects.filter(obligation__in=untouched).exists()


TICK = """
import json, sys, time
import django
django.setup()
from datetime import datetime
from contacts import scan
now, start, chunk = datetime.fromisoformat(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
while time.time() < start:
    time.sleep(0.002)
print(json.dumps(scan.tick(now, chunk=chunk)))
"""


def test_two_processes_ticking_at_once_notify_exactly_once(world):
    nows = [NOW, NOW + timedelta(microseconds=1)]
    start = time.time() + 4  # both import Django first, then start together
    procs = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", TICK, now.isoformat(), str(start), "100"],
            cwd=ROOT,
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for now in nows
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    # every obligation was claimed for every stage by exactly one of the two
    for stage in MARKS:
        assert sum(r[stage] for r in results) == N, results
    assert_exactly_once(world, set(nows))
    # and a third tick finds nothing
    from contacts import scan

    assert scan.tick(NOW + timedelta(minutes=1)) == {
        Stage.REMINDER: 0,
        Stage.BREACH: 0,
        Stage.ESCALATION: 0,
        Stage.ABSENCE: 0,
    }


KILLED = """
import sys, time
import django
django.setup()
from datetime import datetime
from contacts import scan

def hang(stage, n):  # called after the claim and its notifications, before the commit
    print("claimed", n, flush=True)
    time.sleep(600)

scan._claimed = hang
scan.run_chunk(scan.Stage.REMINDER, datetime.fromisoformat(sys.argv[1]), 500)
"""


def test_a_worker_killed_mid_chunk_loses_nothing_and_duplicates_nothing(world):
    from contacts import scan

    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", KILLED, NOW.isoformat()],
        cwd=ROOT,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        # (never read the child's stderr here: it is still running and would block the test)
        assert line.startswith("claimed 500"), line
        # while it holds its chunk, another claimant skips those rows and takes the rest
        assert scan.run_stage(Stage.REMINDER, NOW + timedelta(microseconds=1), chunk=1000) == N - 500
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    # the killed transaction rolls back its claim; the next tick picks the rows up (once the server has
    # noticed the dead connection and released its locks)
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and Obligation.objects.filter(state=ObligationState.OPEN, reminded_at__isnull=True).exists()
    ):
        scan.run_stage(Stage.REMINDER, NOW + timedelta(microseconds=2))
        time.sleep(0.2)
    scan.tick(NOW + timedelta(microseconds=2))
    assert_exactly_once(world, {NOW + timedelta(microseconds=d) for d in (1, 2)})
    assert not Obligation.objects.filter(reminded_at=NOW).exists()


# --- a real Celery worker -------------------------------------------------------------------------
def wait_for(predicate, worker, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if worker.poll() is not None:
            pytest.fail(f"the worker died: {worker.stdout.read()}")
        time.sleep(0.3)
    return predicate()


@pytest.mark.redis
def test_real_celery_worker_runs_the_scan_and_the_digest(world, redis_url):
    from celery import Celery

    queue = f"contacts-pytest-{os.getpid()}"
    # scan_tick fans scan_stage (and send_digests fans send_digest) out on the default queue, so the
    # worker listens there too.
    worker = start_worker(
        env=child_env(
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        queues=f"{queue},celery",
        hostname=f"{queue}@%h",
        heartbeat=False,
        text=True,
    )
    try:
        sender = Celery(broker=redis_url)
        expected = expected_notifications(world)
        first = {k for k in expected if k[1] != Stage.ESCALATION}
        sender.send_task("contacts.tasks.scan_tick", args=[NOW.isoformat()], queue=queue)
        assert wait_for(lambda: StaffNotification.objects.count() >= len(first), worker), (
            StaffNotification.objects.count(),
            len(first),
        )
        # the first tick only saw breaches still to come, so escalations follow on the next tick
        sender.send_task("contacts.tasks.scan_tick", args=[NOW.isoformat()], queue=queue)
        assert wait_for(lambda: StaffNotification.objects.count() >= len(expected), worker)
        # a stage task sent straight to our queue finds nothing left to do
        sender.send_task("contacts.tasks.scan_stage", args=[Stage.REMINDER, NOW.isoformat()], queue=queue)
        sender.send_task("contacts.tasks.send_digests", queue=queue)
        assert wait_for(
            lambda: not StaffNotification.objects.filter(emailed_at__isnull=True).exists(), worker
        )
        assert_exactly_once(world, {NOW})
    finally:
        stop_worker(worker)
