"""Every figure the dashboards, exports and returns show, computed in one place so that a page, its CSV
and the quarterly return can never disagree. Counts come from reporting.rollup; rates, intervals and
suppression from reporting.stats."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, ExpressionWrapper, F, Q
from django.db.models import DurationField as DurationOutput
from django.utils import timezone

from cases.constants import AGE_BANDS, Disability, Ethnicity, Gender, OffenceGroup, age_band, age_on
from cases.models import CrimeVictim, NeedsAssessment
from contacts.constants import Duty, ObligationState
from contacts.models import Rule
from contacts.selectors import amber_limit
from contacts.services import working_calendar
from contacts.templatetags.duties import duty_label
from messaging.constants import MessageKind, MessageStatus
from messaging.models import Message
from victimcare.accounts.models import BCU, Team, User

from . import rollup, stats
from .filters import add_months, month_of
from .rollup import Outcome, Slice

# The columns of a compliance table, in order, with their words.
OUTCOMES = [
    ("on_time", "Met on time"),
    ("late", "Met late"),
    ("overdue", "Open past due"),
    ("pending", "Open, not yet due"),
    ("waived", "Waived"),
    ("not_required", "Not required"),
]
OUTCOME_WORDS = dict(OUTCOMES)


@dataclass
class Tally:
    """Duties by outcome. `due` is what fell due (met on time, met late, or open past due): the rate's
    denominator; waived, not-required and not-yet-due duties are shown but not rated."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0
    waived: int = 0
    not_required: int = 0

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def total(self) -> int:
        return self.due + self.pending + self.waived + self.not_required

    def rate(self, threshold: int | None = None) -> stats.Rate:
        return stats.rate(self.on_time, self.due, threshold)

    def add(self, other: "Tally") -> None:
        for name, _ in OUTCOMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def tallies(
    s: Slice, by: tuple[str, ...], *, now: datetime | None = None, hidden: tuple[int, ...] = ()
) -> dict[tuple, Tally]:
    """{key of `by`: Tally} over the duties of the slice. An open duty is past due if its due time has
    passed at `now`: every open duty of an earlier month, and those of this month due before now."""
    return tallies_many(s, [by], now=now, hidden=hidden)[by]


def tallies_many(
    s: Slice,
    bys: list[tuple[str, ...]],
    *,
    now: datetime | None = None,
    hidden: tuple[int, ...] = (),
    opened: "OpenReads | None" = None,
) -> dict[tuple, dict[tuple, Tally]]:
    """tallies() for several groupings: two reads of the roll-up (the cells, and this month's overdue)
    and one small direct count (today's), however many tables the page shows. `hidden`: restricted cases
    the reader is not named on, taken away from every figure (counted directly: a few cases), so that no
    figure counts a case its drill-down would not list. `opened`: the page's shared direct reads of open
    duties (OpenReads), when other figures of the page need them too."""
    now = _now(now)
    current = month_of(timezone.localdate(now))
    full = {by: tuple(dict.fromkeys((*by, "month", "outcome"))) for by in bys}
    groupings = list(dict.fromkeys(full.values()))
    raw = rollup.counts_many(s, groupings)
    if hidden:
        for dims, counted in rollup.counts_for_crimes(s, groupings, hidden).items():
            raw[dims] = raw[dims].copy()
            raw[dims].subtract(counted)
    this_month = s.first <= current <= s.last
    over = (
        overdue_this_month(
            s, now, tuple(tuple(d for d in by if d != "month") for by in bys), hidden, opened=opened
        )
        if this_month
        else {}
    )
    result = {}
    for by in bys:
        dims = full[by]
        where = [dims.index(d) for d in by]
        at_month, at_outcome = dims.index("month"), dims.index("outcome")
        out: dict[tuple, Tally] = defaultdict(Tally)
        for key, n in raw[dims].items():
            month, outcome = key[at_month], key[at_outcome]
            t = out[tuple(key[i] for i in where)]
            if outcome == Outcome.OPEN:
                if month < current:
                    t.overdue += n
                else:
                    t.pending += n
            elif outcome in (Outcome.ON_TIME, Outcome.LATE, Outcome.WAIVED, Outcome.NOT_REQUIRED):
                setattr(t, outcome, getattr(t, outcome) + n)
        if this_month:
            nm = tuple(d for d in by if d != "month")
            for key, n in over[nm].items():
                k = tuple(current if d == "month" else key[nm.index(d)] for d in by)
                out[k].overdue += n
                out[k].pending -= n
        result[by] = dict(out)
    return result


