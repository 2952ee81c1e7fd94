"""Helpers shared by the PostgreSQL benchmarks that build large data sets (bench/portal.py, bench/outbox.py):
creating the database, a bench organisation (BCUs, teams, officers), a bulk-load session, id ranges for
set-based INSERT ... SELECT, and percentiles. Django must be set up before importing this module.

Set-based loading: each table is filled by one INSERT ... SELECT FROM generate_series with explicit ids
(base + n), so rows of different tables refer to each other by arithmetic, not by joins; pseudo-random
values come from pg_temp.u(n, salt), a seeded hash in [0, 1), so a data set is the same on every machine.
"""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection

from victimcare.accounts.constants import Role
from victimcare.accounts.models import BCU, Team, User

BATCH = 2000


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    # The one definition every benchmark uses.
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def ensure_database() -> bool:
    """Create the configured PostgreSQL database if it does not exist. Returns whether it was created."""
    if connection.vendor != "postgresql":
        return False
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone():
            return False
        cur.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    return True


def bulk_load_session() -> bool:
    """Settings for one large loading transaction (call inside it). Returns whether foreign-key triggers are
    off: as superuser, session_replication_role=replica skips the per-row foreign-key checks (millions of
    deferred trigger events); the loaders build consistent ids by construction. Also defines pg_temp.u."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cur.fetchone()[0])
        if superuser:
            cur.execute("SET LOCAL session_replication_role = replica")
        # u(n, salt): a uniform pseudo-random number in [0, 1), the same for the same (n, salt) everywhere.
        cur.execute(
            """
            CREATE OR REPLACE FUNCTION pg_temp.u(n bigint, salt int) RETURNS float8
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
            $$ SELECT (hashint8extended(n, salt) & 9007199254740991)::float8 / 9007199254740992.0 $$
            """
        )
    return superuser


def id_base(table: str) -> int:
    """The highest id in `table` (0 if empty): rows loaded with explicit ids base + n, n >= 1."""
    with connection.cursor() as cur:
        cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cur.fetchone()[0]


def sync_sequences(tables: Iterable[str]) -> None:
    """After loading explicit ids: move each table's id sequence past its highest id."""
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) "
                f"FROM {table}",
                [table],
            )


def analyze(tables: Iterable[str]) -> None:
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")


def row_counts(tables: Iterable[str]) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    return counts


def table_sizes_mb(tables: Iterable[str]) -> dict[str, int]:
    """Heap + indexes + TOAST, in MB."""
    sizes = {}
    with connection.cursor() as cur:
        for table in tables:
            cur.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = round(cur.fetchone()[0] / 2**20)
    return sizes


@dataclass(frozen=True)
class Officer:
    id: int
    team_id: int
    bcu_id: int


def staff_create(
    *,
    code: str,
    name: str,
    domain: str,
    bcus: int,
    teams_per_bcu: int,
    officers_per_team: int,
    supervisors_per_team: int = 0,
) -> list[Officer]:
    """A bench organisation: BCUs `{code}-NN` ("{name} BCU NN"), teams, officers and supervisors (unusable
    passwords: bench staff never sign in with one), written with bulk_create. Returns the officers."""
    password = make_password(None)
    bcu_rows = BCU.objects.bulk_create(
        [BCU(code=f"{code}-{b + 1:02d}", name=f"{name} BCU {b + 1:02d}") for b in range(bcus)]
    )
    teams = Team.objects.bulk_create(
        [Team(bcu=b, name=f"{name} team {t + 1:02d}") for b in bcu_rows for t in range(teams_per_bcu)]
    )

    def user(email: str, role: str, team: Team, n: int) -> User:
        return User(
            email=email,
            first_name=name,
            last_name=f"{role.title()} {n}",
            role=role,
            team=team,
            shoulder_number=f"{code.upper()} {n}",
            password=password,
        )

    officers = [
        user(
            f"officer{ti * officers_per_team + o:05d}@{domain}",
            Role.OFFICER,
            team,
            ti * officers_per_team + o,
        )
        for ti, team in enumerate(teams)
        for o in range(officers_per_team)
    ]
    supervisors = [
        user(f"sergeant{ti * supervisors_per_team + s:04d}@{domain}", Role.SUPERVISOR, team, s)
        for ti, team in enumerate(teams)
        for s in range(supervisors_per_team)
    ]
    User.objects.bulk_create(officers + supervisors, batch_size=BATCH)
    if supervisors:
        Team.supervisors.through.objects.bulk_create(
            [
                Team.supervisors.through(team_id=teams[i // supervisors_per_team].id, user_id=s.id)
                for i, s in enumerate(supervisors)
            ]
        )
    return [Officer(id=o.id, team_id=o.team.id, bcu_id=o.team.bcu_id) for o in officers]


def staff_of(code: str) -> list[Officer]:
    """The officers of an existing bench organisation (BCUs `{code}-NN`), in id order."""
    return [
        Officer(id=i, team_id=t, bcu_id=b)
        for i, t, b in User.objects.filter(role=Role.OFFICER, team__bcu__code__startswith=f"{code}-")
        .order_by("id")
        .values_list("id", "team_id", "team__bcu_id")
    ]
