"""The overdue scan: reminders before a deadline, escalation to the supervisor at breach, a second
escalation to the inspector, and the absence check. Each stage claims work in chunks.

Why it is safe under concurrency: a chunk is claimed by an UPDATE of the stage's timestamp on rows that
were selected with FOR UPDATE SKIP LOCKED and still have it NULL, in the same transaction as the
notification INSERT. Two beat schedulers, many workers, retries or a worker killed mid-chunk cannot
notify an (obligation, stage) twice: a second claimant skips locked rows and finds the timestamp set,
and a killed transaction rolls back claim and notifications together. The unique constraint on
(obligation, stage, recipient) is the last line of defence. Nothing depends on the broker: whatever a
lost task did not do, the next tick finds still unclaimed.

Why it is fast: on PostgreSQL each chunk is one statement (select, mark, insert the notifications joined
to their recipients) on a partial index that holds only rows still waiting for that stage; elsewhere it is
three ORM statements. No obligation is ever loaded as a model."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from messaging.constants import Stage
from messaging.models import StaffNotification
from victimcare.accounts.models import BCU, Absence, Team

from .constants import ObligationState
from .models import Obligation

CHUNK = 5000
ABSENCE_LOOKAHEAD_DAYS = 7


@dataclass(frozen=True)
class StageSpec:
    stage: str
    mark: str  # the timestamp column this stage sets
    ready: Q  # rows waiting for this stage (matches a partial index)
    due_field: str


def _specs(now: datetime) -> dict[str, StageSpec]:
    waiting = Q(state=ObligationState.OPEN)
    return {
        Stage.REMINDER: StageSpec(
            Stage.REMINDER,
            "reminded_at",
            waiting & Q(reminded_at__isnull=True, remind_at__lte=now),
            "remind_at",
        ),
        Stage.BREACH: StageSpec(
            Stage.BREACH, "breached_at", waiting & Q(breached_at__isnull=True, due_at__lt=now), "due_at"
        ),
        Stage.ESCALATION: StageSpec(
            Stage.ESCALATION,
            "escalated_at",
            waiting & Q(breached_at__isnull=False, escalated_at__isnull=True, escalate_at__lte=now),
            "escalate_at",
        ),
    }


def _team_supervisors(team_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    # Active staff only: someone who has left must not stop the next level being told.
    links = Team.supervisors.through.objects.filter(team_id__in=team_ids, user__is_active=True)
    for team_id, user_id in links.values_list("team_id", "user_id"):
        out[team_id].append(user_id)
    return out


def _bcu_inspectors(bcu_ids: set[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    links = BCU.inspectors.through.objects.filter(bcu_id__in=bcu_ids, user__is_active=True)
    for bcu_id, user_id in links.values_list("bcu_id", "user_id"):
        out[bcu_id].append(user_id)
    return out


# Who is told at each stage: the one rule, read by both ways of running the scan (_recipients in Python,
# _sql_targets in SQL). Each stage is a list of groups; a group tells its first level that has anyone, so
# with nobody at a level the next one is told and nothing is silently dropped. Reminders go to the
# officer in case (or, unallocated, the team's supervisors); a breach to the officer and the supervisors
# (or, with none, the BCU's inspectors); the second escalation to the inspectors (or the supervisors).
# A reminder is for a duty not yet due: one already overdue when a (catch-up) tick reaches it is claimed
# for the reminder stage (so no later tick reminds either) but gets the breach notice only.
STILL_DUE_ONLY = frozenset({Stage.REMINDER})

AUDIENCES: dict[str, tuple[tuple[str, ...], ...]] = {
    Stage.REMINDER: (("officer", "supervisors"),),
    Stage.BREACH: (("officer",), ("supervisors", "inspectors")),
    Stage.ESCALATION: (("inspectors", "supervisors"),),
}


def _recipients(stage: str, rows: list[tuple[int, int | None, int, int]]) -> list[tuple[int, int]]:
    """(obligation id, recipient id) pairs for rows of (obligation, owner, team, BCU), by AUDIENCES."""
    levels = {level for group in AUDIENCES[stage] for level in group}
    sups = _team_supervisors({r[2] for r in rows}) if "supervisors" in levels else {}
    insp = _bcu_inspectors({r[3] for r in rows}) if "inspectors" in levels else {}
    pairs = []
    for ob_id, owner_id, team_id, bcu_id in rows:
        found = {
            "officer": [owner_id] if owner_id else [],
            "supervisors": sups.get(team_id, []),
            "inspectors": insp.get(bcu_id, []),
        }
        targets = []
        for group in AUDIENCES[stage]:
            targets += next((found[level] for level in group if found[level]), [])
        pairs.extend((ob_id, t) for t in dict.fromkeys(targets) if t)
    return pairs


def allowed_recipients(pairs: list[tuple[int, int]], crime_of: dict[int, int]) -> list[tuple[int, int]]:
    """Drop inactive staff, and anyone not named on a restricted case (they may not know it exists)."""
    from cases.models import Crime
    from victimcare.accounts.models import User

    users = {u for _, u in pairs}
    active = set(User.objects.filter(pk__in=users, is_active=True).values_list("pk", flat=True))
    restricted = set(
        Crime.objects.filter(pk__in=set(crime_of.values()), is_restricted=True).values_list("pk", flat=True)
    )
    named = set()
    if restricted:
        named = set(
            Crime.named_users.through.objects.filter(crime_id__in=restricted).values_list(
                "crime_id", "user_id"
            )
        )
    return [
        (o, u)
        for o, u in pairs
        if u in active and (crime_of[o] not in restricted or (crime_of[o], u) in named)
    ]


class _Contended(Exception):
    """Another claimant marked some of our rows between select and update (only without SKIP LOCKED)."""


def _claimed(stage: str, n: int) -> None:
    """Called inside the chunk's transaction, after the claim and its notifications, before commit.
    A no-op; tests hook it to kill a worker at exactly that point."""


# Each level in SQL: the rows it adds (over the claimed chunk `m`), and the test that it has anyone.
_SQL_LEVELS = {
    "officer": (
        "SELECT m.id, m.owner_id AS user_id, m.crime_id, m.is_restricted FROM m WHERE m.owner_id IS NOT NULL",
        "m.owner_id IS NOT NULL",
    ),
    # Active staff only, at each level and in the tests for whether a level has anyone.
    "supervisors": (
        "SELECT m.id, s.user_id, m.crime_id, m.is_restricted FROM m"
        " JOIN accounts_team_supervisors s ON s.team_id = m.team_id"
        " JOIN accounts_user su ON su.id = s.user_id AND su.is_active WHERE TRUE",
        "EXISTS (SELECT 1 FROM accounts_team_supervisors s2 JOIN accounts_user u2 ON u2.id = s2.user_id"
        " WHERE s2.team_id = m.team_id AND u2.is_active)",
    ),
    "inspectors": (
        "SELECT m.id, i.user_id, m.crime_id, m.is_restricted FROM m"
        " JOIN accounts_bcu_inspectors i ON i.bcu_id = m.bcu_id"
        " JOIN accounts_user iu ON iu.id = i.user_id AND iu.is_active WHERE TRUE",
        "EXISTS (SELECT 1 FROM accounts_bcu_inspectors i2 JOIN accounts_user u3 ON u3.id = i2.user_id"
        " WHERE i2.bcu_id = m.bcu_id AND u3.is_active)",
    ),
}


def _sql_targets(stage: str) -> str:
    """AUDIENCES as SQL: within a group, each level only where the levels before it have nobody (so the
    branches never overlap: UNION ALL); across groups, UNION (the officer may also be a supervisor)."""
    groups = []
    for group in AUDIENCES[stage]:
        branches = []
        for k, level in enumerate(group):
            rows, _ = _SQL_LEVELS[level]
            branches.append(rows + "".join(f" AND NOT ({_SQL_LEVELS[prev][1]})" for prev in group[:k]))
        groups.append(" UNION ALL ".join(branches))
    return " UNION ".join(f"({g})" for g in groups) if len(groups) > 1 else groups[0]


_SQL_READY = {
    Stage.REMINDER: ("reminded_at", "o.reminded_at IS NULL AND o.remind_at <= %(now)s", "remind_at"),
    Stage.BREACH: ("breached_at", "o.breached_at IS NULL AND o.due_at < %(now)s", "due_at"),
    Stage.ESCALATION: (
        "escalated_at",
        "o.breached_at IS NOT NULL AND o.escalated_at IS NULL AND o.escalate_at <= %(now)s",
        "escalate_at",
    ),
}


def _chunk_postgres(stage: str, now: datetime, chunk: int) -> int:
    """The whole chunk as one statement: pick rows waiting for the stage (SKIP LOCKED, on the stage's
    partial index), mark them, and insert their notifications joined to the right people."""
    mark, ready, order = _SQL_READY[stage]
    sql = f"""
        WITH due AS (
            SELECT o.id FROM contacts_obligation o WHERE o.state = 'open' AND {ready}
            ORDER BY o.{order} LIMIT %(chunk)s FOR UPDATE SKIP LOCKED
        ), marked AS (
            UPDATE contacts_obligation o SET {mark} = %(now)s FROM due
            WHERE o.id = due.id AND o.{mark} IS NULL
            RETURNING o.id, o.owner_id, o.crime_id, o.due_at
        ), m AS (
            SELECT marked.id, marked.owner_id, c.id AS crime_id, c.team_id, c.bcu_id, c.is_restricted
            FROM marked JOIN cases_crime c ON c.id = marked.crime_id
            WHERE NOT %(still_due_only)s OR marked.due_at >= %(now)s
        ), ins AS (
            INSERT INTO contacts_staffnotification (recipient_id, obligation_id, stage, created_at)
            SELECT t.user_id, t.id, %(stage)s, %(now)s FROM ({_sql_targets(stage)}) t
            -- Only active staff; a restricted case only ever to the people named on it.
            WHERE EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = t.user_id AND u.is_active)
            AND (NOT t.is_restricted OR EXISTS (
                SELECT 1 FROM cases_crime_named_users nu
                WHERE nu.crime_id = t.crime_id AND nu.user_id = t.user_id
            ))
            ON CONFLICT DO NOTHING RETURNING 1
        )
        SELECT (SELECT count(*) FROM marked), (SELECT count(*) FROM ins)"""  # noqa: S608 (constants only)
    with transaction.atomic(), connection.cursor() as cur:
        # The planner's cost estimate for this statement is large (it cannot know how few rows are due),
        # which would make PostgreSQL JIT-compile it on every chunk: ~0.7 s for ~1 ms of work.
        cur.execute("SET LOCAL jit = off")
        cur.execute(
            sql, {"now": now, "chunk": chunk, "stage": str(stage), "still_due_only": stage in STILL_DUE_ONLY}
        )
        claimed, _inserted = cur.fetchone()
        if claimed:
            _claimed(stage, claimed)
        return claimed


def run_chunk(stage: str, now: datetime, chunk: int = CHUNK) -> int:
    """Claim up to `chunk` obligations waiting for `stage`, mark them, write their notifications.
    Returns how many obligations were claimed (0 when there is nothing left to do)."""
    if connection.vendor == "postgresql":
        return _chunk_postgres(stage, now, chunk)
    spec = _specs(now)[stage]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                qs = Obligation.objects.filter(spec.ready).order_by(spec.due_field)
                if connection.features.has_select_for_update_skip_locked:
                    qs = qs.select_for_update(skip_locked=True, of=("self",))
                rows = list(
                    qs.values_list("id", "owner_id", "crime__team_id", "crime__bcu_id", "crime_id", "due_at")[
                        :chunk
                    ]
                )
                if not rows:
                    return 0
                ids = [r[0] for r in rows]
                marked = Obligation.objects.filter(pk__in=ids, **{f"{spec.mark}__isnull": True}).update(
                    **{spec.mark: now}
                )
                if marked != len(ids):
                    raise _Contended  # roll back our marks; try again with what is left
                told = [r for r in rows if stage not in STILL_DUE_ONLY or r[5] >= now]
                StaffNotification.objects.bulk_create(
                    [
                        StaffNotification(obligation_id=o, recipient_id=u, stage=stage, created_at=now)
                        for o, u in allowed_recipients(
                            _recipients(stage, [r[:4] for r in told]), {r[0]: r[4] for r in told}
                        )
                    ],
                    ignore_conflicts=True,
                )
                _claimed(stage, len(ids))
                return len(ids)
        except _Contended:
            continue
    return 0


def run_stage(stage: str, now: datetime, chunk: int = CHUNK) -> int:
    total = 0
    while n := run_chunk(stage, now, chunk):
        total += n
        if n < chunk:
            break
    return total


def absence_check(now: datetime, lookahead_days: int = ABSENCE_LOOKAHEAD_DAYS) -> int:
    """Tell supervisors about open obligations that fall due while their officer is away (within the
    look-ahead), once per obligation and supervisor."""
    today = timezone.localdate(now)
    horizon = today + timedelta(days=lookahead_days)
    absences = list(
        Absence.objects.filter(ends_on__gte=today, starts_on__lte=horizon).values_list(
            "user_id", "starts_on", "ends_on"
        )
    )
    if not absences:
        return 0
    by_user: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for uid, s, e in absences:
        by_user[uid].append((s, e))
    rows = list(
        Obligation.objects.filter(
            state=ObligationState.OPEN,
            owner_id__in=by_user.keys(),
            due_at__lt=timezone.make_aware(
                datetime.combine(horizon + timedelta(days=1), datetime.min.time())
            ),
        )
        .exclude(Exists(StaffNotification.objects.filter(obligation_id=OuterRef("pk"), stage=Stage.ABSENCE)))
        .values_list("id", "owner_id", "due_at", "crime__team_id", "crime_id")
    )
    due_while_away = [
        (ob_id, team_id, crime_id)
        for ob_id, owner_id, due, team_id, crime_id in rows
        if any(s <= max(timezone.localdate(due), today) <= e for s, e in by_user[owner_id])
    ]
    if not due_while_away:
        return 0
    sups = _team_supervisors({t for _, t, _ in due_while_away})
    pairs = [(o, u) for o, t, _ in due_while_away for u in sups.get(t, [])]
    StaffNotification.objects.bulk_create(
        [
            StaffNotification(obligation_id=o, recipient_id=u, stage=Stage.ABSENCE, created_at=now)
            for o, u in allowed_recipients(pairs, {o: c for o, _, c in due_while_away})
        ],
        ignore_conflicts=True,
    )
    return len(due_while_away)


def tick(now: datetime | None = None, chunk: int = CHUNK) -> dict[str, int]:
    """One full scan in this process (the Celery task fans the same stages out to workers)."""
    now = now or timezone.now()
    out = {stage: run_stage(stage, now, chunk) for stage in (Stage.REMINDER, Stage.BREACH, Stage.ESCALATION)}
    out[Stage.ABSENCE] = absence_check(now)
    return out


def pending(stage: str, now: datetime) -> int:
    return Obligation.objects.filter(_specs(now)[stage].ready).count()
