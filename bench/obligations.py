"""Benchmark of the deadline engine at scale: the beat scan and the "My work" page on 1,000,000 obligations.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench1m .venv/bin/python -m bench   # after the pages
    DATABASE_URL=postgres://... .venv/bin/python -m bench.obligations                      # on its own

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run.

The dataset lives beside the demo data, in its own BCUs (codes "bench-NN") and is created once, in one
transaction; later runs reuse it (the marker is 1,000,000 obligations on bench crimes). Its time reference is
the moment it was seeded (kept as the created_at of BCU "bench-01"), and every figure is measured at that
"now", so runs a week apart measure the same work.

- 10 BCUs x 10 teams; 10 officers and 2 supervisors per team, 2 inspectors per BCU (1,220 staff).
- 20,000 crimes (under investigation), one victim each, written with bulk_create.
- 1,000,000 obligations, 50 per victim, written by one INSERT ... SELECT FROM generate_series:
  - 200,000 open (10 per victim: the open progress update and 9 event duties, rules of vcop-2020), 2% of
    them overdue (due 1 to 21 days ago), the rest due within their limit (working days ~ x7/5 calendar days)
    and triggered within it, so never in the future;
  - 800,000 closed: met (mostly on time) or not required, triggered 30 to 730 days ago;
  - remind_at and escalate_at follow contacts.engine.schedule (at once when the rule has no reminder offset,
    else that many days before the deadline, never before the trigger; escalation after
    second_escalation_days), owner = the crime's officer in case;
  - one officer ("busy") owns 50 crimes, so 500 open obligations; the others own about 200.

Figures (one `name=value` line each):
- scan_tick_seconds: one contacts.scan.tick(now) (reminder, breach, escalation and absence stages with their
  notifications) on a fresh state: stage marks reset to NULL, notifications deleted, VACUUM ANALYZE,
  CHECKPOINT. The fastest of BENCH_TICK_RUNS runs (default 2), each from a fresh state.
- raw_sql_seconds: the floor, the same database work by hand: per stage one set-based statement (select the
  due rows FOR UPDATE, mark the stage, insert the notifications joined to their recipients) in one
  transaction that is rolled back (so no commit is counted), on the same fresh state; fastest of as many runs.
  It writes the same notifications as the scan (raw_sql_notifications = notifications_written), including
  whether reminders caught up after a deadline are sent (reminders_sent_for_overdue).
- scan_ratio = scan_tick_seconds / raw_sql_seconds (target <= 3; scan_tick_seconds target < 10).
- second_tick_seconds: a tick straight after, with nothing new to do (target < 1).
- worklist_p95_ms: server-side time of GET /work/ for the busy officer (django.test.Client, force_login,
  BENCH_WORKLIST_RUNS requests, default 50), or "unavailable" while that page does not exist (target < 100).
- obligations_total, obligations_open, overdue_open, notifications_written, and the tick's stage counts.
- breach_tick_seconds, breach_raw_sql_seconds, breach_scan_ratio: the same comparison when every reminder
  due by now already went out on time (as earlier ticks would have sent it), so the tick is the one that
  finds the overdue 2%: breach and escalation of each, with their notifications.

The fresh-state tick is a worst case: most rules remind "at once" (remind_at = the trigger time), so every
open duty of those rules is due a reminder, about 145,000 of the 200,000; in steady state a tick sends
only what fell due since the last one.
"""

import contextlib
import os
import sys
import time
from datetime import datetime, timedelta

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data  # noqa: E402
from cases.constants import CrimeStatus, VictimRole  # noqa: E402
from cases.models import Crime, CrimeVictim, Offence, Person  # noqa: E402
from contacts import scan  # noqa: E402
from contacts.constants import ObligationState
from contacts.models import Obligation, Rule
from messaging.constants import Stage
from messaging.models import StaffNotification
from victimcare.accounts.constants import Role  # noqa: E402
from victimcare.accounts.models import BCU, Absence, Team, User  # noqa: E402

