"""Benchmark of surveys (issue 12): a week's invitations of a large force, and the satisfaction results page
on 200,000 answers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_surveys REDIS_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python -m bench.surveys

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run. `make bench`
runs it on a database of its own (vc_bench_surveys, beside DATABASE_URL's), created and migrated if missing.

Data (built once, in one transaction, by set-based INSERT ... SELECT FROM generate_series, see
bench/_data.py; later runs reuse it, the marker is BCU "sv-01", whose created_at is the data set's "now";
BENCH_SURVEYS_REBUILD=1 drops the database and builds it again):
- 10 BCUs x 10 teams x 10 officers (1,000 officers), an analyst and an inspector of BCU sv-01;
- the week to invite: BENCH_SURVEY_INVITEES (default 20,000) eligible victims, one per crime, spread over
  the officers, who reached the "after the report" milestone in the seven days before the plan's wait ended
  (inside its window), 16 to 90 years old, a safe email, not restricted, never invited (one in twenty
  Welsh-speaking: the message in Welsh); and a tenth as many who must not be invited (under 16, a
  restricted case, no safe channel, or "no surveys" recorded), so the run also refuses;
- the answers: BENCH_SURVEY_RESPONSES (default 200,000) surveys.Response rows over the 12 months before
  "now", on 10,000 crimes of their own (one victim each, twenty answers per victim: the results page groups
  Response rows only, so the sharing changes nothing it does), with the crime's BCU, team, officer, offence
  group, status and restriction (1% restricted, so an inspector has hidden cases) and varied ethnicity,
  sex, disability, age band, update-duty outcome, source and language; each area scored 1..7 (more
  satisfied than not) or unanswered (4% to 8%).

Figures (one `name=value` line each):
- survey_invite_batch_seconds (target < 30): surveys.services.invitations_send(now=the data set's now)
  with every plan's rate_percent (and any BCU rate) set to 100, once; survey_invite_invited (must be the
  eligible count), survey_invite_not_eligible, survey_invite_queries (SQL statements it ran), and
  survey_invite_broker_seconds: the time inside deliver_message.delay(), i.e. publishing one Celery task per
  message to the broker after each chunk commits. The broker is the configured one (REDIS_URL: Redis,
  as in production; nothing consumes it during the run) and the bench's queue is purged afterwards
  (survey_invite_tasks_published / _purged). If the broker cannot be reached (checked once, up front),
  delay() is replaced by a counter instead, so a down broker is not timed 20,000 times over its retries;
  survey_invite_broker says which. Eager tasks (task_always_eager) are not used: they would deliver every
  message inside the timed run, which production never does;
- survey_invite_rerun_seconds: the same run again at once (survey_invite_rerun_invited must be 0);
- survey_invite_floor_seconds: writing the same Invitation and outbox Message rows with bulk_create alone
  (no reads, no rules, no rendering, no broker; rolled back), and survey_invite_ratio = batch / floor;
- floor_page_p50_ms (GET /healthz) and floor_select1_p50_ms from this run, to quote the pages as ratios;
- survey_results_p50_ms / _p95_ms (target < 300): GET reporting:satisfaction as the analyst (the whole
  force, the default twelve months), and survey_results_bcu_p50_ms / _p95_ms as the inspector of one BCU;
  BENCH_SURVEY_RUNS timed GETs each (default 30) after warm-up, with their query counts and SQL time;
- survey_loadavg_before / _after: /proc/loadavg.
"""

import os
import sys
import time
from datetime import timedelta

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data  # noqa: E402
from bench.dashboard import select1_p50_ms, timed_gets  # noqa: E402
from cases.models import Crime, CrimeVictim, Offence, Person  # noqa: E402
from messaging.constants import MessageKind  # noqa: E402
from messaging.models import Message  # noqa: E402
from surveys import rollup, services  # noqa: E402
from surveys.models import (  # noqa: E402
    Invitation,
    MilestoneReached,
    PlanRate,
    Questionnaire,
    Response,
    SatisfactionCell,
    SurveyPlan,
    SurveySetting,
)
from victimcare.accounts.constants import Role  # noqa: E402
from victimcare.accounts.models import BCU, User  # noqa: E402