_OVERDUE_KEY = ("bcu_id", "team_id", "owner_id", "code", "enhanced", "offence_group")


def _today(now: datetime) -> tuple[date, datetime]:
    today = timezone.localdate(now)
    return today, timezone.make_aware(datetime(today.year, today.month, today.day))


def _due_today_so_far(s: Slice, now: datetime) -> Counter:
    """Open duties due today before now, by every dimension: counted directly (a day's few)."""
    _, midnight = _today(now)
    return rollup.open_direct(s, _OVERDUE_KEY, start=midnight, end=now)


class OpenReads:
    """The direct counts of open duties that several figures of one page share at one moment, read once
    however many figures need them (they were read once per figure: eleven reads on a BCU's page):
    today's duties already past due, and the open duties of the hidden restricted cases by due time, from
    which each figure takes the times it needs. With hidden cases both come from one read (today's past
    due, or any of the hidden cases', by due time and case). Neither depends on the slice's months, so
    they are kept by its other filters."""

    def __init__(self, now: datetime, hidden: tuple[int, ...] = ()):
        self.now = now
        self.hidden = hidden
        self._today: dict[Slice, Counter] = {}
        self._hidden: dict[Slice, Counter] = {}

    def _read(self, s: Slice, key: Slice) -> None:
        _, midnight = _today(self.now)
        if not self.hidden:
            self._today[key] = _due_today_so_far(s, self.now)
            return
        rows = rollup.open_direct(
            s,
            (*_OVERDUE_KEY, "due_at", "crime_id"),
            start=None,
            end=None,
            where=Q(due_at__gte=midnight, due_at__lt=self.now) | Q(crime_id__in=self.hidden),
        )
        hidden = set(self.hidden)
        today, of_hidden = Counter(), Counter()
        for k, n in rows.items():
            due, crime = k[-2], k[-1]
            if midnight <= due < self.now:
                today[k[:-2]] += n
            if crime in hidden:
                of_hidden[(*k[:-2], due)] += n
        self._today[key], self._hidden[key] = today, of_hidden

    @staticmethod
    def _filters(s: Slice) -> Slice:
        return replace(s, first=date.min, last=date.min)

    def check(self, now: datetime, hidden: tuple[int, ...]) -> None:
        assert (now, hidden) == (self.now, self.hidden), "a page's figures share one moment and reader"

    def due_today_so_far(self, s: Slice) -> Counter:
        key = self._filters(s)
        if key not in self._today:
            self._read(s, key)
        return self._today[key]

    def hidden_open(self, s: Slice, by: tuple[str, ...], *, start: datetime | None, end: datetime) -> Counter:
        """Open duties of the hidden cases due from `start` (None: any time) to `end`, by `by` (columns of
        _OVERDUE_KEY)."""
        if not self.hidden:
            return Counter()
        key = self._filters(s)
        if key not in self._hidden:
            self._read(s, key)
        where = [_OVERDUE_KEY.index(d) for d in by]
        out = Counter()
        for k, n in self._hidden[key].items():
            if (start is None or k[-1] >= start) and k[-1] < end:
                out[tuple(k[i] for i in where)] += n
        return out


