"""Counting duties by cell: from the roll-up (cells plus pending deltas, PostgreSQL) or directly from the
duties (SQLite, and the tests' proof that the two agree). Both answer the same question in the same
shape: {key: count} for the dimensions asked for, over the duties a Slice selects."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from contacts.constants import ObligationState
from contacts.models import Obligation

from . import sql
from .models import ComplianceCell

GROUPABLE = ("month", "bcu_id", "team_id", "owner_id", "code", "enhanced", "offence_group", "outcome")


class Outcome:
    ON_TIME = "on_time"
    LATE = "late"
    OPEN = ObligationState.OPEN.value
    WAIVED = ObligationState.WAIVED.value
    NOT_REQUIRED = ObligationState.NOT_REQUIRED.value


def outcome_of(state: str, met_on_time: bool | None) -> str:
    """A duty's outcome as counted (the Python twin of SQL reporting_outcome)."""
    if state == ObligationState.MET:
        return Outcome.ON_TIME if met_on_time else Outcome.LATE
    return state


@dataclass(frozen=True)
class Slice:
    """Which duties to count: due in months first..last (first days of months, inclusive), and, where given,
    only these BCUs, teams, officers (0: none), offence groups, duties, and standard or enhanced. A None
    filter admits everything; an empty tuple admits nothing."""

    first: date
    last: date
    bcu_ids: tuple[int, ...] | None = None
    team_ids: tuple[int, ...] | None = None
    owner_ids: tuple[int, ...] | None = None
    offence_groups: tuple[str, ...] | None = None
    codes: tuple[str, ...] | None = None
    enhanced: bool | None = None

    def empty(self) -> bool:
        return any(
            f is not None and len(f) == 0
            for f in (self.bcu_ids, self.team_ids, self.owner_ids, self.offence_groups, self.codes)
        )


def uses_rollup() -> bool:
    return connection.vendor == "postgresql"


def counts(s: Slice, by: tuple[str, ...], *, direct: bool = False, open_due_before=None) -> Counter:
    """{tuple of the `by` values: number of duties}; from the roll-up unless `direct` (or on SQLite).
    `open_due_before` (a time) counts only the open duties due before it, directly (time, not a change,
    makes a duty overdue, so no cell can hold it)."""
    assert all(d in GROUPABLE for d in by), by
    if s.empty():
        return Counter()
    if open_due_before is not None:
        return _direct(s, by, open_due_before=open_due_before)
    if direct or not uses_rollup():
        return _direct(s, by)
    return _rolled(s, by)


def _rolled(s: Slice, by: tuple[str, ...]) -> Counter:
    return _grouped(s, [by])[by]


def counts_many(s: Slice, bys: list[tuple[str, ...]], *, direct: bool = False) -> dict[tuple, Counter]:
    """counts() for several groupings at once: on PostgreSQL one read of the cells (GROUPING SETS), however
    many tables a page shows."""
    for by in bys:
        assert all(d in GROUPABLE for d in by), by
    if s.empty():
        return {by: Counter() for by in bys}
    if direct or not uses_rollup():
        # One direct count by every dimension asked for, added up per grouping.
        dims = tuple(dict.fromkeys(d for by in bys for d in by))
        full = _direct(s, dims)
        return {by: project(full, dims, by) for by in bys}
    return _grouped(s, bys)


def _grouping_sets(bys: list[tuple[str, ...]], allowed) -> tuple[list[str], str]:
    # _split tells the groupings apart by their set of columns: two with the same set would count twice.
    assert len({frozenset(by) for by in bys}) == len(set(bys)), bys
    dims = list(dict.fromkeys(d for by in bys for d in by))
    assert all(d in allowed for d in dims), dims
    sets = ", ".join("(" + ", ".join(by) + ")" for by in dict.fromkeys(bys))
    return dims, sets