INVITEES = int(os.environ.get("BENCH_SURVEY_INVITEES", "20000"))
INELIGIBLE = INVITEES // 10  # four kinds, a quarter each
RESPONSES = int(os.environ.get("BENCH_SURVEY_RESPONSES", "200000"))
RESPONSE_CRIMES = 10_000
RUNS = int(os.environ.get("BENCH_SURVEY_RUNS", "30"))
CODE, NAME, DOMAIN = "sv", "Survey bench", "survey-bench.police.uk"
ANALYST_EMAIL, INSPECTOR_EMAIL = f"analyst01@{DOMAIN}", f"inspector01@{DOMAIN}"
MILESTONE = "reported"
WEEK_DAYS = 7

CRIME, PERSON, VICTIM = Crime._meta.db_table, Person._meta.db_table, CrimeVictim._meta.db_table
TABLES = [
    CRIME,
    PERSON,
    VICTIM,
    MilestoneReached._meta.db_table,
    SurveySetting._meta.db_table,
    Response._meta.db_table,
]


def _loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def insert_select(model: type[models.Model], exprs: dict[str, str], source: str, params: dict) -> int:
    """INSERT INTO model's table SELECT exprs FROM source. Columns not in `exprs` get the field's default
    (Django keeps defaults in Python, not in the database), so a column the model gains later does not
    break the bench; a nullable one is left NULL and an auto id to its sequence."""
    cols, values, params = [], [], dict(params)
    for f in model._meta.concrete_fields:
        if f.column in exprs:
            cols.append(f.column)
            values.append(exprs[f.column])
            continue
        if isinstance(f, models.AutoField) or f.null:
            continue
        if f.has_default():
            default = f.get_default()
        elif isinstance(f, models.CharField | models.TextField):
            default = ""
        else:
            raise SystemExit(f"bench/surveys.py: no value for {model.__name__}.{f.name}")
        key = f"default_{f.column}"
        params[key] = f.get_db_prep_save(default, connection)
        cols.append(f.column)
        values.append(f"%({key})s")
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(values)} FROM {source}"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def pick(array: str, u: str, kind: str = "bigint") -> str:
    """SQL: the element of array parameter `array` at uniform `u` in [0, 1)."""
    return f"(%({array})s::{kind}[])[1 + floor({u} * cardinality(%({array})s::{kind}[]))::int]"


def shares(u: str, table: list[tuple[str, float]]) -> str:
    """SQL CASE picking a value by cumulative share of `u` in [0, 1); values are SQL literals."""
    total, at, whens = sum(s for _, s in table), 0.0, []
    for value, share in table[:-1]:
        at += share / total
        whens.append(f"WHEN {u} < {at:.6f} THEN {value}")
    return f"(CASE {' '.join(whens)} ELSE {table[-1][0]} END)"


def q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


