"""Fault runs: real Celery workers and beat, on a PostgreSQL and a Redis of their own, with a fault injected
in each run; then the database and the delivery sinks are counted.

    make faults                                   # or: .venv/bin/python -m bench.faults
    FAULTS_SCENARIOS=worker_kill,two_beats .venv/bin/python -m bench.faults

It starts (and stops and restarts, and leaves running afterwards) its OWN PostgreSQL cluster and Redis
server, never the ones in DATABASE_URL / REDIS_URL: a cluster under FAULTS_DIR (default /tmp/vcfault/pg,
created with initdb on the first run, port FAULTS_PG_PORT, default 5440; FAULTS_PG_BIN names the
PostgreSQL binaries, default /usr/lib/postgresql/15/bin; run as root, it runs them as the `postgres` user)
and `redis-server` on FAULTS_REDIS_PORT (default 6390, no persistence: a restart empties the broker).
The letters scenario mounts a 64 KB tmpfs, so it needs root (without it, it is reported as skipped).
Not part of the test run; each scenario takes two to four minutes.

Each scenario gets a fresh database (a copy of one migrated template) with its own data set: a BCU with
two teams (three officers and a sergeant each, one inspector), one victim per crime, and
- 400 duties coming due during the run's window (FAULTS_WINDOW_SECONDS, default 60): 150 reach their
  reminder time, 150 their deadline (breach: officer and sergeant told) and 100 their second escalation
  (inspector told); the scan on PostgreSQL restart adds 2,000 duties all due at once (one long chunk);
- 286 messages: 100 email alerts, 80 text alerts, 60 letters, 40 portal messages (half due at once, half
  spread over the window) and 6 letters to victims with no postal address (which must fail visibly), plus
  20 messages queued the way a web request does (message_queue in a transaction) during the broker run.
Beat runs the scan every FAULTS_TICK_SECONDS (default 10, through VC_SCAN_INTERVAL_SECONDS) and the outbox
sweep every half tick; a message stuck in "sending" is retried after FAULTS_SENDING_TIMEOUT_SECONDS
(default 120, through VC_OUTBOX_SENDING_TIMEOUT_SECONDS). Each run's database is checkpointed once its
data is loaded, so a crash's recovery takes seconds, as it would on a database in service. Emails, texts
and letters go to file sinks in the run's folder, one file or header per send, named by message id, so a
second send of one message is counted.

Scenarios (FAULTS_SCENARIOS, comma-separated; default all):
- broker_stop: Redis stopped for two beat ticks and restarted empty (every queued task is lost); 20
  messages are queued meanwhile by callers that must not fail.
- pg_restart_scan: PostgreSQL restarted (immediate mode: a crash) while a scan chunk's statement runs.
- pg_restart_outbox: PostgreSQL restarted while a worker is delivering a batch (messages in "sending").
- worker_kill: the worker and its pool SIGKILLed while messages are in "sending"; a new worker started.
- two_beats: two beat schedulers (and two workers) at once for the whole run.
- letters_full: the letters' print queue is a 64 KB tmpfs that fills after a letter or two; after half the
  window it is grown (remount) and the letters must then go, each once.

Counts, one `fault_<scenario>_<name>=value` line each, read from the database and the sinks once the run has
settled (every message in a final state and every duty's stages done, or a time-out):
- duties, duties_notified_once (each stage that fell due was claimed once and told exactly the people
  contacts.scan.AUDIENCES names; a reminder claimed after the deadline tells no one), duplicates
  (notifications beyond that), missed (a stage due but never claimed, or told fewer people);
- digest_duplicates (a duty and stage listed in two digest emails to one person), undigested
  (notifications never emailed);
- messages, delivered_once (sent or delivered, and exactly one send in its sink), failed_visibly (status
  failed, with a reason, and the officer told in the inbox), duplicate_sends (a message sent more than
  once), sent_without_send (marked sent, nothing in its sink), stuck (still queued, sending or retrying),
  failed_after_send (marked failed although it went);
- the fault's own figures (whether it hit what it aimed at, callers that got an error, ...).
The run exits non-zero if any scenario breaks an invariant: duplicates, missed, digest_duplicates,
undigested, duplicate_sends, sent_without_send, stuck or failed_after_send above 0, a message that failed
without a reason or a notice, or a fault that could not be injected.

What the runs found, each fixed with a test in tests/contacts/test_faults.py: with Celery 5.7.0 the worker
exited for good when Redis went away (victimcare.celery.Consumer); every caller that queued a message
while the broker was down got the broker's error after its change had committed (delivery_schedule now
logs one line and leaves the row to the sweep); an email that had gone when PostgreSQL restarted was sent
again by the sweep (messaging.outbox._recorded retries the write for about a minute); and, by the same
path, a letter could be written to the print queue twice (FileLetterBackend knows its letters by id); a
full letters disk kept every failed attempt's half-written .part file (FileLetterBackend removes it).

What they do not prove: a worker killed in the instant between a provider accepting an email or a text and
the row being written still sends that one message twice once the sweep retries it (at-least-once; only a
provider that deduplicates by our reference could close it), and so would a database outage longer than
the minute the worker keeps trying to record a send; the runs measure where the fault happened
to land, and say so (restarted_with_messages_sending, killed_with_messages_sending, ...). The workers run
the code of the checkout the command is started from: with others editing it, run from a clean copy
(`git archive HEAD | tar -x -C DIR`, then `.venv/bin/python -m bench.faults` in DIR with this venv).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIR = Path(os.environ.get("FAULTS_DIR", "/tmp/vcfault"))
PG_BIN = Path(os.environ.get("FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "5440"))
REDIS_PORT = int(os.environ.get("FAULTS_REDIS_PORT", "6390"))
TICK = float(os.environ.get("FAULTS_TICK_SECONDS", "10"))
WINDOW = float(os.environ.get("FAULTS_WINDOW_SECONDS", "60"))
SCENARIOS = [
    "broker_stop",
    "pg_restart_scan",
    "pg_restart_outbox",
    "worker_kill",
    "two_beats",
    "letters_full",
]
SENDING_TIMEOUT = int(os.environ.get("FAULTS_SENDING_TIMEOUT_SECONDS", "120"))
TEMPLATE_DB = "vc_fault_template"
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"


def db_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"


# --- the run's own PostgreSQL and Redis -----------------------------------------------------------------
def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def pg_ctl(*args: str, check: bool = True) -> None:
    cmd = [str(PG_BIN / "pg_ctl"), "-D", str(DIR / "pg"), *args]
    subprocess.run(_as_postgres(cmd), check=check, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


def pg_start() -> None:
    opts = f"-p {PG_PORT} -k {DIR} -c fsync=on -c max_connections=100"
    pg_ctl("-o", opts, "-l", str(DIR / "pg.log"), "-w", "-t", "60", "start")


def pg_restart() -> None:
    """A crash and a restart: immediate mode kills every session at once, without a checkpoint."""
    pg_ctl("-m", "immediate", "-w", "stop")
    pg_start()


def pg_ensure() -> None:
    DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(DIR, "postgres")
    if not (DIR / "pg" / "PG_VERSION").exists():
        subprocess.run(  # noqa: S603
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(DIR / "pg"), "-A", "trust", "-U", "postgres"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    status = subprocess.run(
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(DIR / "pg"), "status"]), capture_output=True
    )  # noqa: S603
    if status.returncode != 0:
        pg_start()


def redis_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["redis-cli", "-p", str(REDIS_PORT), *args], capture_output=True, text=True, timeout=10
    )


def redis_up() -> bool:
    with contextlib.suppress(subprocess.TimeoutExpired, FileNotFoundError):
        return redis_cli("ping").stdout.strip() == "PONG"
    return False


def redis_start() -> None:
    if redis_up():
        return
    subprocess.run(  # noqa: S603
        ["redis-server", "--port", str(REDIS_PORT), "--daemonize", "yes", "--save", "", "--appendonly", "no"]
        + ["--dir", str(DIR), "--logfile", str(DIR / "redis.log"), "--pidfile", str(DIR / "redis.pid")],
        check=True,
    )
    for _ in range(100):
        if redis_up():
            return
        time.sleep(0.1)
    raise SystemExit(f"Redis did not start on port {REDIS_PORT}")


def redis_stop() -> None:
    redis_cli("shutdown", "nosave")
    for _ in range(100):
        if not redis_up():
            return
        time.sleep(0.1)


def admin_sql(*statements: str, db: str = "postgres") -> None:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=PG_PORT, user="postgres", dbname=db)
    conn.autocommit = True
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    conn.close()


def fresh_database(name: str) -> None:
    admin_sql(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE_DB}'
    )


def make_template() -> None:
    """One migrated database that every scenario's database is copied from."""
    admin_sql(f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE_DB}")
    env = {**os.environ, "DATABASE_URL": db_url(TEMPLATE_DB), "REDIS_URL": REDIS_URL}
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