def _split(rows, dims: list[str], bys: list[tuple[str, ...]]) -> dict[tuple, Counter]:
    """Rows of (GROUPING flag per dim..., value per dim..., sum) back into one Counter per grouping."""
    out = {by: Counter() for by in bys}
    k = len(dims)
    # Which groupings a row's flags stand for, and where their values sit in the row: worked out once per
    # set of flags (a handful), not once per row (thousands).
    targets: dict[tuple, list[tuple[Counter, tuple[int, ...]]]] = {}
    for row in rows:
        n = row[-1]
        if not n:
            continue
        flags = row[:k]
        found = targets.get(flags)
        if found is None:
            present = {d for d, f in zip(dims, flags, strict=True) if not f}
            found = targets[flags] = [
                (out[by], itemgetter(*(k + dims.index(d) for d in by)) if by else None, len(by))
                for by in bys
                if set(by) == present
            ]
        for counter, get, width in found:
            # itemgetter gives one column bare, several as a tuple: keys are always tuples.
            counter[(get(row),) if width == 1 else get(row) if width else ()] += int(n)
    return out


def _dims(key: str) -> frozenset[str]:
    return frozenset(key.split(", "))


# Smallest first (rows at a force's size): a read uses the first grain with every column it needs. The
# tables and their keys are sql.GRAINS / sql.OPEN_GRAINS, the ones the triggers and the fold keep.
_SMALLEST_FIRST = [
    "reporting_complianceforcecell",
    "reporting_complianceteamoutcomecell",
    "reporting_compliancebcucell",
    "reporting_complianceofficeroutcomecell",
    "reporting_complianceteamcell",
    "reporting_compliancecell",
]
GRAIN_TABLES = sorted(((t, _dims(k)) for t, k in sql.GRAINS), key=lambda g: _SMALLEST_FIRST.index(g[0]))
OPEN_GRAIN_TABLES = [(t, _dims(k)) for t, k in reversed(sql.OPEN_GRAINS)]  # BCU, team, officer


def project(counter: Counter, key: tuple[str, ...], by: tuple[str, ...]) -> Counter:
    """Counts keyed by the columns `key`, added up by the columns `by` (a subset)."""
    out = Counter()
    for k, n in counter.items():
        out[tuple(k[key.index(d)] for d in by)] += n
    return out


def _grain(s: Slice, by: tuple[str, ...], grains=None) -> str:
    """The smallest grain with every column grouped or filtered by."""
    filters = (
        ("bcu_id", s.bcu_ids),
        ("team_id", s.team_ids),
        ("owner_id", s.owner_ids),
        ("code", s.codes),
        ("offence_group", s.offence_groups),
        ("enhanced", s.enhanced),
    )
    needed = set(by) | {c for c, v in filters if v is not None}
    return next(table for table, dims in grains or GRAIN_TABLES if needed <= dims)


def _grouped(s: Slice, bys: list[tuple[str, ...]]) -> dict[tuple, Counter]:
    """One read per grain the groupings need (GROUPING SETS). Each read adds the pending deltas to the cells
    in one statement, so each is exact at its moment."""
    by_grain: dict[str, list[tuple[str, ...]]] = {}
    for by in dict.fromkeys(bys):
        by_grain.setdefault(_grain(s, by), []).append(by)
    out: dict[tuple, Counter] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Enough memory to hash the groupings instead of sorting them on disk.
        cursor.execute("SET LOCAL work_mem = '32MB'")
        for table, group in by_grain.items():
            out.update(_read_grain(cursor, table, s, group))
    return out


def _read_grain(cursor, table: str, s: Slice, bys: list[tuple[str, ...]]) -> dict[tuple, Counter]:
    where, params = _where(s)
    where.insert(0, "month BETWEEN %s AND %s")
    params[:0] = [s.first, s.last]
    cond = " AND ".join(where)
    dims, sets = _grouping_sets(bys, GROUPABLE)
    inner = ", ".join(dims) if dims else "1 AS one"
    flags = ", ".join(f"GROUPING({d})" for d in dims)
    cols = ", ".join(dims)
    select = f"{flags}, {cols}, sum(n)" if dims else "sum(n)"
    group = f"GROUP BY GROUPING SETS ({sets})" if dims else ""
    # Every name in the statement comes from GROUPABLE (checked) or the literal lists; values are parameters.
    query = f"""
        SELECT {select} FROM (
          SELECT {inner}, n FROM {table} WHERE {cond}
          UNION ALL
          SELECT {inner}, n FROM reporting_compliancedelta WHERE {cond}
        ) AS cells {group}
    """  # noqa: S608
    cursor.execute(query, params + params)
    rows = cursor.fetchall()
    if not dims:
        return {(): Counter({(): int(rows[0][0])} if rows and rows[0][0] else {})}
    return _split(rows, dims, bys)


