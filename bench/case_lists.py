"""Benchmark of the staff case lists (My cases, Team cases, BCU cases and their search) on 1,000,000 crimes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_portal .venv/bin/python -m bench.case_lists

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run. It uses the
portal benchmark's data set (bench/portal.py: 1,000,000 crimes, 10 BCUs x 10 teams x 10 officers, two
sergeants per team), building it first if the database does not have it yet; `make bench` runs it on the
same database as bench.portal. The data set has no inspectors, so one is added (once) for BCU "pb-01".

Every page is fetched through the real views (django.test.Client, force_login), BENCH_CASE_LISTS_RUNS
timed GETs each (default 60, after a few warm-up ones):

- my cases (an officer, ~1,000 cases), first page and the last page;
- team cases as that officer and as their sergeant (~10,000 cases), first page and the last page;
- BCU cases as the inspector (~100,000 cases), first page and the last page it offers (its count stops
  at CASE_LIST_COUNT_LIMIT, 10,000: "more than 10,000 cases");
- search as the inspector and as the officer: a victim's surname, a victim's full name, a whole crime
  reference and the number part of one (the searches take their words from the data, so they find cases).

Figures: `<page>_p50_ms`, `<page>_p95_ms`, `<page>_queries` (the most in one GET) and `<page>_sql_p50_ms`
(the time in SQL of one GET: the database's share) for each page, and `case_lists_1m_p95_ms`, the worst
p95 of them all (target < 100). The machine's load average is printed first and last: on a shared machine
the figures move with it. `case_lists_search_name_access_records` is how many access records
one search by name wrote (one per case shown, as the view must).
"""

import os
import sys
import time
from urllib.parse import urlencode

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data, portal  # noqa: E402
from cases import selectors  # noqa: E402
from cases.models import Crime, CrimeVictim  # noqa: E402
from cases.views import PAGE_SIZE  # noqa: E402
from victimcare.accounts.constants import Role  # noqa: E402
from victimcare.accounts.models import BCU, Team, User  # noqa: E402
from victimcare.audit.models import AccessAction, AccessRecord  # noqa: E402

RUNS = int(os.environ.get("BENCH_CASE_LISTS_RUNS", "60"))
WARMUP = 5
INSPECTOR_EMAIL = f"inspector01@{portal.DOMAIN}"


def staff() -> tuple[User, User, User]:
    """The officer (the first of BCU pb-01's first team), their sergeant, and the BCU's inspector."""
    officer = User.objects.get(pk=_data.staff_of(portal.CODE)[0].id)
    supervisor = Team.objects.get(pk=officer.team_id).supervisors.order_by("id").first()
    bcu = BCU.objects.get(code=f"{portal.CODE}-01")
    inspector = User.objects.filter(email=INSPECTOR_EMAIL).first()
    if inspector is None:
        inspector = User.objects.create_user(
            INSPECTOR_EMAIL,
            None,  # bench staff never sign in with a password
            first_name=portal.NAME,
            last_name="Inspector 1",
            role=Role.INSPECTOR,
            shoulder_number=f"{portal.CODE.upper()} INSP 1",
        )
    bcu.inspectors.add(inspector)
    return officer, supervisor, inspector