TOTAL = 1_000_000
PER_VICTIM = 50
OPEN_PER_VICTIM = 10
CRIMES = TOTAL // PER_VICTIM  # 20,000 crimes, one victim each
OVERDUE_SHARE = 0.02
BCUS, TEAMS_PER_BCU, OFFICERS_PER_TEAM, SUPERVISORS_PER_TEAM, INSPECTORS_PER_BCU = 10, 10, 10, 2, 2
BUSY_CRIMES = 50  # the busy officer's crimes: 50 x 10 = 500 open obligations
REFERENCE_PREFIX = "BX"
DOMAIN = "bench.police.uk"
BUSY_EMAIL = f"busy@{DOMAIN}"
RULE_SET = "vcop-2020"
WORKLIST_URL = "/work/"
WORKLIST_RUNS = int(os.environ.get("BENCH_WORKLIST_RUNS", "50"))
RUNS = int(os.environ.get("BENCH_TICK_RUNS", "2"))  # timed ticks per side; the fastest counts
BATCH = 2000

OBLIGATION = Obligation._meta.db_table
NOTIFICATION = StaffNotification._meta.db_table
CRIME = Crime._meta.db_table
TEAM_SUPERVISORS = Team.supervisors.through._meta.db_table
BCU_INSPECTORS = BCU.inspectors.through._meta.db_table
ABSENCE = Absence._meta.db_table


def bench_obligations():
    return Obligation.objects.filter(crime__bcu__code__startswith="bench-")


# --- the dataset -----------------------------------------------------------------------------------------
def dataset_now() -> datetime | None:
    bcu = BCU.objects.filter(code="bench-01").first()
    if bcu is None or bench_obligations().count() < TOTAL:
        return None
    return bcu.created_at