def _direct(s: Slice, by: tuple[str, ...], *, open_due_before=None, crimes=None) -> Counter:
    qs = duties(s)
    if crimes is not None:
        qs = qs.filter(crime_id__in=crimes)
    if open_due_before is not None:
        qs = qs.filter(state=ObligationState.OPEN, due_at__lt=open_due_before)
    annotations = {
        "month": TruncMonth("due_at"),
        "owner_key": Coalesce("owner_id", Value(0)),
        "group_key": F("crime__offence__group"),
        "outcome": Case(
            When(state=ObligationState.MET, met_on_time=True, then=Value(Outcome.ON_TIME)),
            When(state=ObligationState.MET, then=Value(Outcome.LATE)),
            default=F("state"),
            output_field=CharField(),
        ),
    }
    names = {"owner_id": "owner_key", "offence_group": "group_key"}
    fields = [names.get(d, d) for d in by]
    needed = {k: v for k, v in annotations.items() if k in fields}
    rows = qs.annotate(**needed).values(*fields).annotate(n=Count("id")).order_by()
    out = Counter()
    for row in rows:
        key = tuple(_plain(row[f]) for f in fields)
        out[key] += row["n"]
    return out


def _plain(value):
    """TruncMonth gives a datetime on some backends and a date on others: always a date."""
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    return value


def _month_start(d: date) -> datetime:
    """Midnight UK time on the first of d's month."""
    return timezone.make_aware(datetime(d.year, d.month, 1))


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def fold() -> int:
    """Add the pending deltas to their cells (the beat runs it every minute). Returns how many deltas
    there were; 0 on SQLite, which keeps none."""
    if not uses_rollup():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.FOLD[0])
        cursor.execute("SELECT count(*) FROM reporting_compliancedelta")
        pending = cursor.fetchone()[0]
        if pending:  # nothing to fold: no cell to touch or to clear
            for statement in sql.FOLD[1:]:
                cursor.execute(statement)
    return pending


def rebuild() -> int:
    """Count every duty again into fresh cells. Returns the number of cells."""
    if not uses_rollup():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in sql.REBUILD:
            cursor.execute(statement)
    return ComplianceCell.objects.count()


def pending_deltas() -> int:
    if not uses_rollup():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reporting_compliancedelta")
        return cursor.fetchone()[0]


OPEN_GROUPABLE = ("due_day", "bcu_id", "team_id", "owner_id", "code", "enhanced", "offence_group")


def _where(s: Slice) -> tuple[list[str], list]:
    where, params = [], []
    for column, values in (
        ("bcu_id", s.bcu_ids),
        ("team_id", s.team_ids),
        ("owner_id", s.owner_ids),
        ("offence_group", s.offence_groups),
        ("code", s.codes),
    ):
        if values is not None:
            where.append(f"{column} = ANY(%s)")
            params.append(list(values))
    if s.enhanced is not None:
        where.append("enhanced = %s")
        params.append(s.enhanced)
    return where, params


def open_counts(s: Slice, by: tuple[str, ...], *, first_day: date | None, before_day: date) -> Counter:
    """Open duties due on days first_day (None: any) to before_day (exclusive), UK time, within the slice's
    filters (not its months): {key of `by`: count}. From the open cells plus pending deltas on
    PostgreSQL; counted directly on SQLite."""
    return open_counts_many(s, [by], first_day=first_day, before_day=before_day)[by]


