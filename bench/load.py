"""Load test: gunicorn in the production configuration against PostgreSQL and Redis, driven by locust
(headless) with staff and portal users pausing between(5, 15) seconds between actions, as people do.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_portal REDIS_URL=redis://127.0.0.1:6379/13 \\
        .venv/bin/python -m bench.load

`make bench` runs it last, on the portal benchmark's database (1,000,000 crimes, bench/portal.py), with the
issue's figures by default: LOAD_STAFF=200 staff users, LOAD_PORTAL=500 portal users, LOAD_SECONDS=600 of
full load. That is ten minutes (plus about two for start-up and the ramp-up); LOAD_SECONDS=0 skips it
(`LOAD_SECONDS=0 make bench`), and smaller figures give a quick run (LOAD_STAFF=20 LOAD_PORTAL=50
LOAD_SECONDS=60). PostgreSQL only: on anything else it prints "skipped". Not part of the test run.

What it does:

1. Migrates (forward only, as a deployment would) and changes no existing data of its own accord.
2. Picks the users from the database: officers and supervisors (about 15% supervisors; never
   administrators or any role that must use two-factor sign-in), officers with cases first, spread over
   teams; and crime-victims whose portal account is active (bench.portal's data set has 100,000). With
   fewer people than users, people are reused (several sessions each).
3. Signs them in without the sign-in forms. Staff and portal sign-in are rate-limited and locked out per
   address (accounts.services.sign_in_attempt, the portal's sign-in, core.limits), and every load user
   comes from 127.0.0.1, so 700 sign-ins through the forms would be locked out, rightly; bench staff have
   unusable passwords anyway. So each staff session is made as Client.force_login makes it (django.contrib.
   auth.login on a session of the configured engine), and each portal session by the portal's own
   portal.session.start, as its sign-in does after checking the password. The sessions are handed to
   locust and deleted afterwards. The limits themselves are untouched.
4. Collects the static files into a temporary folder and starts gunicorn as production runs it: DEBUG=0,
   the manifest static storage, a fresh SECRET_KEY, sync workers (LOAD_WORKERS, default 2 x CPUs + 1, the
   count gunicorn's documentation suggests: 5 on 2 cores), on a free port of 127.0.0.1. As in .ci/run,
   SECURE_SSL_REDIRECT=0 so plain HTTP on localhost is served; cookies stay Secure (see bench/locustfile.py
   for how the users send theirs).
5. Runs locust headless (bench/locustfile.py): users start at LOAD_SPAWN_RATE a second (default 10), then
   the figures are reset and LOAD_SECONDS of full load are measured. No Celery worker runs: tasks the
   pages queue (alerts, notifications) wait in the broker, as they would behind a busy worker.

The mix (bench/locustfile.py). Staff: their worklist (my work, or team work for supervisors), my cases,
team cases (pages and a status filter), a search by victim name and one by crime reference, case pages,
the inbox, logging a contact (case page, contact form, POST) and recording an event (case page, event
choice, form, POST of "witness statement taken"). Portal: the case page (status and messages; opening it
marks new messages read), support and rights, property, contact preferences, and the question form, with
a question sent by about half of those who open it, at most one per victim per run. The run writes
contacts, events, questions (with their duties and notifications) and access records into the database.

Figures (`name=value`): for each page its requests, failures, p50/p95/p99 (ms, measured by the client, so
queueing in gunicorn is included); requests, failures, 5xx and throughput for the run; then
load_staff_p95_ms (target < 300 on a 2-core machine), load_portal_p95_ms and load_5xx (target 0). The
gunicorn access log (with each request's time in microseconds) and locust's CSV files stay in
var/load/<time>/ for diagnosis.
"""

import json
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAFF = int(os.environ.get("LOAD_STAFF", "200"))
PORTAL = int(os.environ.get("LOAD_PORTAL", "500"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "600"))
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "10"))
WORKERS = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
SUPERVISOR_SHARE = 0.15
STAFF_P95_TARGET_MS = 300

if __name__ == "__main__":
    # The production configuration, for this process (which makes the sessions: they are signed with
    # SECRET_KEY) and for gunicorn, which inherits the environment.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "load-" + secrets.token_urlsafe(40))
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="vc-load-static-")
    import django

    django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402