SCORES = [("7", 24), ("6", 26), ("5", 14), ("4", 10), ("3", 9), ("2", 8), ("1", 9)]
ETHNICITY = [("'W1'", 62), ("'W3'", 6), ("'A3'", 5), ("'A4'", 4), ("'A1'", 1), ("'A2'", 1), ("'A5'", 1)]
ETHNICITY += [("'B1'", 3), ("'B2'", 2), ("'B3'", 1), ("'M1'", 1), ("'M2'", 1), ("'M3'", 1), ("'M4'", 1)]
ETHNICITY += [("'O2'", 1), ("'NS'", 3), ("''", 6)]
GENDER = [("'female'", 50), ("'male'", 44), ("'non_binary'", 1), ("'self_described'", 1)]
GENDER += [("'not_said'", 2), ("''", 2)]
DISABILITY = [("'no'", 70), ("'yes'", 20), ("'not_said'", 4), ("''", 6)]
AGE = [(q(b), s) for b, s in [("18 to 24", 13), ("25 to 34", 20), ("35 to 44", 19), ("45 to 54", 17)]]
AGE += [(q(b), s) for b, s in [("55 to 64", 14), ("65 and over", 14), ("Not known", 3)]]
UPDATES = [("'all_on_time'", 55), ("'some_late'", 30), ("'none_due'", 15)]
SOURCE = [("'online'", 80), ("'phone'", 14), ("'in_person'", 4), ("'callback'", 2)]
MILESTONES = [("'reported'", 60), ("'nfa'", 20), ("'closed'", 20)]
STATUS = [("'recorded'", 3), ("'allocated'", 7), ("'under_investigation'", 40), ("'suspect_charged'", 8)]
STATUS += [("'court'", 7), ("'closed'", 35)]
AREAS = ["ease_of_contact", "actions", "kept_informed", "treatment", "whole_experience"]
UNANSWERED = {"ease_of_contact": 0.04, "actions": 0.04, "kept_informed": 0.08, "treatment": 0.04}
UNANSWERED["whole_experience"] = 0.05
COMMENT = "The officer was kind, but I would have liked to hear more often how things were going."


def dataset_now():
    bcu = BCU.objects.filter(code=f"{CODE}-01").first()
    return bcu.created_at if bcu else None


