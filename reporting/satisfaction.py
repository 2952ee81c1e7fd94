"""Satisfaction figures from the survey answers: for each of the five areas, the share of victims who were
completely, very or fairly satisfied, by month and by every breakdown the results page shows, with the
gaps between groups and "kept informed" set beside how the same victims' update duties went.

Each figure is one grouped count over surveys.Response (which carries the case's place and the victim's
details as they were when they answered), so a page is a handful of statements whatever the number of
answers. The reader's area and the hidden restricted cases are applied exactly as on the compliance pages."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.constants import AGE_BANDS, AGE_NOT_KNOWN, CrimeStatus, Disability, Ethnicity, Gender, OffenceGroup
from surveys import rollup as surveys_rollup
from surveys.constants import Area, UpdatesKept
from surveys.models import Response, SatisfactionCell
from surveys.scoring import SATISFIED_FROM
from victimcare.accounts.models import BCU, Team, User
from victimcare.calendar import london_month, month_bounds, month_start

from . import stats
from .figures import MINORITY, NOT_KNOWN, WHITE, ethnic_group  # noqa: F401 (the one rule, read from here too)
from .rollup import Slice

AREAS = list(Area)
DISABLED, NOT_DISABLED = "Disabled", "Not disabled"


@dataclass
class Satisfaction:
    """Answers for one group: per area, how many answered it and how many were satisfied."""

    responses: int = 0
    satisfied: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    answered: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: "Satisfaction") -> None:
        self.responses += other.responses
        for a in Area.values:
            self.satisfied[a] += other.satisfied[a]
            self.answered[a] += other.answered[a]

    def subtract(self, other: "Satisfaction") -> None:
        self.responses -= other.responses
        for a in Area.values:
            self.satisfied[a] -= other.satisfied[a]
            self.answered[a] -= other.answered[a]

    def rate(self, area: str) -> stats.Rate:
        return stats.rate(self.satisfied[area], self.answered[area])


def in_slice(
    qs: QuerySet, s: Slice, *, bcu: str, team: str, owner: str, group: str, hidden: tuple[int, ...] = ()
) -> QuerySet:
    """Rows of the slice's area (BCUs, teams, officers, offence groups), less the hidden restricted cases'.
    The arguments name each row's path to them (answers keep their own copies; sampled cases reach them
    through the crime and the sample)."""
    if s.bcu_ids is not None:
        qs = qs.filter(**{f"{bcu}__in": s.bcu_ids})
    if s.team_ids is not None:
        qs = qs.filter(**{f"{team}__in": s.team_ids})
    if s.owner_ids is not None:
        qs = qs.filter(**{f"{owner}__in": s.owner_ids})
    if s.offence_groups:
        qs = qs.filter(**{f"{group}__in": s.offence_groups})
    if hidden:
        qs = qs.exclude(crime_id__in=hidden)
    return qs


def responses(s: Slice, *, hidden: tuple[int, ...] = ()) -> QuerySet:
    """The answers these filters select within the reader's area (answers given in the period)."""
    start, end = month_bounds(s.first, s.last)
    qs = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    return in_slice(
        qs, s, bcu="bcu_id", team="team_id", owner="officer_id", group="offence_group", hidden=hidden
    )


def _aggregates() -> dict:
    out = {"n": Count("pk")}
    for a in Area.values:
        out[f"{a}__k"] = Count("pk", filter=Q(**{f"{a}__gte": SATISFIED_FROM}))
        out[f"{a}__n"] = Count(a)
    return out


def _satisfaction(row: dict) -> Satisfaction:
    s = Satisfaction(responses=row["n"])
    for a in Area.values:
        s.satisfied[a] = row[f"{a}__k"]
        s.answered[a] = row[f"{a}__n"]
    return s


def by(qs: QuerySet, *keys: str) -> dict[tuple, Satisfaction]:
    """One grouped count: {(key values...): Satisfaction}. "month" is the London month answered."""
    if "month" in keys:
        qs = qs.annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))
    out = {}
    for row in qs.values(*keys).annotate(**_aggregates()).order_by():
        key = tuple(db_month(row[k]) if k == "month" else row[k] for k in keys)
        out[key] = _satisfaction(row)
    return out


def total(qs: QuerySet) -> Satisfaction:
    return _satisfaction(qs.aggregate(**_aggregates()))


def db_month(value) -> date:
    """A truncated month as the database returns it (an aware or naive datetime, or a date)."""
    if isinstance(value, datetime):
        return london_month(value) if timezone.is_aware(value) else month_start(value.date())
    return month_start(value)


# --- words for each breakdown ------------------------------------------------------------------------
def disability_group(code: str) -> str:
    return {Disability.YES: DISABLED, Disability.NO: NOT_DISABLED}.get(code, NOT_KNOWN)