from cases.models import Crime, CrimeVictim  # noqa: E402
from portal import session as portal_session  # noqa: E402
from victimcare.accounts.constants import Role  # noqa: E402
from victimcare.accounts.models import User  # noqa: E402


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# --- users and sessions ---------------------------------------------------------------------------------
def pick_staff(n: int, rng: random.Random) -> list[User]:
    """Officers (with cases first) and supervisors, never administrators or roles that must use two-factor
    sign-in; spread over teams by a seeded shuffle. People are reused when there are fewer than n."""
    two_factor_roles = set(getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", ()))
    people = User.objects.filter(is_active=True, is_staff=False, is_superuser=False).exclude(
        role__in=two_factor_roles
    )
    officers = list(
        people.filter(role=Role.OFFICER)
        .annotate(has_cases=Exists(Crime.objects.filter(oic=OuterRef("pk"))))
        .filter(has_cases=True)
        .order_by("id")
    ) or list(people.filter(role=Role.OFFICER).order_by("id"))
    supervisors = list(people.filter(role=Role.SUPERVISOR, supervised_teams__isnull=False).distinct())
    if not supervisors:
        supervisors = list(people.filter(role=Role.SUPERVISOR).order_by("id"))
    rng.shuffle(officers)
    rng.shuffle(supervisors)
    want_sup = round(n * SUPERVISOR_SHARE) if supervisors else 0
    chosen = [supervisors[i % len(supervisors)] for i in range(want_sup)]
    chosen += [officers[i % len(officers)] for i in range(n - want_sup)] if officers else []
    return chosen


def pick_victims(n: int, rng: random.Random) -> list[CrimeVictim]:
    ids = list(
        CrimeVictim.objects.filter(person__portal_account__status="active").values_list("id", flat=True)
    )
    chosen = rng.sample(ids, n) if len(ids) >= n else [ids[i % len(ids)] for i in range(n)] if ids else []
    by_id = CrimeVictim.objects.select_related("crime", "person__portal_account").in_bulk(set(chosen))
    return [by_id[i] for i in chosen]


def staff_session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def portal_session_for(cv: CrimeVictim) -> str:
    """A portal session started by portal.session.start, as the sign-in view starts it."""
    engine = import_module(settings.SESSION_ENGINE)
    request = RequestFactory().get("/portal/")
    request.session = engine.SessionStore()
    request.user = AnonymousUser()
    portal_session.start(request, cv.person.portal_account, cv)
    request.session.save()
    return request.session.session_key


# --- the server -----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, logs: Path) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "victimcare.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--access-logfile",
        str(logs / "gunicorn-access.log"),
        "--access-logformat",
        '%(t)s "%(r)s" %(s)s %(b)s %(D)s',
        "--error-logfile",
        str(logs / "gunicorn-error.log"),
    ]
    out = open(logs / "gunicorn-output.log", "wb")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"gunicorn did not start: see {logs}")


def run_locust(port: int, logs: Path, config: Path, samples: Path) -> int:
    total = STAFF + PORTAL
    ramp = math.ceil(total / SPAWN_RATE) + 5
    env = {
        **os.environ,
        "LOAD_CONFIG": str(config),
        "LOAD_SAMPLES": str(samples),
        "LOAD_STAFF": str(STAFF),
        "LOAD_PORTAL": str(PORTAL),
    }
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(total),
        "--spawn-rate",
        str(SPAWN_RATE),
        "--run-time",
        f"{ramp + SECONDS}s",
        "--reset-stats",
        "--csv",
        str(logs / "locust"),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(logs / "locust.log"),
    ]
    with open(logs / "locust-output.log", "wb") as out:
        return subprocess.run(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT).returncode


def server_errors(access_log: Path) -> int:
    """5xx answers in gunicorn's access log, whether or not the client was still waiting for them (a
    worker killed at gunicorn's timeout answers 500 to a client that may have given up already)."""
    with open(access_log, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if re.search(r'" 5\d\d \S+ \d+$', line.strip()))