def build(now) -> None:
    """The whole data set, in one transaction."""
    wait = SurveyPlan.objects.get(milestone=MILESTONE, active=True).wait_days
    questionnaire = Questionnaire.objects.get(code="national", version=1)
    offences = list(
        Offence.objects.filter(active=True, is_homicide=False).order_by("id").values_list("id", flat=True)
    )
    with transaction.atomic():
        superuser = _data.bulk_load_session()
        officers = _data.staff_create(
            code=CODE, name=NAME, domain=DOMAIN, bcus=10, teams_per_bcu=10, officers_per_team=10
        )
        BCU.objects.filter(code__startswith=f"{CODE}-").update(created_at=now)
        c0, p0, v0 = _data.id_base(CRIME), _data.id_base(PERSON), _data.id_base(VICTIM)
        first_b = INVITEES + INELIGIBLE  # crimes 1..first_b: the week to invite; then the answers' crimes
        params = {
            "now": now,
            "c0": c0,
            "p0": p0,
            "v0": v0,
            "n_a": first_b,
            "n_all": first_b + RESPONSE_CRIMES,
            "eligible": INVITEES,
            "officers": [o.id for o in officers],
            "teams": [o.team_id for o in officers],
            "bcus": [o.bcu_id for o in officers],
            "offences": offences,
            "wait": timedelta(days=wait),
            "week": timedelta(days=WEEK_DAYS),
            "responses": RESPONSES,
            "rcrimes": RESPONSE_CRIMES,
            "questionnaire": questionnaire.pk,
            "comment": COMMENT,
        }
        # kind: 0 eligible; 1 under 16; 2 restricted case; 3 no safe channel; 4 said no surveys; 5 the
        # answers' crimes. `at`: the milestone (the report), inside the plan's window.
        source = """(
            SELECT g, o,
                   CASE WHEN g <= %(eligible)s THEN 0 WHEN g <= %(n_a)s THEN 1 + (g - %(eligible)s) %% 4
                        ELSE 5 END AS kind,
                   CASE WHEN g <= %(n_a)s THEN %(now)s - %(wait)s - pg_temp.u(g, 2) * %(week)s
                        ELSE %(now)s - interval '400 days' - pg_temp.u(g, 2) * interval '300 days' END AS at
            FROM (SELECT g, 1 + (g - 1) %% cardinality(%(officers)s::bigint[]) AS o
                  FROM generate_series(1, %(n_all)s) g) s
        ) s"""
        status = shares("pg_temp.u(g, 4)", STATUS)
        insert_select(
            Crime,
            {
                "id": "%(c0)s + g",
                "created_at": "at + interval '1 hour'",
                "updated_at": "at + interval '1 hour'",
                "reference": "'SV/' || lpad(g::text, 7, '0') || '/26'",
                "offence_id": pick("offences", "pg_temp.u(g, 1)"),
                "occurred_at": "at - interval '1 day'",
                "reported_at": "at",
                "recorded_at": "at + interval '1 hour'",
                "location": "'Bench Street'",
                "bcu_id": "(%(bcus)s::bigint[])[o]",
                "team_id": "(%(teams)s::bigint[])[o]",
                "oic_id": "(%(officers)s::bigint[])[o]",
                "created_by_id": "(%(officers)s::bigint[])[o]",
                "status": f"CASE WHEN kind < 5 THEN 'under_investigation' ELSE {status} END",
                "closure_reason": f"CASE WHEN kind = 5 AND {status} = 'closed' THEN 'no_suspect' ELSE '' END",
                "closed_at": f"CASE WHEN kind = 5 AND {status} = 'closed' THEN at + interval '60 days' END",
                "is_restricted": "kind = 2 OR (kind = 5 AND pg_temp.u(g, 5) < 0.01)",
            },
            source,
            params,
        )
        insert_select(
            Person,
            {
                "id": "%(p0)s + g",
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
                "title": "'Ms'",
                "first_name": "'Bench'",
                "last_name": "'Survey victim ' || g",
                # 16 to 90 on the day of the run; 12 for the under-16s
                "date_of_birth": "CASE WHEN kind = 1 THEN %(now)s::date - 12 * 365 "
                "ELSE %(now)s::date - (16 * 366 + floor(pg_temp.u(g, 6) * 74 * 365))::int END",
                "gender": "'female'",
                "ethnicity": "'W1'",
                "disability": "'no'",
                "first_language": "CASE WHEN pg_temp.u(g, 7) < 0.05 THEN 'Welsh' ELSE 'English' END",
                "email": "'survey.victim' || g || '@example.org'",
                "mobile_phone": "'07700 9' || lpad((g %% 100000)::text, 5, '0')",
                "address_line_1": "g || ' High Street'",
                "town": "'Benchford'",
                "postcode": "'BF1 1AA'",
                "preferred_contact_method": "'email'",
                "safe_email": "kind <> 3",
                "safe_sms": "false",
                "safe_letter": "false",
                "safe_phone": "kind <> 3",
                "match_key": "'bench|survey victim ' || g",
            },
            source,
            params,
        )
        insert_select(
            CrimeVictim,
            {
                "id": "%(v0)s + g",
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
                "crime_id": "%(c0)s + g",
                "person_id": "%(p0)s + g",
                "role": "'victim'",
                "added_by_id": "(%(officers)s::bigint[])[o]",
            },
            source,
            params,
        )
        insert_select(
            MilestoneReached,
            {"crime_victim_id": "%(v0)s + g", "milestone": f"'{MILESTONE}'", "at": "at"},
            source + " WHERE kind < 5",
            params,
        )
        insert_select(
            SurveySetting,
            {
                "created_at": "%(now)s",
                "updated_at": "%(now)s",
                "person_id": "%(p0)s + g",
                "wants_surveys": "false",
            },
            source + " WHERE kind = 4",
            params,
        )
        scores = {
            a: f"CASE WHEN pg_temp.u(n, {30 + i}) < {UNANSWERED[a]} THEN NULL "
            f"ELSE {shares(f'pg_temp.u(n, {40 + i})', SCORES)}::smallint END"
            for i, a in enumerate(AREAS)
        }
        answers = "jsonb_strip_nulls(jsonb_build_object(" + ", ".join(f"'{a}', {a}" for a in AREAS) + "))"
        insert_select(
            Response,
            {
                "questionnaire_id": "%(questionnaire)s",
                "crime_victim_id": "%(v0)s + g",
                "crime_id": "c.id",
                "source": shares("pg_temp.u(n, 11)", SOURCE),
                "language": "CASE WHEN pg_temp.u(n, 12) < 0.05 THEN 'cy' ELSE 'en' END",
                "submitted_at": "%(now)s - pg_temp.u(n, 13) * interval '365 days'",
                "milestone": shares("pg_temp.u(n, 14)", MILESTONES),
                "bcu_id": "c.bcu_id",
                "team_id": "c.team_id",
                "officer_id": "c.oic_id",
                "offence_group": 'f."group"',
                "case_status": "c.status",
                "closure_reason": "c.closure_reason",
                "restricted": "c.is_restricted",
                "ethnicity": shares("pg_temp.u(n, 15)", ETHNICITY),
                "gender": shares("pg_temp.u(n, 16)", GENDER),
                "disability": shares("pg_temp.u(n, 17)", DISABILITY),
                "age_band": shares("pg_temp.u(n, 18)", AGE),
                "updates": shares("pg_temp.u(n, 19)", UPDATES),
                **{a: a for a in AREAS},
                "answers": answers,
                "comments": "CASE WHEN pg_temp.u(n, 20) < 0.1 THEN %(comment)s ELSE '' END",
                "share_comments": "false",
            },
            f"""(
                SELECT n, %(n_a)s + 1 + (n - 1) %% %(rcrimes)s AS g,
                       {", ".join(f"{e} AS {a}" for a, e in scores.items())}
                FROM generate_series(1, %(responses)s) n
            ) r
            JOIN {CRIME} c ON c.id = %(c0)s + r.g
            JOIN {Offence._meta.db_table} f ON f.id = c.offence_id""",
            params,
        )
        _data.sync_sequences([CRIME, PERSON, VICTIM])
    _data.analyze(TABLES)
    print(f"survey_build_foreign_key_checks_off={'yes' if superuser else 'no'}")


