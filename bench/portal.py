"""Benchmark of the victim portal's signed-in case page (GET /portal/case/) on 1,000,000 crimes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_portal .venv/bin/python -m bench.portal

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run. `make bench`
runs it on a database of its own (vc_bench_portal, beside the one in DATABASE_URL), so its million crimes
never weigh on the other benchmarks' figures.

The database is created and migrated if missing. The data set is built once, in one transaction (a run
killed half-way leaves nothing behind), by set-based INSERT ... SELECT FROM generate_series (see
bench/_data.py); later runs reuse it (the marker is BCU "pb-01", whose created_at is the data set's "now").

- 10 BCUs x 10 teams x 10 officers (1,000 officers).
- 1,000,000 crimes recorded over two years (more of them recent), offences weighted like police-recorded
  crime (seed_demo.OFFENCE_WEIGHTS); status by age: the older, the likelier closed, with a closure reason;
  15% domestic abuse, 3% hate crime.
- 1,050,000 people and victims: one per crime, a second one on every 20th crime; every person has a
  date of birth (the portal's second factor).
- case events: each crime's lifecycle replayed from paths that the event registry accepts (recorded,
  allocated, arrest, interview, bail, charge, hearings, outcome, closure...) with their details.
- obligations: for each victim the four duties on being added, one per qualifying event (rules of
  vcop-2020), and the 28-day progress updates (the current one and up to three before it); most met, the
  rest open (about 4% of those past their deadline are still open), reminders and escalations marked as
  an earlier scan would have.
- portal accounts: every 10th victim active (100,000) with the same known password (one Argon2 hash,
  reused), 2% invited, 1% closed. Each active victim has 0 to 7 portal messages (standard messages,
  officer messages, their own questions), most with an email or text alert; every 10th other victim had a
  letter. A contact plan per victim; stolen property on acquisitive crimes.
- the heavy victim: crime PB/0777770/26, at court after 700 days, 40 more hearing updates, 200 portal
  messages (with alerts), and a victim on two more crimes.

Figures (one `name=value` line each): data sizes, then the page, signed in through the real portal
sign-in form (POST /portal/ with reference, date of birth and password) as several victims (one per crime
status, and the heavy one): BENCH_PORTAL_RUNS timed GETs (default 200, after 20 warm-up), round robin.
portal_status_p50_ms, portal_status_p95_ms (target < 100), portal_status_queries (the most of any victim),
and the heavy victim's own p95 and queries. "unavailable" while the portal has no sign-in page.
"""

import os
import sys
import time
from collections import defaultdict
from datetime import datetime

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data  # noqa: E402
from cases.events import REGISTRY, status_after  # noqa: E402
from cases.models import CaseEvent, Crime, CrimeVictim, Offence, Person, PropertyItem  # noqa: E402
from contacts.models import ContactPlan, Obligation, Rule
from messaging.models import Message
from portal.models import PortalAccount  # noqa: E402
from victimcare.accounts.models import BCU  # noqa: E402
from victimcare.demo import data as seed_demo  # noqa: E402

