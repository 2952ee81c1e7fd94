"""Benchmark of the outbox: messages delivered per second by one real Celery worker, file backends.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_portal .venv/bin/python -m bench.outbox

PostgreSQL only (on anything else it prints a message and skips); needs Redis (broker BENCH_BROKER_URL,
default redis://127.0.0.1:6379/13, a database of its own: its queue is purged). Not part of the test run.
`make bench` runs it on the portal benchmark's database, so the outbox table holds its ~800,000 messages.

Delivery goes to Django's file email backend and the file SMS backend, in a temporary folder (removed
afterwards). Its own small fixture (BCU "ob-01": 5 officers, 100 crimes, one victim each) is created once;
every run first deletes the messages of earlier runs (template code BENCH_OUTBOX).

- outbox_messages_per_second (target >= 200): BENCH_OUTBOX_MESSAGES (default 3,000) email and text alerts,
  half each, are written to the outbox (bulk_create, status queued, due now), then delivered the way
  production does it: the `outbox_sweep` task (beat, every minute) runs on the worker and enqueues one
  `deliver_messages` task per batch of 100 due messages, which the same worker then runs. One worker process
  (`celery worker --pool=solo --concurrency=1`; BENCH_OUTBOX_POOL=prefork for a prefork pool of one), with
  production settings (DEBUG off). Measured from the start of the enqueue to the moment every row is sent
  (or delivered), by polling the database.
- outbox_worker_delivery_per_second: the same run from the first claim to the last (the worker's own pace,
  without start-up, the sweep and polling).
- outbox_inprocess_messages_per_second: for comparison, as many messages delivered by calling
  messaging.outbox.message_deliver in a loop in this process (no broker, no task overhead).
- outbox_queries_per_delivery: SQL statements of one delivery (email; text in outbox_queries_per_sms).
- outbox_worker_db_connections_opened: PostgreSQL sessions opened while the worker delivered (Celery's
  Django fixup closes the database connection before and after every task unless told otherwise).
With BENCH_OUTBOX_PROFILE=1 it also prints a cProfile of the in-process loop (top functions by own time).
"""

import contextlib
import cProfile
import io
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data  # noqa: E402
from cases.constants import CrimeStatus, VictimRole  # noqa: E402
from cases.models import Crime, CrimeVictim, Offence, Person  # noqa: E402
from messaging.constants import DELIVERABLE, Channel, MessageKind, MessageStatus
from messaging.models import Message
from messaging.outbox import message_deliver
from victimcare.accounts.models import BCU  # noqa: E402

MESSAGES = int(os.environ.get("BENCH_OUTBOX_MESSAGES", "3000"))
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
POOL = os.environ.get("BENCH_OUTBOX_POOL", "solo")
PROFILE = os.environ.get("BENCH_OUTBOX_PROFILE", "") == "1"
TIMEOUT = 600  # seconds for the worker to deliver everything
MARK = "BENCH_OUTBOX"  # template_code of the benchmark's messages
CODE, NAME, DOMAIN, REFERENCE_PREFIX = "ob", "Outbox bench", "outbox-bench.police.uk", "OB"
CRIMES = 100
DONE = [MessageStatus.SENT, MessageStatus.DELIVERED]


# --- fixture and messages -------------------------------------------------------------------------------
def fixture() -> list[CrimeVictim]:
    """The benchmark's own victims (created once)."""
    if not BCU.objects.filter(code=f"{CODE}-01").exists():
        offence = Offence.objects.filter(active=True, is_homicide=False).order_by("id").first()
        officers = _data.staff_create(
            code=CODE, name=NAME, domain=DOMAIN, bcus=1, teams_per_bcu=1, officers_per_team=5
        )
        now = timezone.now()
        crimes = Crime.objects.bulk_create(
            [
                Crime(
                    reference=f"{REFERENCE_PREFIX}/{i + 1:07d}/26",
                    offence=offence,
                    occurred_at=now,
                    reported_at=now,
                    recorded_at=now,
                    location="1 Bench Street, Benchford",
                    bcu_id=officers[i % len(officers)].bcu_id,
                    team_id=officers[i % len(officers)].team_id,
                    oic_id=officers[i % len(officers)].id,
                    created_by_id=officers[i % len(officers)].id,
                    status=CrimeStatus.UNDER_INVESTIGATION,
                )
                for i in range(CRIMES)
            ]
        )
        people = Person.objects.bulk_create(
            [
                Person(
                    first_name="Outbox",
                    last_name=f"Victim {i + 1}",
                    match_key=Person.make_match_key("Outbox", f"Victim {i + 1}"),
                    email=f"outbox.victim{i + 1}@example.org",
                    mobile_phone=f"07700 900{i % 1000:03d}",
                    safe_email=True,
                    safe_sms=True,
                )
                for i in range(CRIMES)
            ]
        )
        CrimeVictim.objects.bulk_create(
            [
                CrimeVictim(crime=c, person=p, role=VictimRole.VICTIM, added_by_id=c.oic_id)
                for c, p in zip(crimes, people, strict=True)
            ]
        )
    return list(
        CrimeVictim.objects.filter(crime__bcu__code=f"{CODE}-01").select_related("person").order_by("id")
    )