def staff() -> tuple[User, User, BCU]:
    """The analyst and BCU sv-01's inspector (created once)."""
    bcu = BCU.objects.get(code=f"{CODE}-01")
    users = []
    for email, role, last in (
        (ANALYST_EMAIL, Role.ANALYST, "Analyst 1"),
        (INSPECTOR_EMAIL, Role.INSPECTOR, "Inspector 1"),
    ):
        user = (
            User.objects.filter(email=email).first()
            or User.objects.create_user(
                email,
                None,  # bench staff never sign in with a password
                first_name=NAME,
                last_name=last,
                role=role,
                shoulder_number=f"{CODE.upper()} {role.upper()[:4]} 1",
            )
        )
        users.append(user)
    bcu.inspectors.add(users[1])
    return users[0], users[1], bcu


def bench_victims():
    return CrimeVictim.objects.filter(crime__bcu__code__startswith=f"{CODE}-")


def invitations_clear() -> int:
    """Remove what earlier invitation runs wrote (their outbox rows too), so each run starts from none."""
    victims = bench_victims().values("pk")
    n, _ = Message.objects.filter(kind=MessageKind.SURVEY, crime_victim__in=victims).delete()
    m, _ = Invitation.objects.filter(crime_victim__in=victims).delete()
    return m


class Broker:
    """Counts and times the outbox's task publishing (deliver_message.delay() for one message,
    deliver_messages.delay() for a batch, as the invitation run uses); with the broker unreachable,
    replaces them."""

    NAMES = ("deliver_message", "deliver_messages")

    def __init__(self) -> None:
        from messaging import tasks

        self.tasks = tasks
        self.originals = {name: getattr(tasks, name) for name in self.NAMES}
        self.calls = 0
        self.seconds = 0.0
        self.reachable = self._reachable()

    @staticmethod
    def _reachable() -> bool:
        from victimcare.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            return True
        except Exception:  # noqa: BLE001 - any failure: do not time a down broker
            return False

    def _wrap(self, name):
        original = self.originals[name]
        broker = self

        class Task:
            @staticmethod
            def delay(*args, **kwargs):
                broker.calls += 1
                t0 = time.perf_counter()
                try:
                    return original.delay(*args, **kwargs) if broker.reachable else None
                finally:
                    broker.seconds += time.perf_counter() - t0

        return Task

    def __enter__(self):
        for name in self.NAMES:
            setattr(self.tasks, name, self._wrap(name))
        return self

    def __exit__(self, *exc) -> None:
        for name, original in self.originals.items():
            setattr(self.tasks, name, original)

    def purge(self) -> int:
        from victimcare.celery import app

        return app.control.purge() if self.reachable else 0


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def invite_floor(now) -> float:
    """The same Invitation and Message rows, written with bulk_create alone; rolled back."""

    class Undo(Exception):
        pass

    victims = bench_victims().values("pk")
    invitations = list(Invitation.objects.filter(crime_victim__in=victims, created_at=now).values())
    messages = list(Message.objects.filter(kind=MessageKind.SURVEY, crime_victim__in=victims).values())
    took = 0.0
    try:
        with transaction.atomic():
            Message.objects.filter(kind=MessageKind.SURVEY, crime_victim__in=victims).delete()
            Invitation.objects.filter(crime_victim__in=victims, created_at=now).delete()
            t0 = time.perf_counter()
            Invitation.objects.bulk_create(
                [Invitation(**{k: v for k, v in row.items() if k != "id"}) for row in invitations],
                batch_size=services.CHUNK,
            )
            Message.objects.bulk_create(
                [Message(**{k: v for k, v in row.items() if k != "id"}) for row in messages],
                batch_size=services.CHUNK,
            )
            took = time.perf_counter() - t0
            raise Undo
    except Undo:
        pass
    return took