CRIMES = int(os.environ.get("BENCH_PORTAL_CRIMES", "1000000"))
RUNS = int(os.environ.get("BENCH_PORTAL_RUNS", "200"))
WARMUP = 20
SPAN_DAYS = 730
CODE, NAME, DOMAIN, REFERENCE_PREFIX = "pb", "Portal bench", "portal-bench.police.uk", "PB"
BCUS, TEAMS_PER_BCU, OFFICERS_PER_TEAM = 10, 10, 10
SECOND_VICTIM_EVERY = 20  # crimes g = 20j + 7 have a second victim
ACCOUNT_EVERY = 10  # the victims of crimes g = 10j have an active portal account
LETTER_EVERY = 10  # ... and of crimes g = 10j + 3 had a letter
MAX_PORTAL_MESSAGES = 7
HEAVY = (CRIMES * 7 // 9) // ACCOUNT_EVERY * ACCOUNT_EVERY  # 777,770 of 1,000,000; has an account
HEAVY_MESSAGES, HEAVY_HEARINGS, HEAVY_OTHER_CRIMES, HEAVY_AGE_DAYS = 200, 40, 2, 700
PASSWORD = "bench-portal-victim-2026"
SIGN_IN_URL, CASE_URL = "/portal/", "/portal/case/"
RULE_SET = "vcop-2020"

CRIME = Crime._meta.db_table
PERSON = Person._meta.db_table
VICTIM = CrimeVictim._meta.db_table
EVENT = CaseEvent._meta.db_table
OBLIGATION = Obligation._meta.db_table
MESSAGE = Message._meta.db_table
ACCOUNT = PortalAccount._meta.db_table
PLAN = ContactPlan._meta.db_table
PROPERTY = PropertyItem._meta.db_table
TABLES = [CRIME, PERSON, VICTIM, EVENT, OBLIGATION, MESSAGE, ACCOUNT, PLAN, PROPERTY]

# --- case lifecycles ------------------------------------------------------------------------------------
# (events after RECORDED and ALLOCATED, weight); the shapes of victimcare.demo.crimes.DemoSeeder._plan_events.
INVESTIGATION = [
    (["ARREST", "INTERVIEW", "BAIL"], 30),
    (["ARREST", "INTERVIEW", "RUI"], 30),
    (["INTERVIEW"], 15),
    (["ARREST", "INTERVIEW", "BAIL", "BAIL_CHANGED"], 5),
    (["ARREST", "INTERVIEW", "BAIL", "RUI"], 5),
    (["ARREST"], 8),
    (["REALLOCATED", "ARREST", "INTERVIEW", "RUI"], 4),
    (["WITNESS_STATEMENT", "ARREST", "INTERVIEW", "BAIL"], 3),
]
CHARGE = [
    (["ARREST", "INTERVIEW", "CHARGED"], 40),
    (["ARREST", "INTERVIEW", "BAIL", "CHARGED"], 25),
    (["INTERVIEW", "CHARGED"], 20),
    (["ARREST", "INTERVIEW", "RUI", "CHARGED"], 15),
]
COURT = [(c + ["HEARING_DETAILS"], w * 6) for c, w in CHARGE] + [
    (c + ["HEARING_DETAILS", "HEARING_DETAILS"], w * 4) for c, w in CHARGE
]
OUTCOME = [(c + ["OUTCOME"], w) for c, w in COURT]
CLOSURES = {  # closure reason -> (share of closed crimes, paths before CLOSED)
    "no_suspect": (35, [([], 1)]),
    "evidential_difficulties": (
        20,
        [(c + ["NOT_PROSECUTED"], w) for c, w in INVESTIGATION]
        + [(["ARREST", "INTERVIEW", "RELEASED_NFA"], 60)],
    ),
    "victim_does_not_support": (13, [([], 1), (["ARREST", "INTERVIEW", "RUI"], 1)]),
    "not_in_public_interest": (3, [(["INTERVIEW", "NOT_PROSECUTED"], 1)]),
    "out_of_court": (7, [(["INTERVIEW", "OUT_OF_COURT"], 1), (["ARREST", "INTERVIEW", "OUT_OF_COURT"], 1)]),
    "court_outcome": (8, OUTCOME),
    "not_investigated": (12, [(["NOT_INVESTIGATED"], 1)]),
    "cancelled": (2, [([], 1)]),
}
OPEN_STATUSES = [  # (status, share of open crimes, paths)
    ("allocated", 8, [([], 1)]),
    ("under_investigation", 67, INVESTIGATION),
    ("suspect_charged", 13, CHARGE),
    ("court", 12, COURT),
]
# Which vcop-2020 duties a case event starts (RECORDED: the duties of adding a victim).
EVENT_DUTIES = {
    "RECORDED": ["ACKNOWLEDGE", "CONTACT_PLAN", "NEEDS_ASSESSMENT", "SUPPORT_REFERRAL"],
    "ARREST": ["ARREST"],
    "INTERVIEW": ["INTERVIEW"],
    "BAIL": ["BAIL"],
    "RUI": ["BAIL"],
    "BAIL_CHANGED": ["BAIL_CHANGED"],
    "RELEASED_NFA": ["RELEASE_NO_FURTHER_ACTION"],
    "CHARGED": ["CHARGE", "VPS_OFFER"],
    "HEARING_DETAILS": ["HEARING_DATE"],
    "OUTCOME": ["OUTCOME_SENTENCE"],
    "OUT_OF_COURT": ["OUT_OF_COURT"],
    "NOT_INVESTIGATED": ["NOT_INVESTIGATED"],
    "NOT_PROSECUTED": ["NOT_PROSECUTED"],
    "CLOSED": ["CLOSURE"],
    "REALLOCATED": ["OFFICER_INTRODUCTION"],
}


def lifecycle_paths() -> list[tuple[str, str, list[str]]]:
    """(status, closure reason, event codes), one row per unit of weight, each checked against the event
    registry as the service would (allowed from the state it is recorded in, ending in the crime's status)."""
    rows = []

    def add(status: str, reason: str, paths: list[tuple[list[str], int]]) -> None:
        for codes, weight in paths:
            full = ["RECORDED", "ALLOCATED", *codes] + (["CLOSED"] if status == "closed" else [])
            current = "recorded"
            for code in full[1:]:
                et = REGISTRY[code]
                assert current in et.allowed_from, (code, current, full)
                current = status_after(et, current)
            assert current == status, (full, current, status)
            rows.extend([(status, reason, full)] * weight)

    rows.append(("recorded", "", ["RECORDED"]))
    for status, _share, paths in OPEN_STATUSES:
        add(status, "", paths)
    for reason, (_share, paths) in CLOSURES.items():
        add("closed", reason, paths)
    return rows


def pick(array: str, u: str, kind: str = "text") -> str:
    """SQL: the element of array parameter `array` at uniform `u` in [0, 1)."""
    return f"(%({array})s::{kind}[])[1 + floor({u} * cardinality(%({array})s::{kind}[]))::int]"


def cumulative_case(value: str, shares: list[tuple[str, float]]) -> str:
    """SQL CASE picking a label by cumulative share of `value` in [0, 1)."""
    total, at, whens = sum(s for _, s in shares), 0.0, []
    for label, share in shares[:-1]:
        at += share / total
        whens.append(f"WHEN {value} < {at:.6f} THEN '{label}'")
    return f"CASE {' '.join(whens)} ELSE '{shares[-1][0]}' END"


# --- texts ----------------------------------------------------------------------------------------------
STANDARD_BODIES = [
    "Dear {name},\n\nThank you for reporting the crime to us. Your crime reference is {ref}. An officer has "
    "been given your case and will contact you within the time set out in the Victims' Code. You can read "
    "about your rights, and about the support services that can help you whether or not you reported the "
    "crime, on the Victim Support website.\n\nIf you have more information about the crime, reply here or "
    "call 101 quoting your crime reference.",
    "Dear {name},\n\nThis is your regular update on {ref}. The investigation is continuing: the officer in "
    "charge is reviewing the evidence gathered so far, including CCTV and statements from witnesses. We "
    "will update you again within 28 days, or sooner if something important happens.",
    "Dear {name},\n\nA suspect was arrested and interviewed in connection with {ref}. They have been "
    "released on bail with conditions while enquiries continue. If you see the suspect break any of the "
    "conditions, call 999 at once.",
    "Dear {name},\n\nThe suspect in {ref} has been charged and will appear at the magistrates' court. The "
    "Witness Care Unit will be your point of contact from now on and will tell you the date of each "
    "hearing within one working day of hearing it themselves.",
]
OFFICER_BODIES = [
    "Hello {name}, I have now viewed the CCTV from the shops opposite. It shows two people near your car "
    "at about 02:30 but their faces are not clear. I am asking the neighbouring houses for doorbell "
    "footage and will let you know what I find by the end of next week.",
    "Hello {name}, thank you for your question. The suspect's bail conditions mean they must not contact "
    "you directly or through anyone else. If they do, please call 999 and quote {ref}.",
    "Hello {name}, just to let you know I will be on leave from Monday for two weeks. My sergeant is "
    "aware of your case and you can reply here as usual; a colleague will answer.",
]
VICTIM_BODIES = [
    "Is there any news about my case? I have not heard anything for a while.",
    "I have found the receipt for the laptop that was taken. Do you need a copy?",
    "Can I get a copy of my statement please?",
    "The man has been seen outside my house again. What should I do?",
]
PROPERTY_ITEMS = [
    ("Mobile phone (black iPhone 13, cracked case)", 450),
    ("Laptop (silver, 13 inch)", 700),
    ("Bicycle (blue mountain bike)", 350),
    ("Handbag with purse and bank cards", 120),
    ("Gold necklace with a heart pendant", 300),
    ("Cash", 80),
    ("Power tools (drill and angle grinder)", 260),
    ("Car keys and house keys", 150),
]


def names() -> tuple[list[str], list[str], list[str]]:
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(seed_demo.SEED)
    female = sorted({fake.first_name_female() for _ in range(3000)})
    male = sorted({fake.first_name_male() for _ in range(3000)})
    last = sorted({fake.last_name() for _ in range(5000)})
    return female, male, last


# --- the data set ---------------------------------------------------------------------------------------
def dataset_now() -> datetime | None:
    bcu = BCU.objects.filter(code=f"{CODE}-01").first()
    return bcu.created_at if bcu else None


def seed(now: datetime) -> dict[str, float]:
    """Everything in one transaction; returns the seconds each step took."""
    offences = dict(Offence.objects.filter(active=True, is_homicide=False).values_list("code", "id"))
    slots = [
        offences[c]
        for c, w in seed_demo.OFFENCE_WEIGHTS.items()
        if c in offences
        for _ in range(round(w * 4))
    ]
    if not slots:
        raise SystemExit("No offences loaded: run `manage.py migrate` first.")
    rules = {r.code: r for r in Rule.objects.filter(rule_set__code=RULE_SET)}
    female, male, last = names()
    towns = [(town, district) for _, _, places in seed_demo.BCU_SPECS for town, district in places]
    summaries = [s for group in seed_demo.SUMMARIES.values() for s in group]
    password = make_password(PASSWORD)  # hashed once: every bench account shares it
    timings = {}
    with transaction.atomic():
        t0 = time.perf_counter()
        superuser = _data.bulk_load_session()
        officers = _data.staff_create(
            code=CODE,
            name=NAME,
            domain=DOMAIN,
            bcus=BCUS,
            teams_per_bcu=TEAMS_PER_BCU,
            officers_per_team=OFFICERS_PER_TEAM,
            supervisors_per_team=2,
        )
        BCU.objects.filter(code=f"{CODE}-01").update(created_at=now)
        ids = {t: _data.id_base(t) for t in (CRIME, PERSON, VICTIM)}
        n2 = (CRIMES - 7) // SECOND_VICTIM_EVERY + 1
        p = {
            "now": now,
            "n": CRIMES,
            "n2": n2,
            "c0": ids[CRIME],
            "p0": ids[PERSON],
            "v0": ids[VICTIM],
            "span": SPAN_DAYS,
            "heavy": HEAVY,
            "officers": [o.id for o in officers],
            "teams": [o.team_id for o in officers],
            "bcus": [o.bcu_id for o in officers],
            "offences": slots,
            "summaries": summaries,
            "female": female,
            "male": male,
            "last": last,
            "towns": [t for t, _ in towns],
            "districts": [d for _, d in towns],
            "streets": [f"{s} {x}" for s in seed_demo.STREET_STEMS for x in seed_demo.STREET_SUFFIXES[:6]],
            "suspects": [f"{m} {s}" for m, s in zip(male[:40], last[100:140], strict=True)]
            + ["Unknown male, 20s, dark clothing", "Male, 30s, known to the victim"],
            "bail": seed_demo.BAIL_CONDITIONS,
            "nfa": seed_demo.NFA_REASONS,
            "not_investigated": seed_demo.NOT_INVESTIGATED_REASONS,
            "not_prosecuted": seed_demo.NOT_PROSECUTED_REASONS,
            "sentences": [f"{o}. {s}".strip(". ") for o, s, _ in seed_demo.SENTENCES],
            "hash": password,
            "standard": STANDARD_BODIES,
            "officer_bodies": OFFICER_BODIES,
            "victim_bodies": VICTIM_BODIES,
            "property": [d for d, _ in PROPERTY_ITEMS],
            "values": [v for _, v in PROPERTY_ITEMS],
            "heavy_messages": HEAVY_MESSAGES,
            "max_messages": MAX_PORTAL_MESSAGES,
            "account_every": ACCOUNT_EVERY,
            "letter_every": LETTER_EVERY,
        }
        timings["staff"] = time.perf_counter() - t0
        with connection.cursor() as cur:

            def step(name: str, sql: str, params: dict | None = None) -> None:
                t = time.perf_counter()
                cur.execute(sql, params if params is not None else p)
                timings[name] = timings.get(name, 0) + time.perf_counter() - t

            step("crimes", _crimes_sql())
            step("crimes", HEAVY_CRIME_SQL)
            step("people", PEOPLE_SQL)
            step("victims", VICTIMS_SQL)
            step("accounts", ACCOUNTS_SQL)
            _paths_table(cur)
            step("events", EVENTS_SQL)
            step("events", HEAVY_EVENTS_SQL, {**p, "hearings": HEAVY_HEARINGS})
            _rules_table(cur, rules)
            step("obligations", OBLIGATIONS_SQL)
            step("messages", PORTAL_MESSAGES_SQL)
            step("messages", ALERTS_SQL)
            step("messages", LETTERS_SQL)
            step("contact_plans", PLANS_SQL)
            step("property", PROPERTY_SQL)
        _data.sync_sequences(TABLES)
    t = time.perf_counter()
    _data.analyze(TABLES)
    timings["analyze"] = time.perf_counter() - t
    timings["fk_checks_skipped"] = float(superuser)
    return timings


def _crimes_sql() -> str:
    reason = cumulative_case("ur", [(r, share) for r, (share, _) in CLOSURES.items()])
    open_status = cumulative_case("uo", [(s, share) for s, share, _ in OPEN_STATUSES])
    return f"""
    INSERT INTO {CRIME} (
        id, created_at, updated_at, reference, occurred_at, occurred_to, reported_at, recorded_at, location,
        summary, status, closure_reason, closed_at, is_domestic_abuse, is_hate_crime, is_sensitive,
        is_restricted, bcu_id, created_by_id, oic_id, team_id, offence_id
    )
    WITH b AS (
        SELECT g, power(pg_temp.u(g, 1), 1.6) * %(span)s + 0.02 AS age, pg_temp.u(g, 2) AS us,
               pg_temp.u(g, 3) AS ur, pg_temp.u(g, 8) AS uo, pg_temp.u(g, 6) AS uf, pg_temp.u(g, 7) AS uc,
               1 + floor(pg_temp.u(g, 4) * cardinality(%(officers)s::bigint[]))::int AS oi,
               1 + floor(pg_temp.u(g, 5) * cardinality(%(offences)s::bigint[]))::int AS fi,
               1 + floor(pg_temp.u(g, 9) * cardinality(%(towns)s::text[]))::int AS ti
        FROM generate_series(1, %(n)s) g
    ), s AS (
        SELECT b.*, %(now)s - age * interval '1 day' AS rec,
               CASE WHEN age < 0.3 THEN CASE WHEN us < 0.4 THEN 'recorded' ELSE 'allocated' END
                    WHEN us < least(0.9, 0.2 + age / 365 * 0.7) THEN 'closed'
                    ELSE {open_status} END AS status
        FROM b
    )
    SELECT %(c0)s + g, rec, rec,
           '{REFERENCE_PREFIX}/' || lpad(g::text, 7, '0') || '/26',
           rec - (3 + 45 * pg_temp.u(g, 10)) * interval '1 hour', NULL,
           rec - 20 * pg_temp.u(g, 10) * interval '1 minute', rec,
           (1 + g %% 150)::text || ' ' || (%(streets)s::text[])[1 + g %% cardinality(%(streets)s::text[])]
               || ', ' || (%(towns)s::text[])[ti],
           (%(summaries)s::text[])[1 + floor(pg_temp.u(g, 11) * cardinality(%(summaries)s::text[]))::int],
           status, CASE WHEN status = 'closed' THEN {reason} ELSE '' END,
           CASE WHEN status = 'closed' THEN rec + age * (0.15 + 0.8 * uc) * interval '1 day' END,
           uf < 0.15, uf >= 0.15 AND uf < 0.18, uf >= 0.18 AND uf < 0.20, uf < 0.002,
           (%(bcus)s::bigint[])[oi], (%(officers)s::bigint[])[oi],
           CASE WHEN status = 'recorded' THEN NULL ELSE (%(officers)s::bigint[])[oi] END,
           (%(teams)s::bigint[])[oi], (%(offences)s::bigint[])[fi]
    FROM s
    """


HEAVY_CRIME_SQL = f"""
    UPDATE {CRIME} SET status = 'court', closure_reason = '', closed_at = NULL,
        recorded_at = %(now)s - {HEAVY_AGE_DAYS} * interval '1 day',
        created_at = %(now)s - {HEAVY_AGE_DAYS} * interval '1 day',
        reported_at = %(now)s - {HEAVY_AGE_DAYS} * interval '1 day' - interval '10 minutes',
        occurred_at = %(now)s - {HEAVY_AGE_DAYS} * interval '1 day' - interval '5 hours',
        oic_id = created_by_id
    WHERE id = %(c0)s + %(heavy)s
"""

# People 1..n are the crimes' first victims, n+1..n+n2 the second victims of crimes 20j + 7.
PEOPLE_SQL = f"""
    INSERT INTO {PERSON} (
        id, created_at, updated_at, title, first_name, last_name, date_of_birth, gender, ethnicity,
        disability, disability_details, first_language, interpreter_needed, needs_large_print,
        needs_easy_read, needs_braille, mobile_phone, other_phone, email, address_line_1, address_line_2,
        town, postcode,
        preferred_contact_method, preferred_contact_times, safe_phone, safe_voicemail, safe_sms, safe_email,
        safe_letter, safe_visit, match_key
    )
    WITH b AS (
        SELECT n, pg_temp.u(n, 101) < 0.52 AS female, pg_temp.u(n, 102) AS uf, pg_temp.u(n, 103) AS ul,
               1 + floor(pg_temp.u(n, 104) * cardinality(%(towns)s::text[]))::int AS ti,
               pg_temp.u(n, 105) AS us, pg_temp.u(n, 106) AS ud, pg_temp.u(n, 107) AS uc
        FROM generate_series(1, %(n)s + %(n2)s) n
    ), nm AS (
        SELECT b.*,
               CASE WHEN female THEN {pick("female", "uf")} ELSE {pick("male", "uf")} END AS first,
               {pick("last", "ul")} AS last
        FROM b
    )
    SELECT %(p0)s + n, %(now)s, %(now)s, CASE WHEN female THEN 'Ms' ELSE 'Mr' END, first, last,
           date '1935-01-01' + floor(ud * 25500)::int, CASE WHEN female THEN 'female' ELSE 'male' END,
           CASE WHEN uc < 0.8 THEN 'W1' WHEN uc < 0.87 THEN 'W5' WHEN uc < 0.92 THEN 'A3' WHEN uc < 0.96
                THEN 'B1' ELSE 'NS' END,
           CASE WHEN pg_temp.u(n, 108) < 0.15 THEN 'yes' ELSE 'no' END, '', 'English', false,
           pg_temp.u(n, 109) < 0.02, false, false,
           '07700 900' || lpad((n %% 1000)::text, 3, '0'), '',
           lower(first) || '.' || n || '@example.org',
           (1 + n %% 120)::text || ' ' || {pick("streets", "pg_temp.u(n, 110)")}, '',
           (%(towns)s::text[])[ti],
           (%(districts)s::text[])[ti] || ' ' || (1 + n %% 9)::text
               || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + (n / 9)::int %% 20, 1)
               || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + (n / 180)::int %% 20, 1),
           CASE WHEN us < 0.5 THEN 'phone' WHEN us < 0.75 THEN 'email' WHEN us < 0.9 THEN 'sms'
                ELSE 'letter' END,
           CASE WHEN us < 0.6 THEN 'Any time' ELSE 'Weekdays after 17:00' END,
           us < 0.9, us < 0.6, us < 0.75, us < 0.7, us < 0.85, us < 0.7,
           lower(first) || '|' || lower(last)
    FROM nm
"""

VICTIMS_SQL = f"""
    INSERT INTO {VICTIM} (id, created_at, updated_at, role, relationship, added_by_id, crime_id, person_id)
    SELECT %(v0)s + g, c.recorded_at, c.recorded_at, 'victim', '', c.created_by_id, c.id, %(p0)s + g
    FROM generate_series(1, %(n)s) g JOIN {CRIME} c ON c.id = %(c0)s + g
    UNION ALL
    SELECT %(v0)s + %(n)s + j + 1, c.recorded_at, c.recorded_at, 'victim', '', c.created_by_id, c.id,
           %(p0)s + %(n)s + j + 1
    FROM generate_series(0, %(n2)s - 1) j JOIN {CRIME} c ON c.id = %(c0)s + {SECOND_VICTIM_EVERY} * j + 7
    UNION ALL  -- the heavy victim is a victim on the next crimes too
    SELECT %(v0)s + %(n)s + %(n2)s + i, c.recorded_at, c.recorded_at, 'victim', '', c.created_by_id, c.id,
           %(p0)s + %(heavy)s
    FROM generate_series(1, {HEAVY_OTHER_CRIMES}) i JOIN {CRIME} c ON c.id = %(c0)s + %(heavy)s + i
"""

ACCOUNTS_SQL = f"""
    INSERT INTO {ACCOUNT} (
        created_at, updated_at, status, password, alerts, language, activated_at, last_sign_in_at,
        password_changed_at, invited_by_id, person_id
    )
    SELECT least(%(now)s, c.recorded_at + interval '1 day'), %(now)s,
           CASE WHEN g %% %(account_every)s = 0 THEN 'active' WHEN g %% 50 = 5 THEN 'invited'
                ELSE 'closed' END,
           CASE WHEN g %% 50 = 5 THEN '' ELSE %(hash)s END,
           pg_temp.u(g, 51) < 0.9, CASE WHEN pg_temp.u(g, 52) < 0.02 THEN 'cy' ELSE 'en' END,
           CASE WHEN g %% 50 <> 5 THEN least(%(now)s, c.recorded_at + interval '2 days') END,
           CASE WHEN g %% 50 <> 5 THEN %(now)s - pg_temp.u(g, 53) * (%(now)s - c.recorded_at) END,
           CASE WHEN g %% 50 <> 5 THEN least(%(now)s, c.recorded_at + interval '2 days') END,
           c.oic_id, %(p0)s + g
    FROM generate_series(1, %(n)s) g JOIN {CRIME} c ON c.id = %(c0)s + g
    WHERE g %% %(account_every)s = 0 OR g %% 50 = 5 OR g %% 100 = 25
"""


def _paths_table(cur) -> None:
    rows = lifecycle_paths()
    cur.execute(
        "CREATE TEMP TABLE pb_path (status text, reason text, variant int, codes text[]) ON COMMIT DROP"
    )
    variants: dict[tuple[str, str], int] = defaultdict(int)
    values = []
    for status, reason, codes in rows:
        values.append((status, reason, variants[status, reason], codes))
        variants[status, reason] += 1
    cur.executemany("INSERT INTO pb_path VALUES (%s, %s, %s, %s)", values)
    cur.execute(
        "CREATE TEMP TABLE pb_path_n ON COMMIT DROP AS "
        "SELECT status, reason, count(*)::int AS n FROM pb_path GROUP BY status, reason"
    )
    cur.execute("ANALYZE pb_path; ANALYZE pb_path_n")


def _event_details(code: str, at: str) -> str:
    """SQL jsonb for the event's details (victimcare.demo.crimes.DemoSeeder._details), from the crime row
    `c` and time `at`."""
    iso = "to_char(({}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"

    def by_crime(array: str) -> str:
        return f"(%({array})s::text[])[1 + (c.id %% cardinality(%({array})s::text[]))::int]"

    court = (
        "(%(towns)s::text[])[1 + (c.bcu_id %% cardinality(%(towns)s::text[]))::int] || ' Magistrates'' Court'"
    )
    return f"""CASE {code}
        WHEN 'ARREST' THEN jsonb_build_object('suspect', {by_crime("suspects")})
        WHEN 'INTERVIEW' THEN jsonb_build_object('suspect', {by_crime("suspects")})
        WHEN 'BAIL' THEN jsonb_build_object('conditions', {by_crime("bail")},
                                            'return_at', {iso.format(at + " + interval '21 days'")})
        WHEN 'BAIL_CHANGED' THEN jsonb_build_object(
            'conditions', 'Condition not to enter the victim''s street removed; no-contact stays.',
            'reason', 'Suspect has moved out of the area; victim consulted and content.')
        WHEN 'RELEASED_NFA' THEN jsonb_build_object('reason', {by_crime("nfa")})
        WHEN 'CHARGED' THEN jsonb_build_object('charges', 'As recorded (1 count)', 'court', {court},
                                               'first_hearing_at', {iso.format(at + " + interval '14 days'")})
        WHEN 'HEARING_DETAILS' THEN jsonb_build_object(
            'hearing_at', {iso.format(at + " + interval '10 days'")}, 'court', {court},
            'hearing_type', 'first')
        WHEN 'OUTCOME' THEN jsonb_build_object('outcome', {by_crime("sentences")})
        WHEN 'OUT_OF_COURT' THEN jsonb_build_object('disposal', 'community_resolution')
        WHEN 'NOT_INVESTIGATED' THEN jsonb_build_object('reason', {by_crime("not_investigated")})
        WHEN 'NOT_PROSECUTED' THEN jsonb_build_object(
            'decided_by', 'cps', 'reason', {by_crime("not_prosecuted")})
        WHEN 'CLOSED' THEN jsonb_build_object('closure_reason', c.closure_reason)
        ELSE '{{}}'::jsonb END"""


# Events spread evenly from recording to closure (open cases: to at most 12 days apart, before now).
EVENTS_SQL = f"""
    INSERT INTO {EVENT} (crime_id, code, occurred_at, recorded_at, details, note, officer_id, recorded_by_id,
                         by_victim)
    WITH e AS (
        SELECT c.id, c.bcu_id, c.oic_id, c.created_by_id, c.closure_reason, x.code, x.ord,
               c.recorded_at + (coalesce(c.closed_at, least(%(now)s - interval '10 minutes',
                                c.recorded_at + cardinality(p.codes) * interval '12 days')) - c.recorded_at)
                   * ((x.ord - 1)::float / greatest(cardinality(p.codes) - 1, 1)) AS at
        FROM {CRIME} c
        JOIN pb_path_n pn ON pn.status = c.status AND pn.reason = c.closure_reason
        JOIN pb_path p ON p.status = c.status AND p.reason = c.closure_reason
                      AND p.variant = floor(pg_temp.u(c.id, 12) * pn.n)::int
        CROSS JOIN LATERAL unnest(p.codes) WITH ORDINALITY AS x(code, ord)
        WHERE c.id > %(c0)s
    )
    SELECT c.id, c.code, c.at, c.at, {_event_details("c.code", "c.at")}, '',
           CASE WHEN c.code IN ('ALLOCATED', 'REALLOCATED') THEN c.oic_id END,
           CASE WHEN c.code = 'RECORDED' THEN c.created_by_id ELSE coalesce(c.oic_id, c.created_by_id) END,
           false
    FROM e c
"""

HEAVY_EVENTS_SQL = f"""
    INSERT INTO {EVENT} (crime_id, code, occurred_at, recorded_at, details, note, officer_id, recorded_by_id,
                         by_victim)
    SELECT c.id, 'HEARING_DETAILS', at, at, {_event_details("'HEARING_DETAILS'", "at")}, '', NULL, c.oic_id,
           false
    FROM {CRIME} c
    CROSS JOIN LATERAL generate_series(1, %(hearings)s) k
    CROSS JOIN LATERAL (SELECT %(now)s - (k * 0.4 + 1) * interval '1 day' * 16 AS at) t
    WHERE c.id = %(c0)s + %(heavy)s
"""


def _rules_table(cur, rules: dict[str, Rule]) -> None:
    cur.execute(
        """CREATE TEMP TABLE pb_rule (code text, id bigint, limit_days float, remind int, esc int)
           ON COMMIT DROP"""
    )
    cur.executemany(
        "INSERT INTO pb_rule VALUES (%s, %s, %s, %s, %s)",
        [
            (
                r.code,
                r.id,
                float(r.standard_wd * 7 / 5 if r.standard_wd else r.period_days or 28),
                r.remind_days_before,
                r.second_escalation_days,
            )
            for r in rules.values()
        ],
    )
    cur.execute("CREATE TEMP TABLE pb_map (event_code text, rule_code text, trig text) ON COMMIT DROP")
    cur.executemany(
        "INSERT INTO pb_map VALUES (%s, %s, %s)",
        [
            (event, duty, "VICTIM_ADDED" if event == "RECORDED" else event)
            for event, duties in EVENT_DUTIES.items()
            for duty in duties
        ],
    )
    cur.execute("ANALYZE pb_rule; ANALYZE pb_map")


# Duties from events (for every victim of the crime) and progress updates every 28 days: the current one
# (open while the case is) and up to three before it. States as time has left them: mostly met (about 5%
# late), some not required, the rest open; 4% of those past their deadline still open (breached, escalated).
OBLIGATIONS_SQL = f"""
    INSERT INTO {OBLIGATION} (
        crime_id, crime_victim_id, team_id, bcu_id, rule_id, code, trigger, trigger_event_id, triggered_at,
        due_at, enhanced, owner_id, state, met_at, met_on_time, met_by_contact_id, closed_reason,
        closed_by_id, remind_at, reminded_at, breached_at, escalate_at, escalated_at, created_at
    )
    WITH src AS (
        SELECT e.crime_id, e.id AS event_id, m.trig, e.occurred_at AS t, m.rule_code AS code, false AS history
        FROM {EVENT} e JOIN pb_map m ON m.event_code = e.code
        WHERE e.crime_id > %(c0)s
        UNION ALL
        SELECT c.id, NULL, 'PLAN', c.recorded_at + (a.periods - k) * interval '28 days', 'PROGRESS_UPDATE',
               k > 0
        FROM {CRIME} c
        CROSS JOIN LATERAL (
            SELECT floor(extract(epoch FROM coalesce(c.closed_at, %(now)s) - c.recorded_at) / 86400 / 28)::int
                   AS periods
        ) a
        CROSS JOIN LATERAL generate_series(0, least(3, a.periods)) k
        WHERE c.id > %(c0)s AND c.status <> 'recorded'
    ), x AS (
        SELECT src.*, cv.id AS cv_id, c.oic_id, c.team_id, c.bcu_id, c.status, r.id AS rule_id, r.remind,
               r.esc,
               c.is_domestic_abuse OR c.is_hate_crime OR c.is_sensitive AS enhanced,
               pg_temp.u(cv.id * 1000003 + coalesce(src.event_id, 0) + r.id * 7
                         + extract(epoch FROM src.t)::bigint %% 100003, 61) AS u1,
               pg_temp.u(cv.id * 1000003 + coalesce(src.event_id, 0) + r.id * 7
                         + extract(epoch FROM src.t)::bigint %% 100003, 62) AS u2,
               ((date_trunc('day', (src.t + r.limit_days * interval '1 day') AT TIME ZONE 'Europe/London')
                 + interval '1 day' - interval '1 microsecond') AT TIME ZONE 'Europe/London') AS due
        FROM src
        JOIN {VICTIM} cv ON cv.crime_id = src.crime_id
        JOIN {CRIME} c ON c.id = src.crime_id
        JOIN pb_rule r ON r.code = src.code
    ), s AS (
        SELECT x.*,
            CASE WHEN history THEN CASE WHEN u1 < 0.03 THEN 'not_required' ELSE 'met' END
                 WHEN status = 'closed' THEN CASE WHEN u1 < 0.05 THEN 'not_required' ELSE 'met' END
                 WHEN code = 'PROGRESS_UPDATE' THEN 'open'
                 WHEN due > %(now)s THEN CASE WHEN u1 < 0.35 THEN 'met' ELSE 'open' END
                 WHEN u1 < 0.04 THEN 'open'
                 WHEN u1 < 0.07 THEN 'not_required'
                 ELSE 'met' END AS state,
            CASE WHEN remind IS NULL THEN t
                 ELSE greatest(t, due - remind * interval '1 day') END AS remind_at,
            due + esc * interval '1 day' AS escalate_at
        FROM x
    ), m AS (
        SELECT s.*, CASE WHEN state = 'met' THEN least(%(now)s, t + (due - t) * (0.05 + u2)) END AS met_at
        FROM s
    )
    SELECT crime_id, cv_id, team_id, bcu_id, rule_id, code, trig, event_id, t, due, enhanced, oic_id, state,
           met_at,
           CASE WHEN met_at IS NOT NULL THEN met_at <= due END, NULL,
           CASE WHEN state = 'not_required' THEN 'The victim asked for no updates.' ELSE '' END, NULL,
           remind_at, CASE WHEN state = 'open' AND remind_at <= %(now)s THEN remind_at END,
           CASE WHEN state = 'open' AND due < %(now)s THEN due END, escalate_at,
           CASE WHEN state = 'open' AND escalate_at <= %(now)s THEN escalate_at END, t
    FROM m
"""

# Portal messages of every account holder (the heavy victim: 200), from crime to now (or closure).
PORTAL_MESSAGES_SQL = f"""
    INSERT INTO {MESSAGE} (
        crime_id, crime_victim_id, obligation_id, kind, channel, language, template_code, template_version,
        to_address, subject, body, status, attempts, next_attempt_at, claimed_at, last_error, provider_ref,
        created_by_id, created_at, sent_at, delivered_at, topic, in_reply_to_id, read_at, letter_format
    )
    WITH acc AS (
        SELECT g, CASE WHEN g = %(heavy)s THEN %(heavy_messages)s
                       ELSE floor(pg_temp.u(g, 41) * (%(max_messages)s + 1))::int END AS m
        FROM generate_series(%(account_every)s, %(n)s, %(account_every)s) g
    ), k AS (
        SELECT acc.g, acc.m, k, pg_temp.u(acc.g * 1000 + k, 42) AS uk, pg_temp.u(acc.g * 1000 + k, 43) AS ub
        FROM acc CROSS JOIN LATERAL generate_series(1, acc.m) k
    ), x AS (
        SELECT k.*, c.id AS crime_id, c.reference, c.oic_id, p.first_name,
               c.recorded_at + (coalesce(c.closed_at, %(now)s) - c.recorded_at) * (k.k::float / (k.m + 1))
                   AS at,
               CASE WHEN uk < 0.55 THEN 'automatic' WHEN uk < 0.85 THEN 'officer' ELSE 'victim' END AS kind
        FROM k JOIN {CRIME} c ON c.id = %(c0)s + k.g JOIN {PERSON} p ON p.id = %(p0)s + k.g
    )
    SELECT crime_id, %(v0)s + g, NULL, kind, 'portal', 'en',
           CASE WHEN kind = 'automatic' THEN (ARRAY['ACKNOWLEDGE', 'PROGRESS_UPDATE', 'ARREST', 'CHARGE'])
               [1 + floor(ub * 4)::int] ELSE '' END,
           CASE WHEN kind = 'automatic' THEN 1 ELSE 0 END, '',
           CASE kind WHEN 'automatic' THEN 'Update on your case ' || reference
                     WHEN 'officer' THEN 'A message from the officer in your case' ELSE '' END,
           replace(replace(CASE kind
               WHEN 'automatic' THEN {pick("standard", "ub")}
               WHEN 'officer' THEN {pick("officer_bodies", "ub")}
               ELSE {pick("victim_bodies", "ub")}
               END, '{{name}}', first_name), '{{ref}}', reference),
           'delivered', 1, at, NULL, '', '', CASE WHEN kind = 'officer' THEN oic_id END, at, at, at,
           CASE WHEN kind = 'victim' THEN 'question' ELSE '' END, NULL,
           CASE WHEN kind <> 'victim' AND (at < %(now)s - interval '7 days' OR ub < 0.5)
                THEN at + interval '5 hours' END,
           ''
    FROM x
"""

# An alert (email, else text; no case details) for most standard and officer messages.
ALERTS_SQL = f"""
    INSERT INTO {MESSAGE} (
        crime_id, crime_victim_id, obligation_id, kind, channel, language, template_code, template_version,
        to_address, subject, body, status, attempts, next_attempt_at, claimed_at, last_error, provider_ref,
        created_by_id, created_at, sent_at, delivered_at, topic, in_reply_to_id, read_at, letter_format
    )
    SELECT m.crime_id, m.crime_victim_id, NULL, 'alert', ch, 'en', 'PORTAL_ALERT', 1,
           CASE WHEN ch = 'email' THEN p.email ELSE p.mobile_phone END,
           CASE WHEN ch = 'email' THEN 'You have a new message' ELSE '' END,
           'You have a new message about your crime report. Sign in to read it: https://victimcare.example/portal/',
           CASE WHEN ch = 'email' THEN 'sent' ELSE 'delivered' END, 1, m.created_at, m.created_at, '', '',
           NULL, m.created_at, m.created_at, CASE WHEN ch = 'sms' THEN m.created_at END, '', NULL, NULL, ''
    FROM {MESSAGE} m
    JOIN {VICTIM} cv ON cv.id = m.crime_victim_id
    JOIN {PERSON} p ON p.id = cv.person_id
    CROSS JOIN LATERAL (SELECT CASE WHEN pg_temp.u(m.id, 44) < 0.6 THEN 'email' ELSE 'sms' END AS ch) c
    WHERE m.crime_id > %(c0)s AND m.channel = 'portal' AND m.kind IN ('automatic', 'officer')
      AND pg_temp.u(m.id, 45) < 0.85
"""

LETTERS_SQL = f"""
    INSERT INTO {MESSAGE} (
        crime_id, crime_victim_id, obligation_id, kind, channel, language, template_code, template_version,
        to_address, subject, body, status, attempts, next_attempt_at, claimed_at, last_error, provider_ref,
        created_by_id, created_at, sent_at, delivered_at, topic, in_reply_to_id, read_at, letter_format
    )
    SELECT c.id, %(v0)s + g, NULL, 'automatic', 'letter', 'en', 'ACKNOWLEDGE', 1,
           p.address_line_1 || ', ' || p.town || ' ' || p.postcode, 'Your crime report ' || c.reference,
           replace(replace((%(standard)s::text[])[1], '{{name}}', p.first_name), '{{ref}}', c.reference),
           'sent', 1, c.recorded_at + interval '1 day', c.recorded_at + interval '1 day', '', '', NULL,
           c.recorded_at + interval '1 day', c.recorded_at + interval '1 day', NULL, '', NULL, NULL,
           'standard'
    FROM generate_series(3, %(n)s, %(letter_every)s) g
    JOIN {CRIME} c ON c.id = %(c0)s + g JOIN {PERSON} p ON p.id = %(p0)s + g
    WHERE c.recorded_at < %(now)s - interval '1 day'
"""

PLANS_SQL = f"""
    INSERT INTO {PLAN} (
        created_at, updated_at, wants_updates, methods, safe_times, frequency, language, format, notes,
        agreed_at, agreed_by_id, crime_victim_id
    )
    SELECT cv.created_at, cv.created_at, pg_temp.u(cv.id, 71) >= 0.03,
           CASE WHEN pa.id IS NOT NULL THEN '["portal", "email"]'::jsonb
                WHEN p.preferred_contact_method = 'letter' THEN '["letter"]'::jsonb
                WHEN p.preferred_contact_method = 'email' THEN '["email", "phone"]'::jsonb
                ELSE '["phone", "sms"]'::jsonb END,
           p.preferred_contact_times,
           CASE WHEN pg_temp.u(cv.id, 72) < 0.7 THEN 'every_28_days' WHEN pg_temp.u(cv.id, 72) < 0.85
                THEN 'fortnightly' ELSE 'key_events' END,
           'English', 'standard', '', cv.created_at + interval '1 hour', cv.added_by_id, cv.id
    FROM {VICTIM} cv
    JOIN {PERSON} p ON p.id = cv.person_id
    LEFT JOIN {ACCOUNT} pa ON pa.person_id = cv.person_id AND pa.status = 'active'
    WHERE cv.id > %(v0)s
"""

PROPERTY_SQL = f"""
    INSERT INTO {PROPERTY} (
        created_at, updated_at, description, status, value_pounds, serial_number, victim_notes,
        crime_id, crime_victim_id, recorded_by_id
    )
    SELECT c.recorded_at, c.recorded_at, (%(property)s::text[])[i], CASE WHEN pg_temp.u(c.id, 81) < 0.1
           THEN 'recovered' ELSE 'stolen' END, (%(values)s::int[])[i], '', '', c.id,
           %(v0)s + (c.id - %(c0)s), c.created_by_id
    FROM {CRIME} c
    JOIN cases_offence o ON o.id = c.offence_id
    CROSS JOIN LATERAL (SELECT 1 + floor(pg_temp.u(c.id, 82) * cardinality(%(property)s::text[]))::int AS i) x
    WHERE c.id > %(c0)s AND o."group" IN ('theft', 'burglary', 'vehicle', 'robbery')
"""


# --- measuring ------------------------------------------------------------------------------------------
def sample_victims() -> list[tuple[str, CrimeVictim]]:
    """Victims to sign in as: one or two per crime status (active accounts, from the middle of the data
    set) and the heavy one."""
    c0 = Crime.objects.filter(reference=f"{REFERENCE_PREFIX}/{1:07d}/26").values_list("id", flat=True).first()
    if c0 is None:
        raise SystemExit("The portal bench data set is incomplete: drop the database and rerun.")
    c0 -= 1
    picked = []
    for status, n in [
        ("recorded", 1),
        ("allocated", 1),
        ("under_investigation", 2),
        ("suspect_charged", 1),
        ("court", 1),
        ("closed", 2),
    ]:
        with connection.cursor() as cur:
            cur.execute(
                f"""SELECT c.id FROM {CRIME} c JOIN {ACCOUNT} pa ON pa.person_id = %s + (c.id - %s)
                    WHERE c.id > %s AND (c.id - %s) %% %s = 0 AND c.status = %s AND pa.status = 'active'
                      AND pa.language = 'en'
                    ORDER BY c.id LIMIT %s""",
                [_person_base(c0), c0, c0 + CRIMES // 3, c0, ACCOUNT_EVERY, status, n],
            )
            picked += [(status, row[0]) for row in cur.fetchall()]
    picked.append(("heavy", c0 + HEAVY))
    victims = []
    for label, crime_id in picked:
        cv = (
            CrimeVictim.objects.select_related("crime", "person")
            .filter(crime_id=crime_id, person__portal_account__status="active")
            .order_by("id")
            .first()
        )
        victims.append((label, cv))
    return victims


def _person_base(c0: int) -> int:
    cv = (
        CrimeVictim.objects.filter(crime_id=c0 + 1).order_by("id").values_list("person_id", flat=True).first()
    )
    return cv - 1


def sign_in(cv: CrimeVictim) -> Client | None:
    """Sign in through the portal's form; None while the portal has no sign-in page."""
    client = Client()
    first = client.get(SIGN_IN_URL)
    if first.status_code == 404:
        return None
    dob = cv.person.date_of_birth
    r = client.post(
        SIGN_IN_URL,
        {
            "reference": cv.crime.reference,
            "dob-day": str(dob.day),
            "dob-month": str(dob.month),
            "dob-year": str(dob.year),
            "password": PASSWORD,
        },
    )
    if r.status_code != 302 or not r.url.split("?")[0].endswith(CASE_URL):
        raise SystemExit(
            f"Portal sign-in as the victim on {cv.crime.reference} did not redirect to {CASE_URL}: "
            f"{r.status_code} {r.get('Location', '')}"
        )
    return client


def measure(victims: list[tuple[str, CrimeVictim]]) -> dict | None:
    clients = []
    for label, cv in victims:
        client = sign_in(cv)
        if client is None:
            return None
        clients.append((label, cv, client))
    for i in range(WARMUP):
        _, _, client = clients[i % len(clients)]
        r = client.get(CASE_URL)
        assert r.status_code == 200, (CASE_URL, r.status_code)
    samples, by_label = [], defaultdict(list)
    for i in range(RUNS):
        label, _, client = clients[i % len(clients)]
        t0 = time.perf_counter()
        r = client.get(CASE_URL)
        ms = (time.perf_counter() - t0) * 1000
        assert r.status_code == 200, (CASE_URL, r.status_code)
        samples.append(ms)
        by_label[label].append(ms)
    queries, sizes = {}, {}
    for label, cv, client in clients:
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(CASE_URL)
        queries[f"{label}:{cv.crime.reference}"] = len(ctx.captured_queries)
        sizes[label] = len(r.content)
    return {"samples": samples, "by_label": by_label, "queries": queries, "sizes": sizes}


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"portal_status_p95_ms=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://...)"
        )
        return 0
    print(f"portal_database={connection.settings_dict['NAME']}")
    now = dataset_now()
    if now is None:
        now = timezone.now().replace(microsecond=0)
        t0 = time.perf_counter()
        timings = seed(now)
        print(f"portal_seed_seconds={time.perf_counter() - t0:.1f}")
        print("portal_seed_step_seconds=" + ",".join(f"{k}:{v:.1f}" for k, v in timings.items()))
    counts = _data.row_counts(TABLES)
    for table, n in counts.items():
        print(f"portal_rows_{table}={n}")
    sizes = _data.table_sizes_mb(TABLES)
    print(f"portal_data_mb={sum(sizes.values())}")
    active = PortalAccount.objects.filter(status="active").count()
    print(f"portal_accounts_active={active}")

    victims = sample_victims()
    heavy = next(cv for label, cv in victims if label == "heavy")
    print(f"portal_heavy_messages={Message.objects.filter(crime_victim=heavy).count()}")
    print(f"portal_heavy_events={CaseEvent.objects.filter(crime=heavy.crime).count()}")
    print(f"portal_heavy_obligations={Obligation.objects.filter(crime_victim=heavy).count()}")
    m = measure(victims)
    if m is None:
        print(f"portal_status_p95_ms=unavailable (no portal sign-in page at {SIGN_IN_URL} yet)")
        return 0
    print(f"portal_status_victims={len(victims)}")
    print(f"portal_status_runs={len(m['samples'])}")
    print(f"portal_status_p50_ms={_data.p50(m['samples']):.1f}")
    print(f"portal_status_p95_ms={_data.p95(m['samples']):.1f}")
    print(f"portal_status_max_ms={max(m['samples']):.1f}")
    print(f"portal_status_queries={max(m['queries'].values())}")
    print(f"portal_status_heavy_p95_ms={_data.p95(m['by_label']['heavy']):.1f}")
    print(f"portal_status_heavy_queries={m['queries'][f'heavy:{heavy.crime.reference}']}")
    print(f"portal_status_heavy_page_kb={m['sizes']['heavy'] / 1024:.0f}")
    print("portal_status_queries_by_victim=" + ",".join(f"{k}:{v}" for k, v in m["queries"].items()))
    print(
        "portal_status_p50_ms_by_victim="
        + ",".join(f"{k}:{_data.p50(v):.1f}" for k, v in m["by_label"].items())
    )
    return 0


def main() -> int:
    _data.ensure_database()
    call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
