"""Benchmark of the compliance dashboards (issue 11) on 1,000,000 crimes and 10,000,000 duties.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_portal .venv/bin/python -m bench.dashboard

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run; `make bench`
runs it on the portal benchmark's database (vc_bench_portal) after the other benches there.

Data: the portal benchmark's data set (bench/portal.py: 1,000,000 crimes over two years, 10 BCUs x 10 teams
x 10 officers, 10,579,579 duties: the four duties of every victim, those of each case event and the 28-day
progress updates), built first if missing. It is loaded with the roll-up's triggers off
(session_replication_role=replica), so the roll-up is rebuilt from the duties (reporting.rollup.rebuild,
timed, then the roll-up's tables analysed) whenever, after a fold, the total of one of its grains differs
from the duty count, or on every run with BENCH_DASHBOARD_REBUILD=1. An analyst and an inspector of BCU
"pb-01" are added once.

Figures (one `name=value` line each):
- data sizes: dashboard_crimes, dashboard_obligations, dashboard_cells (the officer grain's rows) and
  dashboard_cells_<grain> for each coarser grain, dashboard_rollup_mb; and the floor of this run on this
  machine: floor_page_p50_ms (GET /healthz, one SELECT 1 and one small query) and
  floor_select1_p50_ms (SELECT 1 through the Django connection), to quote the figures below as ratios;
- rollup_rebuild_seconds: counting the 10,000,000 duties into the cells again;
- dashboard_force_p50_ms / _p95_ms (target < 300): GET reporting:dashboard as an analyst (the whole force);
- dashboard_bcu_p50_ms / _p95_ms (target < 150): GET reporting:dashboard?bcu=<id> as the inspector of one
  BCU; both BENCH_DASHBOARD_RUNS timed GETs (default 30) after warm-up, with their query counts;
- export_quarter_seconds (target < 10): GET reporting:quarter_return?quarter=<the last whole quarter
  before the data set's "now", or BENCH_DASHBOARD_QUARTER> as the analyst, the whole XLSX read; the median
  of BENCH_DASHBOARD_EXPORT_RUNS (default 3);
- rollup_catchup_seconds: 50,000 changes to duties as the application makes them (25,000 open duties met,
  25,000 other open duties reallocated to another officer of the same team: UPDATEs on
  contacts_obligation in batches of 1,000, each its own transaction, so the triggers write two deltas
  per change), then one reporting.rollup.fold() timed; rollup_pending_deltas is how many it folded and
  rollup_changes_seconds how long the changes took (triggers included). While the deltas are pending the
  force dashboard is timed again (dashboard_force_pending_p50_ms: readers add the pending deltas). The
  changes are then undone (and folded), so every run starts from the same data, and the reporting tables
  vacuumed (autovacuum is off on the bench machine); rollup_matches_direct checks one BCU's year against a
  count from the duties themselves.

The dashboard figures read "unavailable" while the reporting app has no such URL.
"""

import contextlib
import os
import random
import statistics
import sys
import time
from datetime import date, datetime

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data, portal  # noqa: E402
from reporting import rollup  # noqa: E402
from reporting.models import ComplianceCell, ComplianceDelta  # noqa: E402
from victimcare.accounts.constants import Role  # noqa: E402
from victimcare.accounts.models import BCU, User  # noqa: E402

RUNS = int(os.environ.get("BENCH_DASHBOARD_RUNS", "30"))
EXPORT_RUNS = int(os.environ.get("BENCH_DASHBOARD_EXPORT_RUNS", "3"))
WARMUP = 3
CHANGES = int(os.environ.get("BENCH_DASHBOARD_CHANGES", "50000"))  # half met, half reallocated
BATCH = 1_000
ANALYST_EMAIL = f"analyst01@{portal.DOMAIN}"
INSPECTOR_EMAIL = f"inspector01@{portal.DOMAIN}"  # the same inspector as bench/case_lists.py
CELL = ComplianceCell._meta.db_table
DELTA = ComplianceDelta._meta.db_table