def invite(now) -> bool:
    SurveyPlan.objects.update(rate_percent=100)
    PlanRate.objects.update(rate_percent=100)
    cleared = invitations_clear()
    if cleared:
        print(f"survey_invite_cleared_from_earlier_runs={cleared}")
    _data.analyze([Invitation._meta.db_table, Message._meta.db_table])
    with Broker() as broker:
        print(f"survey_invite_broker={'real (' + redacted_broker() + ')' if broker.reachable else 'stubbed'}")
        counter = Counter()
        with connection.execute_wrapper(counter):
            t0 = time.perf_counter()
            first = services.invitations_send(now=now)
            batch = time.perf_counter() - t0
        queries = counter.n
        published, broker_seconds = broker.calls, broker.seconds
        t0 = time.perf_counter()
        again = services.invitations_send(now=now)
        rerun = time.perf_counter() - t0
        purged = broker.purge()
    floor = invite_floor(now)
    messages = Message.objects.filter(kind=MessageKind.SURVEY, crime_victim__in=bench_victims().values("pk"))
    print(f"survey_invite_eligible={INVITEES}")
    print(f"survey_invite_invited={first.invited}")
    print(f"survey_invite_not_eligible={first.not_eligible}")
    print(f"survey_invite_not_sampled={first.not_sampled}")
    print(f"survey_invite_messages={messages.count()}")
    print(f"survey_invite_welsh_messages={messages.filter(language='cy').count()}")
    print(f"survey_invite_batch_seconds={batch:.2f}")
    print(f"survey_invite_per_second={first.invited / batch:.0f}")
    print(f"survey_invite_queries={queries}")
    print(f"survey_invite_broker_seconds={broker_seconds:.2f}")
    print(f"survey_invite_tasks_published={published}")
    print(f"survey_invite_tasks_purged={purged}")
    print(f"survey_invite_rerun_seconds={rerun:.2f}")
    print(f"survey_invite_rerun_invited={again.invited}")
    print(f"survey_invite_floor_seconds={floor:.2f}")
    print(f"survey_invite_ratio={batch / floor:.1f}")
    print(f"survey_invite_target_met={'yes' if batch < 30 and first.invited == INVITEES else 'no'}")
    invitations_clear()
    _data.analyze([Invitation._meta.db_table, Message._meta.db_table])
    return first.invited == INVITEES and again.invited == 0