# --- the parent: services, template, one child process per scenario -------------------------------------
def main() -> int:
    wanted = [s for s in os.environ.get("FAULTS_SCENARIOS", ",".join(SCENARIOS)).split(",") if s]
    unknown = set(wanted) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"Unknown scenario(s) {sorted(unknown)}; choose from {SCENARIOS}")
    pg_ensure()
    redis_start()
    make_template()
    failed = []
    for name in wanted:
        database = f"vc_fault_{name}"
        fresh_database(database)
        redis_cli("flushall")
        env = {**os.environ, "DATABASE_URL": db_url(database), "REDIS_URL": REDIS_URL}
        env.pop("CELERY_BROKER_URL", None)
        child = subprocess.run([sys.executable, "-m", "bench.faults", name], cwd=ROOT, env=env)  # noqa: S603
        if child.returncode != 0:
            failed.append(name)
        # A scenario may leave the services stopped if it failed half-way.
        pg_ensure()
        redis_start()
    print(f"fault_scenarios_run={len(wanted)}")
    print(f"fault_scenarios_failed={len(failed)}{' (' + ', '.join(failed) + ')' if failed else ''}")
    return 1 if failed else 0


# --- the child: one scenario ------------------------------------------------------------------------------
def scenario_main(name: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    return Run(name).go()


class Run:
    def __init__(self, name: str):
        from django.utils import timezone

        self.name = name
        self.folder = DIR / "runs" / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.letters = self.folder / "letters"
        self.letters.mkdir()
        self.procs: dict[str, subprocess.Popen] = {}
        self.figures: dict[str, object] = {}
        self.failures: list[str] = []
        self.t0 = timezone.now() + timedelta(seconds=15)  # the workers and beat have started by then
        self.mounted = False

    # -- output --
    def out(self, key: str, value) -> None:
        self.figures[key] = value
        print(f"fault_{self.name}_{key}={value}", flush=True)

    def must_be_zero(self, key: str, value: int) -> None:
        self.out(key, value)
        if value:
            self.failures.append(key)

    # -- processes --
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_RESULT_BACKEND": "",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "fault-runs-only-not-secret"),
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.folder / "email"),
            "VC_SMS_FILE_PATH": str(self.folder / "sms"),
            "VC_LETTER_FILE_PATH": str(self.letters),
            "VC_SCAN_INTERVAL_SECONDS": str(TICK),
            "VC_OUTBOX_SWEEP_SECONDS": str(TICK / 2),
            # Longer than the minute a worker keeps trying to record a send while the database is away.
            "VC_OUTBOX_SENDING_TIMEOUT_SECONDS": str(SENDING_TIMEOUT),
        }

    def start(self, key: str, kind: str) -> None:
        cmd = [sys.executable, "-m", "celery", "-A", "victimcare"]
        if kind == "worker":
            cmd += ["worker", "--pool=prefork", "--concurrency=2", "--without-gossip", "--without-mingle"]
            cmd += ["--hostname", f"{key}-{self.name}@%h", "--loglevel=WARNING"]
        else:
            cmd += ["beat", "--schedule", str(self.folder / f"{key}-schedule"), "--loglevel=INFO"]
            cmd += ["--pidfile", ""]
        log = open(self.folder / f"{key}.log", "a")  # noqa: SIM115 - the process keeps its own handle
        self.procs[key] = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, key: str, sig=signal.SIGKILL) -> None:
        proc = self.procs.pop(key)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for key in list(self.procs):
            self.kill(key, signal.SIGTERM)

    def exited(self) -> list[str]:
        return [k for k, p in self.procs.items() if p.poll() is not None]

    # -- database helpers that survive a PostgreSQL restart --
    def q(self, sql: str, params=()):
        from django.db import connection
        from django.db.utils import InterfaceError, OperationalError

        for _ in range(120):
            try:
                with connection.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.fetchall() if cur.description else []
            except (OperationalError, InterfaceError):
                connection.close()
                time.sleep(0.5)
        raise SystemExit("The database did not come back within a minute.")

    def at(self, offset: float) -> datetime:
        return self.t0 + timedelta(seconds=offset)

    def sleep_until(self, offset: float) -> None:
        from django.utils import timezone

        wait = (self.at(offset) - timezone.now()).total_seconds()
        if wait > 0:
            time.sleep(wait)

    # -- the run --
    def go(self) -> int:
        from bench.faults_data import build

        if self.name == "letters_full" and not self.mount_full():
            self.out("skipped", "needs root to mount a small tmpfs")
            return 0
        try:
            self.world = build(self.t0, WINDOW, big_scan=self.name == "pg_restart_scan")
            self.out("duties", len(self.world.obligations))
            # As a running database would have (checkpoint_timeout is 5 minutes): otherwise crash recovery
            # replays the copy of the whole template, and a restart takes half a minute instead of seconds.
            self.q("CHECKPOINT")
            self.start("worker1", "worker")
            self.start("beat1", "beat")
            if self.name == "two_beats":
                self.start("worker2", "worker")
                self.start("beat2", "beat")
            getattr(self, f"fault_{self.name}")()
            self.settle()
            self.stop_all()
            self.count()  # before the letters' tmpfs goes
        finally:
            self.stop_all()
            if self.mounted:
                subprocess.run(["umount", str(self.letters)], check=False)  # noqa: S603, S607
        if self.failures:
            self.out("broken", ",".join(self.failures))
        return 1 if self.failures else 0

    def settle(self) -> None:
        """Wait until every stage that fell due in the window is claimed, every message is final and every
        notification emailed, or until the time-out (each miss is then counted, not waited for)."""
        from bench.faults_data import DELIVERY_FINAL

        self.sleep_until(WINDOW + TICK)
        limit = time.monotonic() + WINDOW + 12 * TICK + 120
        ids = self.world.obligation_ids
        msgs = self.world.message_ids()
        while time.monotonic() < limit:
            (left,) = self.q(
                """SELECT count(*) FROM contacts_obligation WHERE id = ANY(%s) AND state = 'open' AND (
                   (reminded_at IS NULL AND remind_at <= now()) OR (breached_at IS NULL AND due_at < now())
                   OR (breached_at IS NOT NULL AND escalated_at IS NULL AND escalate_at <= now()))""",
                [ids],
            )[0]
            (pending,) = self.q(
                "SELECT count(*) FROM contacts_message WHERE id = ANY(%s) AND NOT status = ANY(%s)",
                [msgs, DELIVERY_FINAL],
            )[0]
            (unmailed,) = self.q("SELECT count(*) FROM contacts_staffnotification WHERE emailed_at IS NULL")[
                0
            ]
            if not (left or pending or unmailed):
                break
            for key in self.exited():
                self.out(f"{key}_exited", self.procs[key].returncode)
                self.failures.append(f"{key}_exited")
                self.procs.pop(key)
            time.sleep(1)
        # Let a digest that is being written finish before the sinks are read.
        time.sleep(2)

    def count(self) -> None:
        from bench.faults_data import count

        for key, value in count(self.world, self.folder).items():
            if key in {
                "duplicates",
                "missed",
                "digest_duplicates",
                "undigested",
                "duplicate_sends",
                "sent_without_send",
                "stuck",
                "failed_after_send",
                "failed_invisibly",
                "letter_parts_left",
            }:
                self.must_be_zero(key, value)
            else:
                self.out(key, value)

    # -- the faults --
    def fault_broker_stop(self) -> None:
        from django.db import transaction

        from bench.faults_data import queue_like_a_request

        self.sleep_until(1.5 * TICK)
        redis_stop()
        stopped = time.monotonic()
        errors = 0
        for i in range(20):
            try:
                with transaction.atomic():
                    queue_like_a_request(self.world, i)
            except Exception as e:  # noqa: BLE001 - counted: a caller must never see the broker's outage
                errors += 1
                if errors == 1:
                    self.out("caller_error_example", repr(e)[:160].replace("\n", " "))
        self.out("caller_errors", errors)
        if errors:
            self.failures.append("caller_errors")
        time.sleep(max(0.0, 2 * TICK + 1 - (time.monotonic() - stopped)))
        self.out("broker_down_seconds", round(time.monotonic() - stopped, 1))
        redis_start()

    def _wait_for(self, sql: str, until: float, params=()) -> int:
        """Poll until `sql` counts something (returns the count) or the window closes (returns 0)."""
        while time.monotonic() < until:
            (n,) = self.q(sql, params)[0]
            if n:
                return n
            time.sleep(0.005)
        return 0

    def fault_pg_restart_scan(self) -> None:
        # The 2,000 duties due together make the scan's chunk statement run long enough to be hit.
        self.sleep_until(WINDOW / 2 - 1)
        hit = self._wait_for(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%%WITH due AS%%'"
            " AND pid <> pg_backend_pid()",
            time.monotonic() + 4 * TICK,
        )
        if hit:
            pg_restart()
            (marked,) = self.q(
                "SELECT count(*) FROM contacts_obligation WHERE id = ANY(%s) AND reminded_at IS NOT NULL",
                [self.world.big_ids],
            )[0]
            self.out("big_chunk_marked_after_restart", marked)
        self.out("restarted_during_scan_chunk", int(bool(hit)))
        if not hit:
            self.failures.append("restarted_during_scan_chunk")

    def fault_pg_restart_outbox(self) -> None:
        n = self._wait_for(
            "SELECT count(*) FROM contacts_message WHERE status = 'sending'", time.monotonic() + WINDOW
        )
        if n:
            pg_restart()
        self.out("restarted_with_messages_sending", n)
        if not n:
            self.failures.append("restarted_with_messages_sending")

    def fault_worker_kill(self) -> None:
        n = self._wait_for(
            "SELECT count(*) FROM contacts_message WHERE status = 'sending' AND channel = 'letter'",
            time.monotonic() + WINDOW,
        )
        if n:
            self.kill("worker1")
            time.sleep(2)
            self.start("worker1", "worker")
        self.out("killed_with_messages_sending", n)
        if not n:
            self.failures.append("killed_with_messages_sending")

    def fault_two_beats(self) -> None:
        self.out("beats", 2)

    def mount_full(self) -> bool:
        if os.geteuid() != 0:
            return False
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(self.letters)]).returncode  # noqa: S603, S607
        self.mounted = ok == 0
        return self.mounted

    def fault_letters_full(self) -> None:
        self.sleep_until(WINDOW / 2)
        (failed_while_full,) = self.q(
            "SELECT count(*) FROM contacts_message WHERE id = ANY(%s) AND status = 'temporary_failure'"
            " AND last_error LIKE %s",
            [self.world.message_ids(), "%print queue%"],
        )[0]
        (sent_while_full,) = self.q(
            "SELECT count(*) FROM contacts_message WHERE id = ANY(%s) AND channel = 'letter'"
            " AND status IN ('sent', 'delivered')",
            [self.world.message_ids()],
        )[0]
        self.out("letters_waiting_to_retry_while_full", failed_while_full)
        self.out("letters_sent_while_full", sent_while_full)
        if not failed_while_full:
            self.failures.append("letters_waiting_to_retry_while_full")
        subprocess.run(["mount", "-o", "remount,size=64m", str(self.letters)], check=True)  # noqa: S603, S607


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(scenario_main(sys.argv[1]))
    sys.exit(main())