def _loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def staff() -> tuple[User, User, BCU]:
    """The analyst (created once) and BCU pb-01's inspector (created once, as bench/case_lists.py does)."""
    bcu = BCU.objects.get(code=f"{portal.CODE}-01")
    analyst = User.objects.filter(email=ANALYST_EMAIL).first()
    if analyst is None:
        analyst = User.objects.create_user(
            ANALYST_EMAIL,
            None,  # bench staff never sign in with a password
            first_name=portal.NAME,
            last_name="Analyst 1",
            role=Role.ANALYST,
            shoulder_number=f"{portal.CODE.upper()} ANL 1",
        )
    inspector = User.objects.filter(email=INSPECTOR_EMAIL).first()
    if inspector is None:
        inspector = User.objects.create_user(
            INSPECTOR_EMAIL,
            None,
            first_name=portal.NAME,
            last_name="Inspector 1",
            role=Role.INSPECTOR,
            shoulder_number=f"{portal.CODE.upper()} INSP 1",
        )
    bcu.inspectors.add(inspector)
    return analyst, inspector, bcu


def url(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def last_quarter(now: datetime) -> str:
    """The last whole calendar quarter before `now`, as the return's parameter (2026-Q3)."""
    q = (now.month - 1) // 3  # the current quarter, 0-based
    year, q = (now.year, q) if q > 0 else (now.year - 1, 4)
    return f"{year}-Q{q}"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def timed_gets(client: Client, address: str, runs: int, warmup: int = WARMUP, extra: bool = True) -> dict:
    """Warm-up GETs, then `runs` timed ones (the whole body read); the samples in ms, and the queries and
    bytes of one more GET (or, with extra=False, of the last timed one: for the slow downloads)."""
    for _ in range(warmup):
        r = client.get(address)
        _body(r)
        if r.status_code != 200:
            return {"status": r.status_code}
    samples = []
    for i in range(runs):
        last = not extra and i == runs - 1
        with CaptureQueriesContext(connection) if last else contextlib.nullcontext() as ctx:
            t0 = time.perf_counter()
            r = client.get(address)
            size = len(_body(r))
            samples.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            return {"status": r.status_code}
    if extra:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(address)
            size = len(_body(r))
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    return {
        "status": 200,
        "samples": samples,
        "queries": len(ctx.captured_queries),
        "sql_ms": sql_ms,
        "bytes": size,
        "content_type": r.get("Content-Type", ""),
    }


def select1_p50_ms(runs: int = 200) -> float:
    samples = []
    with connection.cursor() as cur:
        for _ in range(runs):
            t0 = time.perf_counter()
            cur.execute("SELECT 1")
            cur.fetchone()
            samples.append((time.perf_counter() - t0) * 1000)
    return _data.p50(samples)


def cell_tables() -> list[str]:
    """The roll-up's cell tables: every grain of the counts by month, duty and outcome that the reporting
    app keeps (each counts every duty); not its delta table, nor the open-duty or equality cells."""
    return [
        m._meta.db_table
        for m in apps.get_app_config("reporting").get_models()
        if m._meta.db_table != DELTA
        and {"month", "code", "outcome", "n"} <= {f.name for f in m._meta.get_fields()}
    ]


def rollup_tables() -> list[str]:
    """Every table of the reporting app (cells of every grain, open-duty cells, deltas)."""
    return [m._meta.db_table for m in apps.get_app_config("reporting").get_models()]


def rollup_mismatches() -> dict[str, int]:
    """After a fold: {cell table: duties it counts} for every grain whose total is not the duty count."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {portal.OBLIGATION}")
        duties = cur.fetchone()[0]
        out = {}
        for table in cell_tables():
            cur.execute(f"SELECT coalesce(sum(n), 0) FROM {table}")
            counted = int(cur.fetchone()[0])
            if counted != duties:
                out[table] = counted
    return out


def open_duty_sample(n: int) -> list[tuple[int, int, int]]:
    """n open duties (id, owner, team), a seeded sample of all of them."""
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, owner_id, team_id FROM {portal.OBLIGATION} "
            "WHERE state = 'open' AND owner_id IS NOT NULL ORDER BY id"
        )
        rows = cur.fetchall()
    if len(rows) < n:
        raise SystemExit(f"Only {len(rows):,} open duties with an owner, {n:,} needed.")
    return random.Random(11).sample(rows, n)


def apply_in_batches(statement: str, rows: list[tuple]) -> float:
    """statement with %s = a list of rows (as arrays), batch by batch, each its own transaction."""
    t0 = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        chunk = rows[i : i + BATCH]
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement, [list(col) for col in zip(*chunk, strict=True)])
    return time.perf_counter() - t0


MEET_SQL = f"""
    UPDATE {portal.OBLIGATION} o SET state = 'met', met_at = now(), met_on_time = now() <= o.due_at
    FROM unnest(%s::bigint[]) AS x(id) WHERE o.id = x.id
"""
REOPEN_SQL = f"""
    UPDATE {portal.OBLIGATION} o SET state = 'open', met_at = NULL, met_on_time = NULL
    FROM unnest(%s::bigint[]) AS x(id) WHERE o.id = x.id
"""
REALLOCATE_SQL = f"""
    UPDATE {portal.OBLIGATION} o SET owner_id = x.owner_id
    FROM unnest(%s::bigint[], %s::bigint[]) AS x(id, owner_id) WHERE o.id = x.id
"""


def catch_up(force_url: str | None, analyst: User) -> dict:
    """50,000 changes, the force dashboard with their deltas pending, the fold timed; then undone."""
    out: dict = {}
    rollup.fold()  # whatever earlier benches left pending
    sample = open_duty_sample(CHANGES)
    meet = [(i,) for i, _, _ in sample[: CHANGES // 2]]
    team_officers: dict[int, list[int]] = {}
    for o in _data.staff_of(portal.CODE):
        team_officers.setdefault(o.team_id, []).append(o.id)
    moves, undo_moves = [], []
    for i, owner, team in sample[CHANGES // 2 :]:
        others = [o for o in team_officers.get(team, []) if o != owner] or [owner]
        moves.append((i, others[i % len(others)]))
        undo_moves.append((i, owner))
    out["changes_seconds"] = apply_in_batches(MEET_SQL, meet) + apply_in_batches(REALLOCATE_SQL, moves)
    out["pending"] = rollup.pending_deltas()
    if force_url:
        client = Client()
        client.force_login(analyst)
        m = timed_gets(client, force_url, runs=max(5, RUNS // 3), warmup=1)
        out["force_pending_p50_ms"] = _data.p50(m["samples"]) if m["status"] == 200 else None
    t0 = time.perf_counter()
    folded = rollup.fold()
    out["fold_seconds"] = time.perf_counter() - t0
    out["folded"] = folded
    out["undo_seconds"] = apply_in_batches(REOPEN_SQL, meet) + apply_in_batches(REALLOCATE_SQL, undo_moves)
    t0 = time.perf_counter()
    out["undo_folded"] = rollup.fold()
    out["undo_fold_seconds"] = time.perf_counter() - t0
    # The next run (and the other benches) should not read 200,000 dead deltas and cell versions: this
    # machine's PostgreSQL runs with autovacuum off.
    _data.analyze(rollup_tables())
    return out


def matches_direct(bcu: BCU, now: datetime) -> bool:
    """One BCU's last twelve months by outcome and duty: the roll-up against a count of the duties."""
    last = date(now.year, now.month, 1)
    first = date(last.year - 1, last.month, 1)
    s = rollup.Slice(first=first, last=last, bcu_ids=(bcu.id,))
    return rollup.counts(s, ("outcome", "code")) == rollup.counts(s, ("outcome", "code"), direct=True)


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"dashboard_force_p95_ms=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://...)"
        )
        return 0
    print(f"dashboard_database={connection.settings_dict['NAME']}")
    print(f"dashboard_loadavg_before={_loadavg()}")
    now = portal.dataset_now()
    if now is None:
        now = timezone.now().replace(microsecond=0)
        t0 = time.perf_counter()
        portal.seed(now)
        print(f"dashboard_portal_seed_seconds={time.perf_counter() - t0:.1f}")
    t0 = time.perf_counter()
    print(f"rollup_pending_at_start={rollup.fold()}")  # what earlier benches left
    print(f"rollup_fold_at_start_seconds={time.perf_counter() - t0:.1f}")
    _data.analyze([DELTA])  # the deltas folded by earlier benches are dead rows every read would scan
    wrong = rollup_mismatches()
    if wrong or os.environ.get("BENCH_DASHBOARD_REBUILD") == "1":
        print("rollup_counted_before_rebuild=" + ",".join(f"{t}:{n}" for t, n in wrong.items()))
        t0 = time.perf_counter()
        rollup.rebuild()
        print(f"rollup_rebuild_seconds={time.perf_counter() - t0:.1f}")
        _data.analyze([*cell_tables(), DELTA])
    else:
        print(
            "rollup_rebuild_seconds=skipped (the roll-up already counts every duty; "
            "BENCH_DASHBOARD_REBUILD=1 times one)"
        )
    counts = _data.row_counts([portal.CRIME, portal.OBLIGATION, *cell_tables()])
    print(f"dashboard_crimes={counts[portal.CRIME]}")
    print(f"dashboard_obligations={counts[portal.OBLIGATION]}")
    print(f"dashboard_cells={counts[CELL]}")
    for table in cell_tables():
        if table != CELL:
            print(f"dashboard_cells_{table.removeprefix('reporting_compliance')}={counts[table]}")
    others = [t for t in rollup_tables() if t not in cell_tables() and t != DELTA]
    for table, n in _data.row_counts(others).items():
        print(f"dashboard_rows_{table}={n}")
    sizes = _data.table_sizes_mb([portal.CRIME, portal.OBLIGATION])
    print(f"dashboard_data_mb={sum(sizes.values())}")
    print(f"dashboard_rollup_mb={sum(_data.table_sizes_mb(cell_tables()).values())}")

    analyst, inspector, bcu = staff()
    floor_client = Client()
    floor = timed_gets(floor_client, "/healthz", runs=100)
    floor_page = _data.p50(floor["samples"])
    print(f"floor_page_p50_ms={floor_page:.2f}")
    print(f"floor_select1_p50_ms={select1_p50_ms():.3f}")

    force_url = url("reporting:dashboard")
    bcu_url = url("reporting:dashboard", f"bcu={bcu.id}")
    quarter = os.environ.get("BENCH_DASHBOARD_QUARTER") or last_quarter(timezone.localtime(now))
    export_url = url("reporting:quarter_return", f"quarter={quarter}")
    failed = False
    for name, user, address, target in (
        ("dashboard_force", analyst, force_url, 300),
        ("dashboard_bcu", inspector, bcu_url, 150),
    ):
        if address is None:
            print(f"{name}_p95_ms=unavailable (no URL reporting:dashboard yet)")
            continue
        client = Client()
        client.force_login(user)
        m = timed_gets(client, address, RUNS)
        if m["status"] != 200:
            print(f"{name}_p95_ms=failed (GET {address} as {user.role}: {m['status']})")
            failed = True
            continue
        p95 = _data.p95(m["samples"])
        print(f"{name}_url={address}")
        print(f"{name}_p50_ms={_data.p50(m['samples']):.1f}")
        print(f"{name}_p95_ms={p95:.1f}")
        print(f"{name}_queries={m['queries']}")
        print(f"{name}_sql_ms={m['sql_ms']:.1f}")
        print(f"{name}_kb={m['bytes'] / 1024:.0f}")
        print(f"{name}_p50_over_floor={_data.p50(m['samples']) / floor_page:.0f}")
        print(f"{name}_target_met={'yes' if p95 < target else 'no'}")

    if export_url is None:
        print("export_quarter_seconds=unavailable (no URL reporting:quarter_return yet)")
    else:
        client = Client()
        client.force_login(analyst)
        m = timed_gets(client, export_url, EXPORT_RUNS, warmup=0, extra=False)
        if m["status"] != 200:
            print(f"export_quarter_seconds=failed (GET {export_url}: {m['status']})")
            failed = True
        else:
            print(f"export_quarter_url={export_url}")
            print(f"export_quarter_seconds={statistics.median(m['samples']) / 1000:.2f}")
            print(f"export_quarter_max_seconds={max(m['samples']) / 1000:.2f}")
            print(f"export_quarter_queries={m['queries']}")
            print(f"export_quarter_sql_seconds={m['sql_ms'] / 1000:.2f}")
            print(f"export_quarter_kb={m['bytes'] / 1024:.0f}")
            print(f"export_quarter_content_type={m['content_type']}")

    c = catch_up(force_url, analyst)
    print(f"rollup_changes={CHANGES}")
    print(f"rollup_changes_seconds={c['changes_seconds']:.1f}")
    print(f"rollup_pending_deltas={c['pending']}")
    if c.get("force_pending_p50_ms") is not None:
        print(f"dashboard_force_pending_p50_ms={c['force_pending_p50_ms']:.1f}")
    print(f"rollup_catchup_seconds={c['fold_seconds']:.2f}")
    print(f"rollup_undo_seconds={c['undo_seconds']:.1f}")
    print(f"rollup_undo_fold_seconds={c['undo_fold_seconds']:.2f}")
    wrong = rollup_mismatches()
    print(f"rollup_total_matches_duties={'no ' + str(wrong) if wrong else 'yes'}")
    print(f"rollup_matches_direct={'yes' if matches_direct(bcu, timezone.localtime(now)) else 'no'}")
    print(f"dashboard_loadavg_after={_loadavg()}")
    return 1 if failed else 0


def main() -> int:
    if connection.vendor == "postgresql":
        _data.ensure_database()
        call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