def queue(victims: list[CrimeVictim], n: int) -> list[int]:
    """n alerts, email and text in turn, due now: the rows message_queue writes, in one bulk insert."""
    now = timezone.now()
    rows = []
    for i in range(n):
        cv = victims[i % len(victims)]
        email = i % 2 == 0
        rows.append(
            Message(
                crime_id=cv.crime_id,
                crime_victim=cv,
                kind=MessageKind.ALERT,
                channel=Channel.EMAIL if email else Channel.SMS,
                template_code=MARK,
                template_version=1,
                to_address=cv.person.email if email else cv.person.mobile_phone,
                subject="You have a new message" if email else "",
                body="You have a new message about your crime report. Sign in to read it: "
                "https://victimcare.example/portal/",
                next_attempt_at=now,
            )
        )
    return [m.pk for m in Message.objects.bulk_create(rows, batch_size=1000)]


def clear() -> None:
    Message.objects.filter(template_code=MARK).delete()


def done_count(ids: list[int]) -> tuple[int, int]:
    """(sent or delivered, failed) among the messages `ids` (one id range: a cheap primary-key scan, so
    that polling takes next to nothing from the worker)."""
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT count(*) FILTER (WHERE status = ANY(%s)), count(*) FILTER (WHERE status = %s)
                FROM {Message._meta.db_table} WHERE id BETWEEN %s AND %s AND template_code = %s""",
            [DONE, MessageStatus.PERMANENT_FAILURE, min(ids), max(ids), MARK],
        )
        return cur.fetchone()


def db_sessions() -> int:
    """Sessions (connections) opened on this database so far (PostgreSQL 14+, else 0)."""
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('server_version_num')::int >= 140000")
        if not cur.fetchone()[0]:
            return 0
        cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cur.fetchone()[0]


def claim_span(ids: list[int]) -> float:
    """Seconds from the first claim to the last."""
    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT extract(epoch FROM max(claimed_at) - min(claimed_at)) FROM {Message._meta.db_table}
                WHERE id BETWEEN %s AND %s AND template_code = %s""",
            [min(ids), max(ids), MARK],
        )
        return float(cur.fetchone()[0] or 0)


# --- the worker -----------------------------------------------------------------------------------------
def celery_app():
    from victimcare.celery import app

    app.conf.broker_url = BROKER  # the benchmark's own broker database, whatever the environment says
    return app