def overdue_this_month(
    s: Slice,
    now: datetime,
    bys: tuple[tuple[str, ...], ...],
    hidden: tuple[int, ...] = (),
    *,
    opened: OpenReads | None = None,
) -> dict[tuple, Counter]:
    """This month's open duties already past due, for each grouping (no month): those due on earlier days
    of the month from the open cells, today's before now counted directly, less the hidden cases'."""
    if opened is None:
        opened = OpenReads(now, hidden)
    opened.check(now, hidden)
    today, _ = _today(now)
    first = date(today.year, today.month, 1)
    out = rollup.open_counts_many(s, list(dict.fromkeys(bys)), first_day=first, before_day=today)
    today_so_far = opened.due_today_so_far(s)
    month_start = timezone.make_aware(datetime(first.year, first.month, 1))
    for by in bys:
        out[by].update(rollup.project(today_so_far, _OVERDUE_KEY, by))
        if hidden:
            out[by].subtract(opened.hidden_open(s, by, start=month_start, end=now))
    return out


def total(s: Slice, *, now: datetime | None = None) -> Tally:
    return tallies(s, (), now=now).get((), Tally())


def months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def by_month(
    s: Slice, *, now: datetime | None = None, hidden: tuple[int, ...] = ()
) -> list[tuple[date, Tally]]:
    t = tallies(s, ("month",), now=now, hidden=hidden)
    return [(m, t.get((m,), Tally())) for m in months(s.first, s.last)]


# --- now: overdue and due soon -------------------------------------------------------------------------


def _open(s: Slice, hidden: tuple[int, ...] = (), *, groups: bool = True):
    """Open duties (any due month) within the slice's filters, for the drill-downs; `hidden`: the restricted
    cases the reader is not named on (cases.selectors.hidden_restricted), left out as they are left out of
    the working figures."""
    qs = rollup.duties(s, months=False, groups=groups).filter(state=ObligationState.OPEN)
    return qs.exclude(crime_id__in=hidden) if hidden else qs


def due_soon_until(now: datetime) -> datetime:
    """The end of the next working day: the worklists' own 'due soon' (contacts.selectors.amber_limit)."""
    return amber_limit(now, working_calendar())


@dataclass(frozen=True)
class Now:
    overdue: int
    due_soon: int  # due by the end of the next working day


def _overdue_now(
    s: Slice, bys: list[tuple[str, ...]], now: datetime, hidden: tuple[int, ...], opened: OpenReads
):
    """Open duties past due now, for each grouping: due before today from the open cells, today's before
    now directly, less those on the hidden restricted cases (counted directly: a few cases)."""
    today, _ = _today(now)
    out = rollup.open_counts_many(s, list(dict.fromkeys(bys)), first_day=None, before_day=today)
    today_so_far = opened.due_today_so_far(s)
    for by in bys:
        out[by].update(rollup.project(today_so_far, _OVERDUE_KEY, by))
        if hidden:
            out[by].subtract(opened.hidden_open(s, by, start=None, end=now))
    return out


def now_figures(
    s: Slice,
    *,
    now: datetime | None = None,
    hidden: tuple[int, ...] = (),
    by: str = "",
    opened: OpenReads | None = None,
) -> tuple[Now, dict]:
    """Overdue now and due by the end of the next working day; and overdue now by `by` (a column of
    bcu_id, team_id, owner_id, code), all from one read of the open cells. `opened`: the page's shared
    direct reads of open duties (OpenReads at the same `now`, for the same reader)."""
    if s.empty():
        return Now(0, 0), {}
    now = _now(now)
    if opened is None:
        opened = OpenReads(now, hidden)
    opened.check(now, hidden)
    today, midnight = _today(now)
    groupings = [(), (by,)] if by else [()]
    over = _overdue_now(s, groupings, now, hidden, opened)
    end = due_soon_until(now)
    # Due from now to the end of the next working day: the open cells from today to that day, less today's
    # already past, less the hidden cases'.
    last = timezone.localdate(end)
    soon = rollup.open_counts(s, (), first_day=today, before_day=last + timedelta(days=1))[()]
    soon -= sum(opened.due_today_so_far(s).values())
    if hidden:
        soon -= opened.hidden_open(s, (), start=now, end=end + timedelta(microseconds=1))[()]
    by_column = {k[0]: n for k, n in over[(by,)].items() if n} if by else {}
    return Now(over[()][()], soon), by_column