def seed(now: datetime) -> None:
    """Create the staff, crimes and victims with bulk_create and the obligations with one INSERT ... SELECT.
    One transaction: a run killed half-way leaves nothing behind."""
    offences = list(
        Offence.objects.filter(active=True, is_homicide=False, is_sexual=False).order_by("id")[:20]
    )
    if not offences:
        raise SystemExit("No offences loaded: run `manage.py migrate` first.")
    password = make_password(None)  # unusable: bench staff never sign in with a password
    with transaction.atomic():
        bcus = BCU.objects.bulk_create(
            [BCU(code=f"bench-{b + 1:02d}", name=f"Bench BCU {b + 1:02d}") for b in range(BCUS)]
        )
        BCU.objects.filter(pk__in=[b.pk for b in bcus]).update(created_at=now)
        teams = Team.objects.bulk_create(
            [Team(bcu=b, name=f"Bench team {t + 1:02d}") for b in bcus for t in range(TEAMS_PER_BCU)]
        )

        def user(email: str, role: str, team: Team | None, n: int) -> User:
            return User(
                email=email,
                first_name="Bench",
                last_name=f"{role.title()} {n}",
                role=role,
                team=team,
                shoulder_number=f"B {n}",
                password=password,
            )

        officers = []
        for ti, team in enumerate(teams):
            for o in range(OFFICERS_PER_TEAM):
                n = ti * OFFICERS_PER_TEAM + o
                email = BUSY_EMAIL if n == 0 else f"officer{n:04d}@{DOMAIN}"
                officers.append(user(email, Role.OFFICER, team, n))
        supervisors = [
            user(f"sergeant{ti * SUPERVISORS_PER_TEAM + s:04d}@{DOMAIN}", Role.SUPERVISOR, team, s)
            for ti, team in enumerate(teams)
            for s in range(SUPERVISORS_PER_TEAM)
        ]
        inspectors = [
            user(f"inspector{bi * INSPECTORS_PER_BCU + i:03d}@{DOMAIN}", Role.INSPECTOR, None, i)
            for bi in range(BCUS)
            for i in range(INSPECTORS_PER_BCU)
        ]
        User.objects.bulk_create(officers + supervisors + inspectors, batch_size=BATCH)
        Team.supervisors.through.objects.bulk_create(
            [
                Team.supervisors.through(team_id=teams[i // SUPERVISORS_PER_TEAM].id, user_id=s.id)
                for i, s in enumerate(supervisors)
            ]
        )
        BCU.inspectors.through.objects.bulk_create(
            [
                BCU.inspectors.through(bcu_id=bcus[i // INSPECTORS_PER_BCU].id, user_id=u.id)
                for i, u in enumerate(inspectors)
            ]
        )

        crimes, people = [], []
        for i in range(CRIMES):
            team_index, k = i % len(teams), i // len(teams)
            if team_index == 0:  # the busy officer takes the first BUSY_CRIMES of team 1's crimes
                officer_index = 0 if k < BUSY_CRIMES else 1 + k % (OFFICERS_PER_TEAM - 1)
            else:
                officer_index = k % OFFICERS_PER_TEAM
            team = teams[team_index]
            oic = officers[team_index * OFFICERS_PER_TEAM + officer_index]
            recorded = now - timedelta(days=1 + i % 120, minutes=i % 600)
            crimes.append(
                Crime(
                    reference=f"{REFERENCE_PREFIX}/{i + 1:07d}/26",
                    offence=offences[i % len(offences)],
                    occurred_at=recorded - timedelta(hours=3),
                    reported_at=recorded - timedelta(minutes=20),
                    recorded_at=recorded,
                    location="1 Bench Street, Benchford",
                    summary="Synthetic crime for the obligations benchmark.",
                    bcu_id=team.bcu_id,
                    team=team,
                    oic=oic,
                    status=CrimeStatus.UNDER_INVESTIGATION,
                    created_by=oic,
                )
            )
            people.append(
                Person(
                    first_name="Bench",
                    last_name=f"Victim {i + 1}",
                    match_key=Person.make_match_key("Bench", f"Victim {i + 1}"),
                    mobile_phone="07700 900000",
                    safe_phone=True,
                )
            )
        Crime.objects.bulk_create(crimes, batch_size=BATCH)
        Person.objects.bulk_create(people, batch_size=BATCH)
        CrimeVictim.objects.bulk_create(
            [
                CrimeVictim(crime=c, person=p, role=VictimRole.VICTIM, added_by_id=c.oic_id)
                for c, p in zip(crimes, people, strict=True)
            ],
            batch_size=BATCH,
        )
        _insert_obligations(now, [c.id for c in crimes])


def _insert_obligations(now: datetime, crime_ids: list[int]) -> None:
    rules = Rule.objects.filter(rule_set__code=RULE_SET)
    progress = rules.get(code="PROGRESS_UPDATE")
    with connection.cursor() as cur:
        cur.execute(
            f"""
            CREATE TEMP TABLE bench_v ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY c.id) - 1)::int AS idx, c.id AS crime_id, cv.id AS cv_id,
                   c.oic_id, c.team_id, c.bcu_id
            FROM {CRIME} c JOIN {CrimeVictim._meta.db_table} cv ON cv.crime_id = c.id
            WHERE c.id = ANY(%s)
            """,
            [crime_ids],
        )
        cur.execute("CREATE UNIQUE INDEX ON bench_v (idx)")
        # Rules with their limit in calendar days (working days x 7/5) and notification schedule.
        cur.execute(
            f"""
            CREATE TEMP TABLE bench_r ON COMMIT DROP AS
            SELECT (row_number() OVER (ORDER BY id) - 1)::int AS idx, id, code, triggers->>0 AS trig,
                   coalesce(standard_wd * 7.0 / 5, period_days, 28)::float AS limit_days,
                   remind_days_before AS remind, second_escalation_days AS esc
            FROM {Rule._meta.db_table} WHERE id = ANY(%s)
            """,
            [list(rules.exclude(pk=progress.pk).values_list("id", flat=True))],
        )
        cur.execute("SELECT count(*) FROM bench_r")
        n_rules = cur.fetchone()[0]
        cur.execute(
            f"""
            INSERT INTO {OBLIGATION} (
                crime_id, crime_victim_id, team_id, bcu_id, rule_id, code, trigger, trigger_event_id,
                triggered_at, due_at, enhanced, owner_id, state, met_at, met_on_time, met_by_contact_id,
                closed_reason, closed_by_id, remind_at, reminded_at, breached_at, escalate_at, escalated_at,
                created_at
            )
            WITH base AS (
                SELECT g, g / %(per)s AS vi, g %% %(per)s AS k,
                       (((g::bigint * 2654435761) %% 100003) / 100003.0)::float AS f1,
                       (((g::bigint * 40503 + 17) %% 99991) / 99991.0)::float AS f2
                FROM generate_series(0, %(total)s - 1) g
            ), b AS (
                SELECT base.*, v.crime_id, v.cv_id, v.oic_id, v.team_id, v.bcu_id,
                       base.k < %(open_per)s AS is_open,
                       base.k = 0 OR (base.k >= %(open_per)s AND base.k < %(open_per)s + 10) AS is_pu,
                       base.k < %(open_per)s AND base.f2 < %(overdue)s AS overdue
                FROM base JOIN bench_v v ON v.idx = base.vi
            ), r AS (
                SELECT b.*,
                       CASE WHEN b.is_pu THEN %(pu_id)s ELSE r.id END AS rule_id,
                       CASE WHEN b.is_pu THEN 'PROGRESS_UPDATE' ELSE r.code END AS code,
                       CASE WHEN b.is_pu THEN 'PLAN' ELSE r.trig END AS trig,
                       CASE WHEN b.is_pu THEN %(pu_days)s::float ELSE r.limit_days END AS limit_days,
                       CASE WHEN b.is_pu THEN %(pu_remind)s ELSE r.remind END AS remind,
                       CASE WHEN b.is_pu THEN %(pu_esc)s ELSE r.esc END AS esc
                FROM b JOIN bench_r r ON r.idx = (b.vi * 7 + b.k) %% %(n_rules)s
            ), d AS (  -- deadlines: the end of a London day
                SELECT r.*,
                    ((date_trunc('day', (CASE
                        WHEN NOT r.is_open THEN %(now)s - (30 + r.f1 * 700) * interval '1 day'
                                             + r.limit_days * interval '1 day'
                        WHEN r.overdue THEN %(now)s - (1 + r.f1 * 20) * interval '1 day'
                        ELSE %(now)s + (0.02 + 0.98 * r.f1) * r.limit_days * interval '1 day'
                     END) AT TIME ZONE 'Europe/London') + interval '1 day' - interval '1 microsecond')
                     AT TIME ZONE 'Europe/London') AS due
                FROM r
            ), t AS (
                SELECT d.*, least(d.due - d.limit_days * interval '1 day', %(now)s) AS triggered,
                       CASE WHEN d.is_open THEN NULL
                            WHEN d.g %% 7 = 3 THEN NULL
                            ELSE d.due - d.limit_days * interval '1 day'
                                 + d.f2 * 1.15 * d.limit_days * interval '1 day' END AS met
                FROM d
            )
            SELECT crime_id, cv_id, team_id, bcu_id, rule_id, code, trig, NULL, triggered, due,
                   g %% 9 = 0, oic_id,
                   CASE WHEN is_open THEN 'open' WHEN met IS NULL THEN 'not_required' ELSE 'met' END,
                   met, CASE WHEN met IS NULL THEN NULL ELSE met <= due END, NULL,
                   CASE WHEN NOT is_open AND met IS NULL THEN 'The victim asked for no updates.' ELSE '' END,
                   NULL,
                   CASE WHEN remind IS NULL THEN triggered
                        ELSE greatest(triggered, due - remind * interval '1 day') END,
                   NULL, NULL, due + esc * interval '1 day', NULL, triggered
            FROM t
            """,
            {
                "per": PER_VICTIM,
                "total": TOTAL,
                "open_per": OPEN_PER_VICTIM,
                "overdue": OVERDUE_SHARE,
                "pu_id": progress.id,
                "pu_days": float(progress.period_days or 28),
                "pu_remind": progress.remind_days_before,
                "pu_esc": progress.second_escalation_days,
                "n_rules": n_rules,
                "now": now,
            },
        )


# --- measuring -------------------------------------------------------------------------------------------
def vacuum() -> None:
    """Clean tables and statistics, and a checkpoint so that one run's writes are not flushed in the next."""
    with connection.cursor() as cur:
        for table in (OBLIGATION, NOTIFICATION):
            cur.execute(f"VACUUM ANALYZE {table}")
        # Needs superuser (or pg_checkpoint); without it the figures are just noisier.
        with contextlib.suppress(DatabaseError):
            cur.execute("CHECKPOINT")


def start_state(now: datetime, *, reminders_sent: bool = False) -> None:
    """Fresh: as if no tick had ever run (no stage marked, no notification). With reminders_sent, every
    reminder due by `now` went out on time, as earlier ticks would have sent it; breach and escalation are
    still to do. Only rows that differ from that state are written."""
    reminded = "CASE WHEN remind_at <= %(now)s THEN remind_at END" if reminders_sent else "NULL"
    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {OBLIGATION} SET reminded_at = {reminded}, breached_at = NULL, escalated_at = NULL
                WHERE state = 'open' AND (reminded_at IS DISTINCT FROM {reminded}
                                          OR breached_at IS NOT NULL OR escalated_at IS NOT NULL)""",
            {"now": now},
        )
        cur.execute(f"TRUNCATE {NOTIFICATION}")
    vacuum()


def _due(mark: str, ready: str) -> str:
    return f"""
        due AS (
            SELECT o.id, o.owner_id, o.due_at, c.team_id, c.bcu_id
            FROM {OBLIGATION} o JOIN {CRIME} c ON c.id = o.crime_id
            WHERE o.state = 'open' AND {ready}
            FOR UPDATE OF o
        ), marked AS (
            UPDATE {OBLIGATION} o SET {mark} = %(now)s FROM due WHERE o.id = due.id
        )"""


RAW_STAGES = [
    # Reminders: the officer in case (their team's supervisors when nobody has the case). Whether a reminder
    # caught up after the deadline is sent or only marked follows what the scan did (remind_overdue).
    (
        Stage.REMINDER,
        "WITH "
        + _due("reminded_at", "o.reminded_at IS NULL AND o.remind_at <= %(now)s")
        + f""", targets AS (
            SELECT id, owner_id AS user_id FROM due
            WHERE owner_id IS NOT NULL AND (%(remind_overdue)s OR due_at >= %(now)s)
            UNION ALL
            SELECT due.id, s.user_id FROM due JOIN {TEAM_SUPERVISORS} s ON s.team_id = due.team_id
            WHERE due.owner_id IS NULL AND (%(remind_overdue)s OR due.due_at >= %(now)s)
        )""",
    ),
    # Breach: the officer and their team's supervisors (the BCU's inspectors when the team has none).
    (
        Stage.BREACH,
        "WITH "
        + _due("breached_at", "o.breached_at IS NULL AND o.due_at < %(now)s")
        + f""", targets AS (
            SELECT id, owner_id AS user_id FROM due WHERE owner_id IS NOT NULL
            UNION
            SELECT due.id, s.user_id FROM due JOIN {TEAM_SUPERVISORS} s ON s.team_id = due.team_id
            UNION
            SELECT due.id, i.user_id FROM due JOIN {BCU_INSPECTORS} i ON i.bcu_id = due.bcu_id
            WHERE NOT EXISTS (SELECT 1 FROM {TEAM_SUPERVISORS} s WHERE s.team_id = due.team_id)
        )""",
    ),
    # Second escalation: the BCU's inspectors (the team's supervisors when the BCU has none).
    (
        Stage.ESCALATION,
        "WITH "
        + _due(
            "escalated_at",
            "o.breached_at IS NOT NULL AND o.escalated_at IS NULL AND o.escalate_at <= %(now)s",
        )
        + f""", targets AS (
            SELECT due.id, i.user_id FROM due JOIN {BCU_INSPECTORS} i ON i.bcu_id = due.bcu_id
            UNION
            SELECT due.id, s.user_id FROM due JOIN {TEAM_SUPERVISORS} s ON s.team_id = due.team_id
            WHERE NOT EXISTS (SELECT 1 FROM {BCU_INSPECTORS} i WHERE i.bcu_id = due.bcu_id)
        )""",
    ),
]
RAW_INSERT = f"""
    INSERT INTO {NOTIFICATION} (recipient_id, obligation_id, stage, created_at)
    SELECT user_id, id, %(stage)s, %(now)s FROM targets
    ON CONFLICT DO NOTHING"""
RAW_ABSENCE = f"""
    INSERT INTO {NOTIFICATION} (recipient_id, obligation_id, stage, created_at)
    SELECT DISTINCT s.user_id, o.id, %(stage)s, %(now)s
    FROM {OBLIGATION} o
    JOIN {CRIME} c ON c.id = o.crime_id
    JOIN {TEAM_SUPERVISORS} s ON s.team_id = c.team_id
    WHERE o.state = 'open' AND o.due_at < %(horizon_at)s
      AND EXISTS (
          SELECT 1 FROM {ABSENCE} a
          WHERE a.user_id = o.owner_id AND a.ends_on >= %(today)s AND a.starts_on <= %(horizon)s
            AND greatest((o.due_at AT TIME ZONE 'Europe/London')::date, %(today)s)
                BETWEEN a.starts_on AND a.ends_on)
      AND NOT EXISTS (
          SELECT 1 FROM {NOTIFICATION} n WHERE n.obligation_id = o.id AND n.stage = %(stage)s)
    ON CONFLICT DO NOTHING"""


def raw_tick(now: datetime, remind_overdue: bool) -> tuple[float, int]:
    """The tick's database work as hand-written set-based SQL, timed, then rolled back."""
    today = timezone.localdate(now)
    horizon = today + timedelta(days=scan.ABSENCE_LOOKAHEAD_DAYS)
    horizon_at = timezone.make_aware(datetime.combine(horizon + timedelta(days=1), datetime.min.time()))
    written = 0
    with transaction.atomic():
        with connection.cursor() as cur:
            t0 = time.perf_counter()
            for stage, ctes in RAW_STAGES:
                cur.execute(
                    ctes + RAW_INSERT, {"now": now, "stage": str(stage), "remind_overdue": remind_overdue}
                )
                written += cur.rowcount
            cur.execute(
                RAW_ABSENCE,
                {
                    "now": now,
                    "stage": str(Stage.ABSENCE),
                    "today": today,
                    "horizon": horizon,
                    "horizon_at": horizon_at,
                },
            )
            written += cur.rowcount
            elapsed = time.perf_counter() - t0
        transaction.set_rollback(True)
    return elapsed, written


def worklist_p95(user: User) -> str:
    client = Client()
    client.force_login(user)
    first = client.get(WORKLIST_URL)  # also the warm-up
    if first.status_code == 404:
        return "unavailable"
    assert first.status_code == 200, (WORKLIST_URL, first.status_code)
    samples = []
    for _ in range(WORKLIST_RUNS):
        t0 = time.perf_counter()
        r = client.get(WORKLIST_URL)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (WORKLIST_URL, r.status_code)
    return f"{_data.p95(samples):.1f}"


def compare(now: datetime, *, reminders_sent: bool) -> dict:
    """The scan and the floor, each the faster of RUNS runs from the same start state. The scan goes first:
    the floor copies whether it sent reminders for duties already overdue, so both write the same rows. The
    floor is rolled back, so the state stays as it was; the rows it wrote are dead tuples, cleared by VACUUM
    before the next run. Also a second tick straight after the last scan."""
    scan_runs = []
    for _ in range(RUNS):
        start_state(now, reminders_sent=reminders_sent)
        t0 = time.perf_counter()
        done = scan.tick(now)
        scan_runs.append(time.perf_counter() - t0)
    written = StaffNotification.objects.count()
    remind_overdue = StaffNotification.objects.filter(
        stage=Stage.REMINDER, obligation__due_at__lt=F("created_at")
    ).exists()
    t0 = time.perf_counter()
    again = scan.tick(now)
    second = time.perf_counter() - t0

    start_state(now, reminders_sent=reminders_sent)
    raw_runs = []
    for _ in range(RUNS):
        raw_runs.append(raw_tick(now, remind_overdue))
        vacuum()
    return {
        "scan": min(scan_runs),
        "scan_runs": scan_runs,
        "done": done,
        "written": written,
        "remind_overdue": remind_overdue,
        "second": second,
        "again": again,
        "raw": min(raw_runs)[0],
        "raw_written": min(raw_runs)[1],
        "raw_runs": [x for x, _ in raw_runs],
    }


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"obligations_bench=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://...)"
        )
        return 0
    now = dataset_now()
    if now is None:
        if BCU.objects.filter(code__startswith="bench-").exists():
            raise SystemExit("A partial bench dataset exists (BCUs bench-NN): drop the database and rerun.")
        now = timezone.now().replace(microsecond=0)
        t0 = time.perf_counter()
        seed(now)
        vacuum()
        print(f"obligations_seed_seconds={time.perf_counter() - t0:.1f}")
    now += timedelta(minutes=1)  # the moment every figure is measured at

    open_ = Obligation.objects.filter(state=ObligationState.OPEN)
    print(f"obligations_total={Obligation.objects.count()}")
    print(f"obligations_open={open_.count()}")
    print(f"overdue_open={open_.filter(due_at__lt=now).count()}")

    # The tick the issue asks for, from a fresh state (a catch-up of every reminder, breach and escalation).
    m = compare(now, reminders_sent=False)
    print(f"scan_tick_seconds={m['scan']:.2f}")
    print(f"raw_sql_seconds={m['raw']:.2f}")
    print(f"scan_ratio={m['scan'] / m['raw']:.2f}")
    print(f"second_tick_seconds={m['second']:.3f}")
    print(f"notifications_written={m['written']}")
    print(f"raw_sql_notifications={m['raw_written']}")
    for stage in (Stage.REMINDER, Stage.BREACH, Stage.ESCALATION, Stage.ABSENCE):
        print(f"tick_{stage}_obligations={m['done'][stage]}")
    print(f"second_tick_obligations={sum(m['again'].values())}")
    print(f"reminders_sent_for_overdue={'yes' if m['remind_overdue'] else 'no'}")
    print(f"scan_tick_runs_seconds={','.join(f'{x:.2f}' for x in m['scan_runs'])}")
    print(f"raw_sql_runs_seconds={','.join(f'{x:.2f}' for x in m['raw_runs'])}")

    # The same with every reminder already sent on time: the tick that finds the 2% overdue.
    m = compare(now, reminders_sent=True)
    print(f"breach_tick_seconds={m['scan']:.2f}")
    print(f"breach_raw_sql_seconds={m['raw']:.2f}")
    print(f"breach_scan_ratio={m['scan'] / m['raw']:.2f}")
    print(f"breach_tick_notifications={m['written']}")
    print(f"breach_raw_sql_notifications={m['raw_written']}")

    busy = User.objects.get(email=BUSY_EMAIL)
    print(f"worklist_open_obligations={open_.filter(owner=busy).count()}")
    print(f"worklist_p95_ms={worklist_p95(busy)}")
    return 0


def main() -> int:
    call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