def slowest(access_log: Path, n: int = 5) -> list[tuple[float, str]]:
    rows = []
    line_re = re.compile(r'"(\S+ \S+) [^"]*" (\d{3}) \S+ (\d+)$')
    with open(access_log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = line_re.search(line.strip())
            if m:
                rows.append((int(m.group(3)) / 1000, f"{m.group(2)} {m.group(1)}"))
    return sorted(rows, reverse=True)[:n]


# --- figures --------------------------------------------------------------------------------------------
def report(result: dict) -> None:
    samples, window = result["samples"], result["window"]
    seconds = max((window["end"] or 0) - (window["start"] or 0), 1e-9)
    by_page: dict[str, list[float]] = defaultdict(list)
    failures: Counter = Counter()
    errors: Counter = Counter()
    group_ms: dict[str, list[float]] = defaultdict(list)
    server_errors = 0
    for name, ms, status, error in samples:
        by_page[name].append(ms)
        group_ms[name.split(":")[0]].append(ms)
        if status >= 500:
            server_errors += 1
        if error:
            failures[name] += 1
            errors[(name, error)] += 1
    print(f"load_measured_seconds={seconds:.0f}")
    for name in sorted(by_page):
        ms, key = by_page[name], slug(name)
        print(f"load_{key}_requests={len(ms)}")
        print(f"load_{key}_failures={failures[name]}")
        for q in (50, 95, 99):
            print(f"load_{key}_p{q}_ms={percentile(ms, q):.0f}")
    for (name, error), count in errors.most_common(10):
        print(f"load_error={name}: {count} x {error}")
    for group in ("staff", "portal"):
        ms = group_ms.get(group, [])
        if ms:
            print(f"load_{group}_requests={len(ms)}")
            print(f"load_{group}_p50_ms={percentile(ms, 50):.0f}")
            print(f"load_{group}_p99_ms={percentile(ms, 99):.0f}")
    print(f"load_requests={len(samples)}")
    print(f"load_failures={sum(failures.values())}")
    print(f"load_requests_per_second={len(samples) / seconds:.1f}")
    for group in ("staff", "portal"):
        ms = group_ms.get(group, [])
        print(f"load_{group}_p95_ms={percentile(ms, 95):.0f}" if ms else f"load_{group}_p95_ms=none")
    print(f"load_5xx_seen_by_clients={server_errors}")


def run() -> int:
    if connection.vendor != "postgresql":
        for name in ("load_staff_p95_ms", "load_portal_p95_ms", "load_5xx"):
            print(f"{name}=skipped (needs PostgreSQL, database is {connection.vendor})")
        return 0
    if SECONDS <= 0:
        for name in ("load_staff_p95_ms", "load_portal_p95_ms", "load_5xx"):
            print(f"{name}=skipped (LOAD_SECONDS=0)")
        return 0
    steps, t0 = {}, time.perf_counter()
    call_command("migrate", verbosity=0)
    steps["migrate"] = time.perf_counter() - t0
    rng = random.Random(2026)
    staff, victims = pick_staff(STAFF, rng), pick_victims(PORTAL, rng)
    if (STAFF and not staff) or (PORTAL and not victims):
        raise SystemExit("The database has no officers, or no active portal accounts: see bench/portal.py.")
    logs = ROOT / "var" / "load" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logs.mkdir(parents=True)
    print(f"load_database={connection.settings_dict['NAME']}")
    print(f"load_crimes={Crime.objects.count()}")
    print(f"load_cache={'redis' if getattr(settings, 'REDIS_URL', '') else 'local memory'}")
    print(f"load_staff_users={STAFF}")
    print(f"load_staff_people={len({u.pk for u in staff})}")
    print(f"load_staff_supervisor_users={sum(u.role == Role.SUPERVISOR for u in staff)}")
    print(f"load_portal_users={PORTAL}")
    print(f"load_portal_people={len({cv.pk for cv in victims})}")
    print(f"load_seconds={SECONDS}")
    print(f"load_gunicorn_workers={WORKERS}")
    print(f"load_cpus={os.cpu_count()}")
    print(f"load_logs={logs.relative_to(ROOT)}")

    t0 = time.perf_counter()
    surnames = sorted({cv.person.last_name for cv in victims if cv.person.last_name})
    config = {
        "staff": [{"session": staff_session(u), "role": u.role} for u in staff],
        "portal": [{"session": portal_session_for(cv), "reference": cv.crime.reference} for cv in victims],
        "surnames": rng.sample(surnames, min(200, len(surnames))),
    }
    keys = [s["session"] for s in config["staff"] + config["portal"]]
    config_path, samples_path = logs / "users.json", logs / "samples.json"
    config_path.write_text(json.dumps(config))
    steps["sessions"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # gzip only, as in production (victimcare.core.static_storage), although locust brings brotli.
    call_command("collectstatic", "--noinput", verbosity=0)
    steps["collectstatic"] = time.perf_counter() - t0
    connection.close()

    port = free_port()
    t0 = time.perf_counter()
    server = start_gunicorn(port, logs)
    steps["gunicorn_start"] = time.perf_counter() - t0
    print("load_setup_seconds=" + ",".join(f"{k}:{v:.1f}" for k, v in steps.items()))
    try:
        print(f"load_loadavg_before={Path('/proc/loadavg').read_text().split()[0]}")
        code = run_locust(port, logs, config_path, samples_path)
        print(f"load_loadavg_after={Path('/proc/loadavg').read_text().split()[0]}")
    finally:
        server.terminate()
        server.wait(timeout=60)
        Session.objects.filter(session_key__in=keys).delete()
        config_path.unlink(missing_ok=True)  # live session keys: not left on disk
    if not samples_path.exists():
        raise SystemExit(f"locust wrote no samples (exit code {code}): see {logs}/locust-output.log")
    report(json.loads(samples_path.read_text()))
    print(f"load_5xx={server_errors(logs / 'gunicorn-access.log')}")
    access = (logs / "gunicorn-access.log").read_text(encoding="utf-8", errors="replace")
    print(f"load_server_requests={access.count(chr(10))}")
    for ms, request in slowest(logs / "gunicorn-access.log"):
        print(f"load_slowest_server_ms={ms:.0f} {request}")
    return 0


def main() -> int:
    try:
        return run()
    finally:
        if Path(settings.STATIC_ROOT).name.startswith("vc-load-static-"):
            shutil.rmtree(settings.STATIC_ROOT, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