# --- labels ------------------------------------------------------------------------------------------


def labels(dimension: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if dimension == "bcu_id":
        return dict(BCU.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "team_id":
        return {t.pk: f"{t.name}" for t in Team.objects.filter(pk__in=keys)}
    if dimension == "owner_id":
        names = {u.pk: u.display_name for u in User.objects.filter(pk__in=keys)}
        return {k: names.get(k, "No officer") for k in keys}
    if dimension == "code":
        return {k: duty_label(k) for k in keys}
    if dimension == "offence_group":
        return {k: OffenceGroup(k).label if k in OffenceGroup.values else "Other" for k in keys}
    if dimension == "enhanced":
        return {True: "Enhanced entitlements", False: "Standard entitlements"}
    raise ValueError(dimension)


DIMENSION_WORDS = {
    "bcu_id": "BCU",
    "team_id": "Team",
    "owner_id": "Officer",
    "code": "Duty",
    "offence_group": "Offence group",
    "enhanced": "Victims",
}
FILTER_OF = {
    "bcu_id": "bcu",
    "team_id": "team",
    "owner_id": "officer",
    "code": "duty",
    "offence_group": "group",
}


@dataclass
class Row:
    key: object
    label: str
    tally: Tally
    overdue_now: int | None = None


def breakdown(
    s: Slice,
    dimension: str,
    *,
    now: datetime | None = None,
    tallied: dict[tuple, Tally] | None = None,
    overdue_now: dict | None = None,
    hidden: tuple[int, ...] = (),
) -> list[Row]:
    """Rows by one dimension, labelled; `tallied` (from tallies_many) and `overdue_now` (by the same
    column, from now_figures) when the page has read them already."""
    t = tallied if tallied is not None else tallies(s, (dimension,), now=now, hidden=hidden)
    keys = [k[0] for k in t]
    names = labels(dimension, keys)
    rows = [
        Row(k, str(names.get(k, k)), t[(k,)], overdue_now.get(k, 0) if overdue_now is not None else None)
        for k in keys
    ]
    rows.sort(key=lambda r: r.label if dimension != "enhanced" else str(not r.key))
    return rows


# --- headline ----------------------------------------------------------------------------------------


def headline(series: list[tuple[date, Tally]], *, what: str = "duties", now: datetime | None = None) -> str:
    """'82% of duties met on time in October 2026, down from 88% in September.' From the last complete
    month with enough duties to show, compared with the month before it."""
    current = month_of(timezone.localdate(_now(now)))
    complete = [(m, t) for m, t in series if m < current]
    if not complete:
        complete = series
    shown = [(m, t) for m, t in complete if t.rate().shown]
    if not shown:
        return f"Too few {what} fell due in this period to give a rate."
    m, t = shown[-1]
    text = f"{t.rate().percent} of {what} met on time in {m:%B %Y}"
    before = [(pm, pt) for pm, pt in shown if pm == add_months(m, -1)]
    if before:
        pm, pt = before[0]
        a, b = round(100 * t.rate().value), round(100 * pt.rate().value)
        change = "up from" if a > b else "down from" if a < b else "the same as"
        text += f", {change} {pt.rate().percent} in {pm:%B}"
    return text + "."


# --- the indicators forces report ----------------------------------------------------------------------

MOJ_AREAS = [
    ("Written acknowledgement", (Duty.ACKNOWLEDGE,)),
    ("Referral to support services", (Duty.SUPPORT_REFERRAL,)),
    ("Updates within the agreed time", (Duty.PROGRESS_UPDATE,)),
    ("Opportunity to make a Victim Personal Statement", (Duty.VPS_OFFER,)),
    ("Advance notice of an offender's release (Victim Contact Scheme referral)", (Duty.VCS_REFERRAL,)),
]
CLASSIC = [
    Duty.NOT_INVESTIGATED,
    Duty.SUPPORT_REFERRAL,
    Duty.PROGRESS_UPDATE,
    Duty.ARREST,
    Duty.CHARGE,
    Duty.BAIL,
]


@dataclass
class Indicator:
    label: str
    codes: tuple[str, ...]
    enhanced: bool | None
    series: list[tuple[date, Tally]] = field(default_factory=list)
    total: Tally = field(default_factory=Tally)


def _limits() -> dict[str, tuple[int | None, int | None]]:
    """Each duty's deadline in the newest active edition: (standard, enhanced) working days."""
    out = {}
    for r in Rule.objects.filter(rule_set__active=True).order_by("rule_set__effective_from"):
        out[r.code] = (r.standard_wd, r.enhanced_wd)
    return out


def _days(n: int | None) -> str:
    if n is None:
        return ""
    return "1 working day" if n == 1 else f"{n} working days"


def indicators(
    s: Slice, *, now: datetime | None = None, hidden: tuple[int, ...] = ()
) -> tuple[list[Indicator], list[Indicator]]:
    """The MoJ return's five areas and the classic force indicators (each split by standard and enhanced
    victims, whose deadlines differ), month by month, from one read of the roll-up."""
    codes = {c for _, cs in MOJ_AREAS for c in cs} | set(CLASSIC)
    base = replace(
        s, codes=tuple(sorted(codes & set(s.codes))) if s.codes is not None else tuple(sorted(codes))
    )
    t = tallies(base, ("code", "enhanced", "month"), now=now, hidden=hidden)
    ms = months(s.first, s.last)

    def build(label, cs, enhanced):
        ind = Indicator(label, tuple(cs), enhanced)
        for m in ms:
            tm = Tally()
            for (code, enh, month), tally in t.items():
                if month == m and code in cs and (enhanced is None or enh == enhanced):
                    tm.add(tally)
            ind.series.append((m, tm))
            ind.total.add(tm)
        return ind

    moj = [build(label, cs, None) for label, cs in MOJ_AREAS]
    limits = _limits()
    classic = []
    for code in CLASSIC:
        std, enh = limits.get(code, (None, None))
        name = duty_label(code)
        if code == Duty.PROGRESS_UPDATE:
            classic.append(build(f"{name} (as agreed in the contact plan)", (code,), None))
            continue
        classic.append(
            build(f"{name}: standard victims" + (f", within {_days(std)}" if std else ""), (code,), False)
        )
        classic.append(
            build(f"{name}: enhanced victims" + (f", within {_days(enh)}" if enh else ""), (code,), True)
        )
    return moj, classic


# --- service -----------------------------------------------------------------------------------------


def _window(s: Slice) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(s.first.year, s.first.month, 1))
    end_month = add_months(s.last, 1)
    return start, timezone.make_aware(datetime(end_month.year, end_month.month, 1))


def _victims(s: Slice):
    """Victims added to crimes in the slice's scope during its period."""
    start, end = _window(s)
    qs = CrimeVictim.objects.filter(created_at__gte=start, created_at__lt=end)
    if s.bcu_ids is not None:
        qs = qs.filter(crime__bcu_id__in=s.bcu_ids)
    if s.team_ids is not None:
        qs = qs.filter(crime__team_id__in=s.team_ids)
    if s.owner_ids is not None:
        qs = qs.filter(crime__oic_id__in=s.owner_ids)
    if s.offence_groups is not None:
        qs = qs.filter(crime__offence__group__in=s.offence_groups)
    return qs


@dataclass
class Service:
    needs: Tally
    needs_average_days: float | None
    plans: Tally
    replies: Tally
    enhanced_by_bcu: list[tuple[str, stats.Rate, int]]
    victims: int
    portal_active: int
    messages: dict[str, int]


def service(s: Slice, *, now: datetime | None = None, hidden: tuple[int, ...] = ()) -> Service:
    t = tallies(
        replace(s, codes=(Duty.NEEDS_ASSESSMENT, Duty.CONTACT_PLAN, Duty.QUERY_REPLY)),
        ("code",),
        now=now,
        hidden=hidden,
    )
    start, end = _window(s)
    took = (
        NeedsAssessment.objects.filter(
            completed_at__gte=start,
            completed_at__lt=end,
            crime_victim__in=_victims(replace(s, first=add_months(s.first, -12))),
        )
        .annotate(
            d=ExpressionWrapper(
                F("completed_at") - F("crime_victim__crime__reported_at"), output_field=DurationOutput()
            )
        )
        .aggregate(avg=Avg("d"))["avg"]
    )
    # Enhanced identification: of the victims whose needs assessment fell due, how many were enhanced.
    needs = replace(s, codes=(Duty.NEEDS_ASSESSMENT,))
    ident = rollup.counts(needs, ("bcu_id", "enhanced"))
    ident.subtract(rollup.counts_for_crimes(needs, [("bcu_id", "enhanced")], hidden)[("bcu_id", "enhanced")])
    per_bcu: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (bcu, enhanced), n in ident.items():
        per_bcu[bcu][1] += n
        if enhanced:
            per_bcu[bcu][0] += n
    names = labels("bcu_id", per_bcu)
    enhanced_by_bcu = sorted(
        ((names.get(b, str(b)), stats.rate(k, n), n) for b, (k, n) in per_bcu.items()), key=lambda r: r[0]
    )
    victims = _victims(s).exclude(crime_id__in=hidden) if hidden else _victims(s)
    portal = victims.aggregate(
        n=Count("id"), active=Count("id", filter=Q(person__portal_account__status="active"))
    )
    msgs = (
        Message.objects.filter(
            kind=MessageKind.AUTOMATIC,
            created_at__gte=start,
            created_at__lt=end,
            crime_victim__in=victims.values("id"),
        )
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_status = {r["status"]: r["n"] for r in msgs}
    messages = {
        "delivered": by_status.get(MessageStatus.DELIVERED, 0) + by_status.get(MessageStatus.SENT, 0),
        "failed": by_status.get(MessageStatus.PERMANENT_FAILURE, 0),
        "waiting": sum(
            by_status.get(k, 0)
            for k in (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.TEMPORARY_FAILURE)
        ),
    }
    return Service(
        needs=t.get((Duty.NEEDS_ASSESSMENT,), Tally()),
        needs_average_days=took.total_seconds() / 86400 if took is not None else None,
        plans=t.get((Duty.CONTACT_PLAN,), Tally()),
        replies=t.get((Duty.QUERY_REPLY,), Tally()),
        enhanced_by_bcu=enhanced_by_bcu,
        victims=portal["n"],
        portal_active=portal["active"],
        messages=messages,
    )


# --- equality ----------------------------------------------------------------------------------------

WHITE = "White"
MINORITY = "Ethnic minority"
NOT_KNOWN = "Not known"


def ethnic_group(code: str) -> str:
    if not code or code == Ethnicity.NOT_STATED:
        return NOT_KNOWN
    return WHITE if code.startswith("W") else MINORITY


def _equality_rows(
    s: Slice, *, now: datetime | None = None, hidden: tuple[int, ...] = ()
) -> dict[tuple, Tally]:
    """Tallies by (month, ethnicity, gender, disability, age band at the offence). For a force or a BCU
    (no team, officer, duty or offence-group filter) from the equality cells: past months' open duties are
    past due, this month's split by a direct count of those due before now; the hidden restricted cases'
    duties are counted directly and taken away. Anything narrower is counted directly."""
    now = _now(now)
    if not rollup.equality_cells_serve(s):
        return _equality_direct(s, now=now, exclude=hidden)
    current = month_of(timezone.localdate(now))
    out = defaultdict(Tally)
    for (month, outcome, eth, sex, dis, band), n in rollup.equality_counts(s).items():
        if outcome in (Outcome.WAIVED, Outcome.NOT_REQUIRED):
            continue
        t = out[(month, eth or "", sex or "", dis or "", band)]
        if outcome == Outcome.OPEN:
            if month < current:
                t.overdue += n
            else:
                t.pending += n
        else:
            setattr(t, outcome, getattr(t, outcome) + n)
    if s.first <= current <= s.last:
        for key, n in _overdue_this_month_by_victim_details(s, now).items():
            out[key].overdue += n
            out[key].pending -= n
    if hidden:
        for key, t in _equality_direct(s, now=now, only=hidden).items():
            for name, _ in OUTCOMES:
                setattr(out[key], name, getattr(out[key], name) - getattr(t, name))
    return dict(out)


def _overdue_this_month_by_victim_details(s: Slice, now: datetime) -> Counter:
    """This month's open duties already past due, by (month, ethnicity, gender, disability, age band): the
    duties from the index of open duties, then their victims by id (two plain reads; one join would hash
    every person in the force)."""
    today = timezone.localdate(now)
    month = date(today.year, today.month, 1)
    start = timezone.make_aware(datetime(month.year, month.month, 1))
    per_victim = Counter(
        dict(
            rollup.duties(s, months=False)
            .filter(state=ObligationState.OPEN, due_at__gte=start, due_at__lt=now)
            .values_list("crime_victim_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("crime_victim_id", "n")
        )
    )
    out = Counter()
    if not per_victim:
        return out
    victims = CrimeVictim.objects.filter(pk__in=list(per_victim)).values_list(
        "pk",
        "person__ethnicity",
        "person__gender",
        "person__disability",
        "person__date_of_birth",
        "crime__occurred_at",
    )
    for pk, eth, sex, dis, dob, occurred in victims:
        band = age_band(age_on(dob, timezone.localdate(occurred)))
        out[(month, eth or "", sex or "", dis or "", band)] += per_victim[pk]
    return out


def _equality_direct(
    s: Slice,
    *,
    now: datetime,
    exclude: tuple[int, ...] = (),
    only: tuple[int, ...] | None = None,
    open_from: datetime | None = None,
) -> dict[tuple, Tally]:
    """The equality tallies counted from the duties: all of the slice's (less `exclude`), only those of the
    crimes `only`, or (`open_from`) only the open duties due from then to now."""
    from django.db.models import Case, CharField, IntegerField, Value, When
    from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncMonth

    qs = rollup.duties(s).exclude(state__in=[ObligationState.WAIVED, ObligationState.NOT_REQUIRED])
    if exclude:
        qs = qs.exclude(crime_id__in=exclude)
    if only is not None:
        qs = qs.filter(crime_id__in=only)
    if open_from is not None:
        qs = qs.filter(state=ObligationState.OPEN, due_at__gte=open_from, due_at__lt=now)
    p = "crime_victim__person__"
    outcome = Case(
        When(state=ObligationState.MET, met_on_time=True, then=Value("on_time")),
        When(state=ObligationState.MET, then=Value("late")),
        When(due_at__lt=now, then=Value("overdue")),
        default=Value("pending"),
        output_field=CharField(),
    )
    # Age at the offence, in whole years, worked out in the database so that the rows group by age band,
    # not by every victim's date of birth.
    birthday_not_reached = Case(
        When(Q(om__lt=F("bm")) | Q(om=F("bm"), od__lt=F("bd")), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    bands = [When(age__isnull=True, then=Value(NOT_KNOWN))] + [
        When(age__lte=hi, then=Value(label)) for _, hi, label in AGE_BANDS
    ]
    rows = (
        qs.annotate(
            month=TruncMonth("due_at"),
            o=outcome,
            eth=F(f"{p}ethnicity"),
            sex=F(f"{p}gender"),
            dis=F(f"{p}disability"),
            by=ExtractYear(f"{p}date_of_birth"),
            bm=ExtractMonth(f"{p}date_of_birth"),
            bd=ExtractDay(f"{p}date_of_birth"),
            oy=ExtractYear("crime__occurred_at"),
            om=ExtractMonth("crime__occurred_at"),
            od=ExtractDay("crime__occurred_at"),
        )
        .annotate(age=F("oy") - F("by") - birthday_not_reached)
        .annotate(band=Case(*bands, default=Value(NOT_KNOWN), output_field=CharField()))
        .values("month", "o", "eth", "sex", "dis", "band")
        .annotate(n=Count("id"))
        .order_by()
    )
    out = defaultdict(Tally)
    for r in rows:
        key = (rollup._plain(r["month"]), r["eth"] or "", r["sex"] or "", r["dis"] or "", r["band"])
        t = out[key]
        setattr(t, r["o"], getattr(t, r["o"]) + r["n"])
    return out


GENDER_WORDS = dict(Gender.choices)
DISABILITY_WORDS = {
    Disability.YES: "Disabled",
    Disability.NO: "Not disabled",
    Disability.NOT_SAID: "Prefer not to say",
}


@dataclass
class Breakdown:
    title: str
    rows: list[tuple[str, Tally]]


@dataclass
class Equality:
    breakdowns: list[Breakdown]
    gap_series: list[tuple[date, Tally, Tally]]  # month, white, ethnic minority
    white: Tally
    minority: Tally


def equality(s: Slice, *, now: datetime | None = None, hidden: tuple[int, ...] = ()) -> Equality:
    raw = {k: t for k, t in _equality_rows(s, now=now, hidden=hidden).items() if t.total}

    def collapse(title, fn, order=None):
        acc: dict[str, Tally] = defaultdict(Tally)
        for key, t in raw.items():
            acc[fn(key)].add(t)
        names = order or sorted(acc, key=lambda k: (k == NOT_KNOWN, k))
        return Breakdown(title, [(n, acc[n]) for n in names if n in acc])

    eth_words = dict(Ethnicity.choices)
    breakdowns = [
        collapse("Ethnic group", lambda k: ethnic_group(k[1]), [WHITE, MINORITY, NOT_KNOWN]),
        collapse(
            "Self-defined ethnicity",
            lambda k: (
                str(eth_words.get(k[1], NOT_KNOWN)) if k[1] and k[1] != Ethnicity.NOT_STATED else NOT_KNOWN
            ),
        ),
        collapse("Sex", lambda k: str(GENDER_WORDS.get(k[2], NOT_KNOWN)) if k[2] else NOT_KNOWN),
        collapse("Age at the time of the offence", lambda k: k[4], [b[2] for b in AGE_BANDS] + [NOT_KNOWN]),
        collapse("Disability", lambda k: str(DISABILITY_WORDS.get(k[3], NOT_KNOWN)) if k[3] else NOT_KNOWN),
    ]
    series = []
    for m in months(s.first, s.last):
        w, e = Tally(), Tally()
        for key, t in raw.items():
            if key[0] == m:
                g = ethnic_group(key[1])
                if g == WHITE:
                    w.add(t)
                elif g == MINORITY:
                    e.add(t)
        series.append((m, w, e))
    white, minority = Tally(), Tally()
    for _, w, e in series:
        white.add(w)
        minority.add(e)
    return Equality(breakdowns, series, white, minority)


def gap_text(white: Tally, minority: Tally) -> str:
    a, b = white.rate(), minority.rate()
    if not (a.shown and b.shown):
        return "Too few duties fell due for one of the groups to compare them."
    diff = round(100 * a.value) - round(100 * b.value)
    if diff == 0:
        return (
            f"Duties for White and ethnic-minority victims were met on time at the same rate ({a.percent})."
        )
    lower = "ethnic-minority" if diff > 0 else "White"
    return (
        f"Duties for {lower} victims were met on time {abs(diff)} percentage points less often "
        f"({b.percent if diff > 0 else a.percent} against {a.percent if diff > 0 else b.percent})."
    )
