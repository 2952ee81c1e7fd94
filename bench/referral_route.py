"""Benchmark: routing a day's crimes of a large force (3,000 crimes) to support services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench .venv/bin/python -m bench.referral_route

Uses the configured database with the demo's organisations and routing rules (seeded if missing). Inside
one transaction that is rolled back at the end (so the database is left as it was): 3,000 crimes across
the BCUs with a realistic mix (one victim each, a fifth with a second; domestic abuse, hate crime, child
and sexual-offence victims), then the timed part: load the victims with what the rules read and route
them all (referrals.services.referrals_route_many: the rules, organisations and calendar read once, the
referrals and their first transitions written in two statements).

Figures:
- referral_route_crimes, referral_route_victims, referral_route_referrals
- referral_route_seconds: the timed part, fastest of BENCH_ROUTE_RUNS (default 3), each from no referrals
- referral_route_per_second: crimes routed per second (target: 3,000 in under 5 s, i.e. >= 600/s)
- referral_route_floor_seconds: writing the same referral and transition rows with bulk_create alone
  (no reads, no routing), the floor; referral_route_ratio = seconds / floor
"""

import os
import random
import sys
import time
from datetime import date, timedelta

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

CRIMES = int(os.environ.get("BENCH_ROUTE_CRIMES", "3000"))
RUNS = int(os.environ.get("BENCH_ROUTE_RUNS", "3"))


class _Rollback(Exception):
    pass


def _make_day(n: int):
    from cases.models import Crime, CrimeVictim, Offence, Person
    from victimcare.accounts.constants import Role
    from victimcare.accounts.models import Team, User

    rng = random.Random(7)
    now = timezone.now()
    teams = list(Team.objects.select_related("bcu"))
    officers = {
        t.pk: list(User.objects.filter(team=t, role=Role.OFFICER).values_list("pk", flat=True)) for t in teams
    }
    offences = list(Offence.objects.filter(active=True))
    creator = User.objects.filter(role=Role.OFFICER).first()
    people, crimes = [], []
    for i in range(n):
        team = rng.choice(teams)
        off = rng.choice(offences)
        crimes.append(
            Crime(
                reference=f"BR/{i:05d}/26",
                offence=off,
                occurred_at=now - timedelta(days=1),
                reported_at=now - timedelta(hours=20),
                recorded_at=now - timedelta(hours=rng.uniform(1, 24)),
                location="Bench Street",
                bcu=team.bcu,
                team=team,
                oic_id=rng.choice(officers[team.pk] or [creator.pk]),
                status="allocated",
                is_domestic_abuse=rng.random() < 0.15,
                is_hate_crime=rng.random() < 0.03,
                created_by=creator,
            )
        )
        for _ in range(2 if rng.random() < 0.2 else 1):
            age = rng.choice([9, 15, 23, 35, 47, 58, 71])
            people.append(
                (
                    i,
                    Person(
                        first_name=f"Bench{i}",
                        last_name=f"Victim{len(people)}",
                        date_of_birth=date(2026 - age, 6, 1),
                        safe_phone=True,
                        mobile_phone="07700900123",
                    ),
                )
            )
    Crime.objects.bulk_create(crimes, batch_size=1000)
    Person.objects.bulk_create([p for _, p in people], batch_size=1000)
    CrimeVictim.objects.bulk_create(
        [CrimeVictim(crime=crimes[i], person=p, added_by=creator) for i, p in people], batch_size=1000
    )
    return [c.pk for c in crimes], len(people)


def _route(crime_ids: list[int]) -> int:
    from cases.models import Crime, CrimeVictim
    from contacts.services import victims_in_context, with_rule_context
    from referrals import services

    now = timezone.now()
    crimes = list(Crime.objects.filter(pk__in=crime_ids).select_related("offence"))
    victims: dict[int, list] = {}
    for cv in with_rule_context(CrimeVictim.objects.filter(crime_id__in=crime_ids)):
        victims.setdefault(cv.crime_id, []).append(cv)
    items = [(c, victims_in_context(c, victims.get(c.pk, [])), now) for c in crimes]
    return len(services.referrals_route_many(items=items))


def _floor(crime_ids: list[int], n_refs: int) -> float:
    """The same number of referral and transition rows, written with bulk_create and nothing else."""
    from cases.models import CrimeVictim
    from referrals.models import Referral, ReferralTransition, SupportOrganisation

    cvs = list(CrimeVictim.objects.filter(crime_id__in=crime_ids).values_list("pk", "crime_id"))
    orgs = list(SupportOrganisation.objects.values_list("pk", flat=True))
    now = timezone.now()
    rows = [
        Referral(
            crime_id=cvs[i % len(cvs)][1],
            crime_victim_id=cvs[i % len(cvs)][0],
            organisation_id=orgs[(i // len(cvs)) % len(orgs)],
            consent_basis="opt_out",
            created_at=now,
            changed_at=now,
            state="closed",
        )
        for i in range(n_refs)
    ]
    t0 = time.perf_counter()
    Referral.objects.bulk_create(rows)
    ReferralTransition.objects.bulk_create(
        [
            ReferralTransition(referral=r, from_state="", to_state="created", at=now, actor="system")
            for r in rows
        ]
    )
    return time.perf_counter() - t0


def run() -> int:
    from referrals.models import Referral, RoutingRule
    from victimcare.demo.referrals import seed_referral_setup

    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--if-empty", "--no-portal-demo", verbosity=0)
    if not RoutingRule.objects.exists():
        from collections import Counter

        seed_referral_setup(Counter())
    print(f"database={connection.vendor}")
    best, floor, made, victims = None, None, 0, 0
    try:
        with transaction.atomic():
            crime_ids, victims = _make_day(CRIMES)
            for _ in range(RUNS):
                sid = transaction.savepoint()
                t0 = time.perf_counter()
                made = _route(crime_ids)
                took = time.perf_counter() - t0
                transaction.savepoint_rollback(sid)
                best = took if best is None else min(best, took)
            for _ in range(RUNS):
                sid = transaction.savepoint()
                took = _floor(crime_ids, made)
                transaction.savepoint_rollback(sid)
                floor = took if floor is None else min(floor, took)
            assert not Referral.objects.filter(crime_id__in=crime_ids).exists()
            raise _Rollback
    except _Rollback:
        pass
    print(f"referral_route_crimes={CRIMES}")
    print(f"referral_route_victims={victims}")
    print(f"referral_route_referrals={made}")
    print(f"referral_route_seconds={best:.2f}")
    print(f"referral_route_per_second={CRIMES / best:.0f}")
    print(f"referral_route_floor_seconds={floor:.2f}")
    print(f"referral_route_ratio={best / floor:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(run())
