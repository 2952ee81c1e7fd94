"""Benchmarks: server-side timings of the staff pages against the configured database, then the deadline
engine's scan and worklist on 1,000,000 obligations (bench/obligations.py, PostgreSQL only).

Run with `make bench` (set DATABASE_URL to PostgreSQL for meaningful figures). Seeds demo data if the
database is empty, then prints one `name=value` line per figure. Not part of the test run.
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import _data  # noqa: E402
from cases.models import Crime  # noqa: E402
from victimcare.accounts.models import User  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "60"))


def measure(client: Client, url: str) -> tuple[list[float], int]:
    client.get(url)  # warm-up
    samples = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        r = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return samples, len(ctx.captured_queries)


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)
    officer = User.objects.get(email="officer@demo.police.uk")
    inspector = User.objects.get(email="inspector@demo.police.uk")
    crime = Crime.objects.filter(oic=officer).order_by("-recorded_at").first()
    print(f"database={connection.vendor}")
    print(f"crimes={Crime.objects.count()}")
    pages = [
        ("my_cases", officer, "/cases/mine/"),
        ("team_cases", officer, "/cases/team/"),
        ("team_cases_search", officer, "/cases/team/?q=smith"),
        ("bcu_cases", inspector, "/cases/team/?page=3"),
        ("case_page", officer, crime.get_absolute_url()),
        ("api_crimes", officer, "/api/crimes/"),
    ]
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        reset_queries()
        samples, queries = measure(client, url)
        print(f"{name}_p50_ms={_data.p50(samples):.1f}")
        print(f"{name}_p95_ms={_data.p95(samples):.1f}")
        print(f"{name}_queries={queries}")
    # The deadline engine at scale: 1,000,000 obligations (PostgreSQL only; skips with a message otherwise).
    from bench import obligations

    return obligations.run()


if __name__ == "__main__":
    sys.exit(main())