def open_counts_many(
    s: Slice, bys: list[tuple[str, ...]], *, first_day: date | None, before_day: date
) -> dict[tuple, Counter]:
    for by in bys:
        assert all(d in OPEN_GROUPABLE for d in by), by
    if s.empty():
        return {by: Counter() for by in bys}
    if not uses_rollup():
        return {by: _open_direct(s, by, first_day=first_day, before_day=before_day) for by in bys}
    where, params = _where(s)
    where.append("due_day < %s")
    params.append(before_day)
    if first_day is not None:
        where.append("due_day >= %s")
        params.append(first_day)
    cond = " AND ".join(where)
    dims, sets = _grouping_sets(bys, OPEN_GROUPABLE)
    table = _grain(s, tuple(dims), OPEN_GRAIN_TABLES)
    inner = ", ".join(dims) if dims else "1 AS one"
    flags = ", ".join(f"GROUPING({d})" for d in dims)
    select = f"{flags}, {', '.join(dims)}, sum(n)" if dims else "sum(n)"
    group = f"GROUP BY GROUPING SETS ({sets})" if dims else ""
    query = f"""
        SELECT {select} FROM (
          SELECT {inner}, n FROM {table} WHERE {cond}
          UNION ALL
          SELECT {inner}, n FROM reporting_compliancedelta WHERE due_day IS NOT NULL AND {cond}
        ) AS cells {group}
    """  # noqa: S608 (names from OPEN_GROUPABLE and literals; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(query, params + params)
        rows = cursor.fetchall()
    if not dims:
        return {(): Counter({(): int(rows[0][0])} if rows and rows[0][0] else {})}
    return _split(rows, dims, bys)


def open_direct(
    s: Slice,
    by: tuple[str, ...],
    *,
    start: datetime | None,
    end: datetime | None,
    crimes=None,
    where: Q | None = None,
) -> Counter:
    """Open duties due from `start` to `end` (None: any time), counted directly from the duties (of
    `crimes` only, if given; meeting `where` too, if given). `by` may also name "due_at" and "crime_id",
    to count by the exact due time and case."""
    qs = duties(s, months=False).filter(state=ObligationState.OPEN)
    if where is not None:
        qs = qs.filter(where)
    if end is not None:
        qs = qs.filter(due_at__lt=end)
    if crimes is not None:
        qs = qs.filter(crime_id__in=crimes)
    if start is not None:
        qs = qs.filter(due_at__gte=start)
    names = {"owner_id": "owner_key", "offence_group": "group_key", "due_day": "day"}
    annotations = {
        "owner_key": Coalesce("owner_id", Value(0)),
        "group_key": F("crime__offence__group"),
        "day": TruncDate("due_at"),
    }
    fields = [names.get(d, d) for d in by]
    rows = qs.annotate(**{k: v for k, v in annotations.items() if k in fields}).values(*fields)
    out = Counter()
    for row in rows.annotate(n=Count("id")).order_by():
        out[tuple(row[f] for f in fields)] += row["n"]
    return out


def _open_direct(s: Slice, by, *, first_day: date | None, before_day: date) -> Counter:
    start = _day_start(first_day) if first_day is not None else None
    return open_direct(s, by, start=start, end=_day_start(before_day))


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime(d.year, d.month, d.day))


def duties(s: Slice, *, months: bool = True, groups: bool = True):
    """The duties a slice selects, as a queryset: the one place its filters become conditions on duties
    (the drill-downs and direct counts all start here). `months=False`: any due month; `groups=False`:
    the caller applies the offence-group filter itself."""
    qs = Obligation.objects.all()
    if months:
        qs = qs.filter(due_at__gte=_month_start(s.first), due_at__lt=_month_start(_next_month(s.last)))
    if not groups and s.offence_groups is not None:
        s = replace(s, offence_groups=None)
    return _filtered(qs, s)


def _filtered(qs, s: Slice):
    if s.bcu_ids is not None:
        qs = qs.filter(bcu_id__in=s.bcu_ids)
    if s.team_ids is not None:
        qs = qs.filter(team_id__in=s.team_ids)
    if s.owner_ids is not None:
        owners = Q(owner_id__in=[o for o in s.owner_ids if o])
        qs = qs.filter(owners | Q(owner__isnull=True) if 0 in s.owner_ids else owners)
    if s.offence_groups is not None:
        qs = qs.filter(crime__offence__group__in=s.offence_groups)
    if s.codes is not None:
        qs = qs.filter(code__in=s.codes)
    if s.enhanced is not None:
        qs = qs.filter(enhanced=s.enhanced)
    return qs


