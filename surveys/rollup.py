"""The satisfaction roll-up: every answer, as it is kept, is added to the cells of its London month and BCU,
once for "every answer" and once per breakdown (surveys.models.SatisfactionCell). Answers are never changed
or deleted once kept, so adding is all the roll-up needs; rebuild() counts them all again (after a bulk
load, or to check). The reader is reporting.satisfaction."""

from collections import defaultdict

from django.db import connection, transaction

from victimcare.calendar import london_month

from .constants import Area
from .models import Response, SatisfactionCell
from .scoring import SATISFIED_FROM

# The breakdowns kept in cells: (dimension, how a response gives its value). "eth_dis" pairs ethnicity
# and disability, for the gaps by month.
DIMENSIONS = {
    "": lambda r: "",
    "team_id": lambda r: str(r["team_id"]),
    "officer_id": lambda r: "" if r["officer_id"] is None else str(r["officer_id"]),
    "offence_group": lambda r: r["offence_group"] or "",
    "case_status": lambda r: r["case_status"] or "",
    "gender": lambda r: r["gender"] or "",
    "age_band": lambda r: r["age_band"] or "",
    "disability": lambda r: r["disability"] or "",
    "ethnicity": lambda r: r["ethnicity"] or "",
    "updates": lambda r: r["updates"] or "",
    "eth_dis": lambda r: f"{r['ethnicity'] or ''}|{r['disability'] or ''}",
}
FIELDS = ["team_id", "officer_id", "offence_group", "case_status", "gender", "age_band", "disability"]
FIELDS += ["ethnicity", "updates", "bcu_id", "submitted_at", *Area.values]
COUNTS = ["n"] + [f"{a}_{x}" for a in Area.values for x in ("k", "n")]


def _counts(r: dict) -> list[int]:
    out = [1]
    for a in Area.values:
        v = r[a]
        out += [1 if v is not None and v >= SATISFIED_FROM else 0, 0 if v is None else 1]
    return out


def _cells(rows) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for r in rows:
        counts = _counts(r)
        month = london_month(r["submitted_at"])
        for dim, value_of in DIMENSIONS.items():
            cell = out[(dim, month, r["bcu_id"], value_of(r)[:60])]
            for i, c in enumerate(counts):
                cell[i] += c
    return out


def _upsert(cells: dict[tuple, list[int]]) -> None:
    if not cells:
        return
    table = SatisfactionCell._meta.db_table
    cols = ["dimension", "month", "bcu_id", "value", *COUNTS]
    rows = [(*key, *counts) for key, counts in cells.items()]
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(rows))
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in COUNTS)
    # Table and column names are this module's constants; every value is a parameter.
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES {placeholders} "  # noqa: S608
    sql += f"ON CONFLICT (dimension, month, bcu_id, value) DO UPDATE SET {updates}"
    with connection.cursor() as cur:
        cur.execute(sql, [v for row in rows for v in row])


def add(response: Response) -> None:
    """Count one answer (in the transaction that keeps it: both or neither)."""
    row = {f: getattr(response, f) for f in FIELDS}
    _upsert(_cells([row]))


@transaction.atomic
def rebuild(chunk: int = 5000) -> int:
    """Count every answer again. Returns how many cells there are."""
    SatisfactionCell.objects.all().delete()
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for part in _chunks(Response.objects.order_by("pk").values(*FIELDS), chunk):
        for key, counts in _cells(part).items():
            cell = cells[key]
            for i, c in enumerate(counts):
                cell[i] += c
    items = list(cells.items())
    for i in range(0, len(items), 500):
        _upsert(dict(items[i : i + 500]))
    return len(items)


def _chunks(qs, size):
    batch = []
    for row in qs.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