def labels(key: str, values) -> dict:
    """Words for a breakdown's values, in the order they are shown."""
    values = list(values)
    if key == "bcu_id":
        return dict(BCU.objects.filter(pk__in=values).order_by("name").values_list("pk", "name"))
    if key == "team_id":
        return dict(Team.objects.filter(pk__in=values).order_by("name").values_list("pk", "name"))
    if key == "officer_id":
        officers = User.objects.filter(pk__in=[v for v in values if v]).order_by("last_name", "first_name")
        out = {u.pk: u.display_name for u in officers}
        if None in values:
            out[None] = "No officer in case"
        return out
    choices = {
        "offence_group": OffenceGroup,
        "case_status": CrimeStatus,
        "ethnicity": Ethnicity,
        "gender": Gender,
        "disability": Disability,
        "updates": UpdatesKept,
    }.get(key)
    if choices is not None:
        words = {c.value: str(c.label) for c in choices}
        ordered = {v: words[v] for v in words if v in values}
        if any(not v for v in values):
            ordered[""] = NOT_KNOWN
        for v in values:  # a stored value no longer in the choices is still shown, never an error
            ordered.setdefault(v, str(v) if v else NOT_KNOWN)
        return ordered
    if key == "age_band":
        order = [b for _lo, _hi, b in AGE_BANDS] + [AGE_NOT_KNOWN]
        return {v: v or NOT_KNOWN for v in sorted(values, key=lambda v: order.index(v) if v in order else 99)}
    return {v: str(v) for v in values}


def grouped(rows: dict[tuple, Satisfaction], fn) -> dict[str, Satisfaction]:
    """Rows folded into broader groups (`fn(key) -> group`)."""
    out: dict[str, Satisfaction] = defaultdict(Satisfaction)
    for key, s in rows.items():
        out[fn(key)].add(s)
    return out


def rate_words(r: stats.Rate) -> str:
    """A satisfied rate as a table cell says it: "82% (76% to 87%)", "No answers", "Fewer than 10"."""
    if r.n == 0:
        return "No answers"
    if not r.shown:
        return r.text
    return f"{r.percent} ({r.interval_text})"


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def gap_text(a_name: str, a: stats.Rate, b_name: str, b: stats.Rate, what: str) -> str:
    """The gap between two groups in a sentence. Names are as written mid-sentence ("White",
    "ethnic-minority", "disabled"); the sentence capitalises its first word."""
    if not (a.shown and b.shown):
        return f"Too few {a_name} or {b_name} victims answered to compare them."
    diff = round(100 * a.value) - round(100 * b.value)
    if diff == 0:
        return f"{_cap(a_name)} and {b_name} victims were {what} at the same rate ({a.percent})."
    lower, higher = (b_name, a_name) if diff > 0 else (a_name, b_name)
    low, high = (b, a) if diff > 0 else (a, b)
    return (
        f"{_cap(lower)} victims were {what} {abs(diff)} percentage points less often than {higher} "
        f"victims ({low.percent} against {high.percent})."
    )


# --- reading: the cells where they serve, the answers themselves otherwise ------------------------------
CELL_KEYS = {
    ("month",): ("", "month"),
    ("bcu_id",): ("", "bcu"),
    ("month", "ethnicity", "disability"): ("eth_dis", "month"),
}
INT_DIMENSIONS = {"team_id", "officer_id"}


def cells_serve(s: Slice) -> bool:
    """The cells hold month, BCU and one breakdown: they answer for the force or BCUs, not for a team,
    an officer or an offence group (those read their few answers directly)."""
    return s.team_ids is None and s.owner_ids is None and not s.offence_groups


class Reader:
    """The satisfaction figures for one slice: `by(*keys)` and `total()` as the direct count would give
    them, from the cells when they serve (less the hidden restricted cases' answers, counted directly)."""

    def __init__(self, s: Slice, *, hidden: tuple[int, ...] = ()):
        self.s = s
        self.hidden = hidden
        self.use_cells = cells_serve(s)
        self.qs = responses(s, hidden=() if self.use_cells else hidden)

    def _cells(self, dimension: str):
        qs = SatisfactionCell.objects.filter(
            dimension=dimension, month__gte=self.s.first, month__lte=self.s.last
        )
        if self.s.bcu_ids is not None:
            qs = qs.filter(bcu_id__in=self.s.bcu_ids)
        return qs

    def by(self, *keys: str) -> dict[tuple, Satisfaction]:
        if not self.use_cells:
            return by(self.qs, *keys)
        if keys in CELL_KEYS:
            dimension, group = CELL_KEYS[keys]
            fields = [group] + (["value"] if dimension else [])
        else:
            (dimension,) = keys
            fields = ["value"]
        sums = {c: Sum(c) for c in surveys_rollup.COUNTS}
        out: dict[tuple, Satisfaction] = {}
        for row in self._cells(dimension).values(*fields).annotate(**sums).order_by():
            key = self._key(keys, dimension, row)
            out.setdefault(key, Satisfaction()).add(_from_cell(row))
        if self.hidden:
            for key, s in by(responses(self.s).filter(crime_id__in=self.hidden), *keys).items():
                out.setdefault(key, Satisfaction()).subtract(s)
        return out

    @staticmethod
    def _key(keys, dimension, row) -> tuple:
        if keys == ("month",):
            return (row["month"],)
        if keys == ("bcu_id",):
            return (row["bcu"],)
        if dimension == "eth_dis":
            eth, _sep, dis = row["value"].partition("|")
            return (row["month"], eth, dis)
        value = row["value"]
        if keys[0] in INT_DIMENSIONS:
            return (int(value) if value else None,)
        return (value,)

    def total(self) -> Satisfaction:
        out = Satisfaction()
        for s in self.by("month").values():
            out.add(s)
        return out


def _from_cell(row: dict) -> Satisfaction:
    s = Satisfaction(responses=row["n"])
    for a in Area.values:
        s.satisfied[a] = row[f"{a}_k"]
        s.answered[a] = row[f"{a}_n"]
    return s