_DUTY_COLUMNS = {
    "month": "date_trunc('month', b.due_at AT TIME ZONE 'Europe/London')::date",
    "bcu_id": "b.bcu_id",
    "team_id": "b.team_id",
    "owner_id": "coalesce(b.owner_id, 0)",
    "code": "b.code",
    "enhanced": "b.enhanced",
    "offence_group": 'o."group"',
    "outcome": "reporting_outcome(b.state, b.met_on_time)",
}


def counts_for_crimes(s: Slice, bys: list[tuple[str, ...]], crimes: tuple[int, ...]) -> dict[tuple, Counter]:
    """Direct counts over a few crimes' duties (the restricted cases a reader is not named on, taken away
    from their figures), in the cells' shape: on PostgreSQL one statement with GROUPING SETS."""
    if not crimes:
        return {by: Counter() for by in bys}
    if not uses_rollup():
        dims = tuple(dict.fromkeys(d for by in bys for d in by))
        full = _direct(s, dims, crimes=crimes)
        return {by: project(full, dims, by) for by in bys}
    where, params = _where(s)
    dims, sets = _grouping_sets(bys, GROUPABLE)
    inner = ", ".join(f"{expr} AS {name}" for name, expr in _DUTY_COLUMNS.items())
    flags = ", ".join(f"GROUPING({d})" for d in dims)
    select = f"{flags}, {', '.join(dims)}, count(*)" if dims else "count(*)"
    group = f"GROUP BY GROUPING SETS ({sets})" if dims else ""
    # From the crimes to their duties, and the months as a range of due times (what duties() selects):
    # a condition on the computed month hid the range from the planner, which then expected a handful of
    # duties and joined every offence to each of them (twice as slow at 200 cases).
    query = f"""
        SELECT {select} FROM (
          SELECT {inner} FROM cases_crime c JOIN contacts_obligation b ON b.crime_id = c.id
          JOIN cases_offence o ON o.id = c.offence_id
          WHERE c.id = ANY(%s) AND b.due_at >= %s AND b.due_at < %s
        ) AS duties {"WHERE " + " AND ".join(where) if where else ""} {group}
    """  # noqa: S608 (names from GROUPABLE and constants; values are parameters)
    bounds = [_month_start(s.first), _month_start(_next_month(s.last))]
    with connection.cursor() as cursor:
        cursor.execute(query, [list(crimes), *bounds, *params])
        rows = cursor.fetchall()
    if not dims:
        return {(): Counter({(): int(rows[0][0])} if rows and rows[0][0] else {})}
    return _split(rows, dims, bys)


EQUALITY_KEY = ("month", "outcome", "ethnicity", "gender", "disability", "age_band")


def equality_cells_serve(s: Slice) -> bool:
    """Whether the equality cells hold what the slice asks for (they have no team, officer, duty or
    offence group)."""
    return uses_rollup() and all(v is None for v in (s.team_ids, s.owner_ids, s.codes, s.offence_groups))


def equality_counts(s: Slice) -> Counter:
    """{(month, outcome, ethnicity, gender, disability, age band): duties} from the equality cells plus
    pending deltas (a force's or BCUs' slice: see equality_cells_serve)."""
    assert equality_cells_serve(s)
    where, params = ["month BETWEEN %s AND %s"], [s.first, s.last]
    if s.bcu_ids is not None:
        where.append("bcu_id = ANY(%s)")
        params.append(list(s.bcu_ids))
    if s.enhanced is not None:
        where.append("enhanced = %s")
        params.append(s.enhanced)
    cond = " AND ".join(where)
    cols = ", ".join(EQUALITY_KEY)
    query = f"""
        SELECT {cols}, sum(n) FROM (
          SELECT {cols}, n FROM reporting_equalitycell WHERE {cond}
          UNION ALL
          SELECT {cols}, n FROM reporting_compliancedelta WHERE {cond}
        ) AS cells GROUP BY {cols}
    """  # noqa: S608 (names are constants; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(query, params + params)
        rows = cursor.fetchall()
    return Counter({tuple(r[:-1]): int(r[-1]) for r in rows if r[-1]})