def redacted_broker() -> str:
    from victimcare.celery import app

    conn = app.connection_for_write()
    return f"{conn.transport_cls}://{conn.hostname}:{conn.port}/{conn.virtual_host}"


def results() -> bool:
    analyst, inspector, bcu = staff()
    floor = timed_gets(Client(), "/healthz", runs=100)
    floor_page = _data.p50(floor["samples"])
    print(f"floor_page_p50_ms={floor_page:.2f}")
    print(f"floor_select1_p50_ms={select1_p50_ms():.3f}")
    address = reverse("reporting:satisfaction")
    ok = True
    for name, user in (("survey_results", analyst), ("survey_results_bcu", inspector)):
        client = Client()
        client.force_login(user)
        m = timed_gets(client, address, RUNS)
        if m["status"] != 200:
            print(f"{name}_p95_ms=failed (GET {address} as {user.role}: {m['status']})")
            ok = False
            continue
        p95 = _data.p95(m["samples"])
        print(f"{name}_p50_ms={_data.p50(m['samples']):.1f}")
        print(f"{name}_p95_ms={p95:.1f}")
        print(f"{name}_queries={m['queries']}")
        print(f"{name}_sql_ms={m['sql_ms']:.1f}")
        print(f"{name}_kb={m['bytes'] / 1024:.0f}")
        print(f"{name}_p50_over_floor={_data.p50(m['samples']) / floor_page:.0f}")
        print(f"{name}_target_met={'yes' if p95 < 300 else 'no'}")
    return ok


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"survey_results_p95_ms=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://.../vc_bench_surveys)"
        )
        return 0
    print(f"survey_database={connection.settings_dict['NAME']}")
    print(f"survey_loadavg_before={_loadavg()}")
    now = dataset_now()
    if now is None:
        now = timezone.now().replace(microsecond=0)
        t0 = time.perf_counter()
        build(now)
        print(f"survey_build_seconds={time.perf_counter() - t0:.1f}")
    counts = _data.row_counts([Response._meta.db_table, MilestoneReached._meta.db_table, CRIME])
    print(f"survey_responses={counts[Response._meta.db_table]}")
    print(f"survey_milestones={counts[MilestoneReached._meta.db_table]}")
    print(f"survey_crimes={counts[CRIME]}")
    # The answers are loaded by SQL, past the one writer that counts them into the satisfaction cells:
    # count them when the cells do not add up to the answers (timed; the page reads the cells).
    counted = SatisfactionCell.objects.filter(dimension="").aggregate(n=Sum("n"))["n"] or 0
    if counted != counts[Response._meta.db_table]:
        t0 = time.perf_counter()
        cells = rollup.rebuild()
        print(f"survey_cells_rebuild_seconds={time.perf_counter() - t0:.1f}")
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {SatisfactionCell._meta.db_table}")
    else:
        cells = SatisfactionCell.objects.count()
    print(f"survey_cells={cells}")
    ok = invite(now)
    ok = results() and ok
    print(f"survey_loadavg_after={_loadavg()}")
    return 0 if ok else 1


def main() -> int:
    if connection.vendor == "postgresql":
        if os.environ.get("BENCH_SURVEYS_REBUILD") == "1":
            drop_database()
        _data.ensure_database()
        call_command("migrate", verbosity=0)
    return run()


def drop_database() -> None:
    """For BENCH_SURVEYS_REBUILD=1: only a database of this bench's own is dropped."""
    name = connection.settings_dict["NAME"]
    if "bench_surveys" not in name:
        raise SystemExit(f"BENCH_SURVEYS_REBUILD=1 drops the database; {name!r} is not the surveys bench's.")
    connection.close()
    with connection._nodb_cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