def last_page(user: User, scope: str) -> int:
    """The last page the list offers: the true last page, or where its count stops (CASE_LIST_COUNT_LIMIT:
    a BCU's list says "more than 10,000 cases" and pages through the newest 10,000)."""
    n = selectors.case_rows(user=user, scope=scope).count()
    return max(1, -(-n // PAGE_SIZE))


def search_terms(officer: User) -> dict[str, str]:
    """Words to search for, taken from a case in the officer's team that the inspector sees too: a
    victim's surname, their full name, the crime's reference and its number part."""
    team = Crime.objects.filter(team_id=officer.team_id, is_restricted=False).order_by("-recorded_at", "-id")
    crime = team[min(500, team.count() // 2)]
    person = CrimeVictim.objects.select_related("person").filter(crime=crime).order_by("id").first().person
    return {
        "surname": person.last_name,
        "full_name": f"{person.first_name} {person.last_name}",
        "reference": crime.reference,
        "reference_number": crime.reference.split("/")[1],
    }


def measure(client: Client, url: str) -> tuple[list[float], int, float]:
    for _ in range(WARMUP):
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        r = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    # The database's share: the time of the page's SQL statements, over a few more GETs.
    sql_ms, queries = [], 0
    for _ in range(10):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        queries = max(queries, len(ctx.captured_queries))
    return samples, queries, _data.p50(sql_ms)


def _loadavg() -> str:
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"case_lists_1m_p95_ms=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://...)"
        )
        return 0
    print(f"case_lists_database={connection.settings_dict['NAME']}")
    print(f"case_lists_loadavg_before={_loadavg()}")
    if portal.dataset_now() is None:
        t0 = time.perf_counter()
        portal.seed(timezone.now().replace(microsecond=0))
        print(f"case_lists_seed_seconds={time.perf_counter() - t0:.1f}")
    print(f"case_lists_crimes={_data.row_counts([portal.CRIME])[portal.CRIME]}")
    officer, supervisor, inspector = staff()
    mine, team = reverse("cases:mine"), reverse("cases:team")
    terms = search_terms(officer)

    def q(term: str) -> str:
        return f"{team}?{urlencode({'q': term})}"

    pages = [
        ("my_cases", officer, mine),
        ("my_cases_last_page", officer, f"{mine}?page={last_page(officer, 'mine')}"),
        ("team_cases", officer, team),
        ("team_cases_last_page", officer, f"{team}?page={last_page(officer, 'team')}"),
        ("team_cases_supervisor", supervisor, team),
        ("team_cases_supervisor_last_page", supervisor, f"{team}?page={last_page(supervisor, 'team')}"),
        ("bcu_cases", inspector, team),
        ("bcu_cases_last_page", inspector, f"{team}?page={last_page(inspector, 'team')}"),
        ("bcu_search_surname", inspector, q(terms["surname"])),
        ("bcu_search_full_name", inspector, q(terms["full_name"])),
        ("bcu_search_reference", inspector, q(terms["reference"])),
        ("bcu_search_reference_number", inspector, q(terms["reference_number"])),
        ("team_search_surname", officer, q(terms["surname"])),
        ("team_search_reference", officer, q(terms["reference"])),
    ]
    print(f"case_lists_runs={RUNS}")
    print(f"case_lists_bcu_cases={selectors.case_list(user=inspector, scope='team').count()}")
    print(f"case_lists_team_cases={selectors.case_list(user=officer, scope='team').count()}")
    print(f"case_lists_my_cases={selectors.case_list(user=officer, scope='mine').count()}")
    worst = 0.0
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        samples, queries, sql_ms = measure(client, url)
        worst = max(worst, _data.p95(samples))
        print(f"{name}_url={url}")
        print(f"{name}_p50_ms={_data.p50(samples):.1f}")
        print(f"{name}_p95_ms={_data.p95(samples):.1f}")
        print(f"{name}_queries={queries}")
        print(f"{name}_sql_p50_ms={sql_ms:.1f}")

    # A search by name must keep writing an access record for each case it shows.
    client = Client()
    client.force_login(inspector)
    before = AccessRecord.objects.filter(user=inspector, action=AccessAction.VICTIM_SEARCHED).count()
    client.get(q(terms["surname"]))
    written = (
        AccessRecord.objects.filter(user=inspector, action=AccessAction.VICTIM_SEARCHED).count() - before
    )
    print(f"case_lists_search_name_access_records={written}")
    if not written:
        print("case_lists_error=a search by name wrote no access record")
        return 1
    print(f"case_lists_1m_p95_ms={worst:.1f}")
    print(f"case_lists_loadavg_after={_loadavg()}")
    return 0


def main() -> int:
    if connection.vendor == "postgresql":
        _data.ensure_database()
        call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