def start_worker(folder: Path, hostname: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "email"),
        "VC_SMS_FILE_PATH": str(folder / "sms"),
        # Production settings: DEBUG off (no query log kept in memory).
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "LOG_LEVEL": "WARNING",
    }
    pool = ["--pool=solo"] if POOL == "solo" else ["--pool=prefork", "--concurrency=1"]
    cmd = [sys.executable, "-m", "celery", "-A", "victimcare", "worker", *pool, "--loglevel=WARNING"]
    cmd += ["--hostname", hostname]
    with open(folder / "worker.log", "w") as log:  # the worker keeps its own handle
        return subprocess.Popen(  # noqa: S603
            cmd, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def worker_failed(folder: Path, why: str) -> SystemExit:
    log = (folder / "worker.log").read_text(errors="replace").splitlines()[-30:]
    return SystemExit(why + "\nLast lines of the worker's log:\n" + "\n".join(log))


def wait_ready(app, proc: subprocess.Popen, hostname: str, folder: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise worker_failed(folder, f"The Celery worker exited with code {proc.returncode}.")
        if app.control.ping(destination=[hostname], timeout=0.5):
            return
    raise worker_failed(folder, "The Celery worker did not start within a minute.")


def stop_worker(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # warm shutdown
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: the worker and its pool child
            proc.wait()


def worker_run(victims: list[CrimeVictim], folder: Path) -> dict:
    from messaging.tasks import outbox_sweep

    app = celery_app()
    app.control.purge()
    hostname = f"bench-outbox-{os.getpid()}@localhost"
    proc = start_worker(folder, hostname)
    try:
        wait_ready(app, proc, hostname, folder)
        clear()
        sessions = db_sessions()
        t0 = time.perf_counter()
        ids = queue(victims, MESSAGES)
        outbox_sweep.delay()
        done = failed = 0
        while done + failed < MESSAGES:
            if time.perf_counter() - t0 > TIMEOUT:
                raise worker_failed(folder, f"Only {done} of {MESSAGES} messages delivered after {TIMEOUT}s.")
            if proc.poll() is not None:
                raise worker_failed(folder, f"The Celery worker exited with code {proc.returncode}.")
            time.sleep(0.05)
            done, failed = done_count(ids)
        elapsed = time.perf_counter() - t0
        sessions = db_sessions() - sessions
    finally:
        stop_worker(proc)
    return {"seconds": elapsed, "done": done, "failed": failed, "span": claim_span(ids), "sessions": sessions}


# --- in process -----------------------------------------------------------------------------------------
def inprocess_run(victims: list[CrimeVictim], folder: Path) -> dict:
    files = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(folder / "email-inprocess"),
        "VC_SMS_FILE_PATH": str(folder / "sms-inprocess"),
    }
    with override_settings(DEBUG=False, **files):
        clear()
        ids = queue(victims, MESSAGES)
        t0 = time.perf_counter()
        for pk in ids:
            message_deliver(message_id=pk)
        elapsed = time.perf_counter() - t0
        done, failed = done_count(ids)
        # Queries of one delivery of each channel.
        email, sms = queue(victims, 2)
        with CaptureQueriesContext(connection) as q_email:
            message_deliver(message_id=email)
        with CaptureQueriesContext(connection) as q_sms:
            message_deliver(message_id=sms)
        profile = None
        if PROFILE:
            clear()
            ids = queue(victims, min(MESSAGES, 1000))
            profiler = cProfile.Profile()
            profiler.enable()
            for pk in ids:
                message_deliver(message_id=pk)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
            profile = out.getvalue()
    return {
        "seconds": elapsed,
        "done": done,
        "failed": failed,
        "queries_email": [q["sql"] for q in q_email.captured_queries],
        "queries_sms": [q["sql"] for q in q_sms.captured_queries],
        "profile": profile,
    }


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"outbox_messages_per_second=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://...)"
        )
        return 0
    victims = fixture()
    others = (
        Message.objects.filter(status__in=DELIVERABLE, next_attempt_at__lte=timezone.now())
        .exclude(template_code=MARK)
        .count()
    )
    print(f"outbox_database={connection.settings_dict['NAME']}")
    print(f"outbox_table_messages={Message.objects.count()}")
    if others:
        print(f"outbox_other_due_messages={others} (the sweep delivers these too)")
    folder = Path(tempfile.mkdtemp(prefix="vc-bench-outbox-"))
    try:
        w = worker_run(victims, folder)
        emails = sum(f.read_text().count("X-Victimcare-Reference:") for f in (folder / "email").glob("*"))
        texts = sum(1 for _ in (folder / "sms").glob("*"))
        print(f"outbox_worker_pool={POOL}")
        print(f"outbox_messages={MESSAGES}")
        print(f"outbox_seconds={w['seconds']:.2f}")
        print(f"outbox_messages_per_second={w['done'] / w['seconds']:.0f}")
        if w["span"]:
            print(f"outbox_worker_delivery_per_second={(w['done'] - 1) / w['span']:.0f}")
        print(f"outbox_delivered={w['done']}")
        print(f"outbox_failed={w['failed']}")
        print(f"outbox_worker_db_connections_opened={w['sessions']}")
        print(f"outbox_written_emails={emails}")
        print(f"outbox_written_texts={texts}")
        p = inprocess_run(victims, folder)
        print(f"outbox_inprocess_seconds={p['seconds']:.2f}")
        print(f"outbox_inprocess_messages_per_second={p['done'] / p['seconds']:.0f}")
        print(f"outbox_queries_per_delivery={len(p['queries_email'])}")
        print(f"outbox_queries_per_sms={len(p['queries_sms'])}")
        if p["profile"]:
            print("outbox_delivery_queries:")
            for sql in p["queries_email"]:
                print(f"  {sql[:160]}")
            print(p["profile"])
    finally:
        clear()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def main() -> int:
    _data.ensure_database()
    call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
