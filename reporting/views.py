"""The compliance dashboards: compliance, the reported indicators, service, equality; the drill-down to
the duties behind a figure; every table as CSV or XLSX; the quarter's MoJ return and PCC pack."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from cases.selectors import cases_visible_to
from contacts.constants import Duty, ObligationState
from surveys.constants import Area, CallBackState, Check
from victimcare.accounts.models import User
from victimcare.audit.models import AccessAction
from victimcare.audit.services import access_record

from . import charts, exports, figures, quality, rollup, satisfaction, stats
from .figures import DIMENSION_WORDS, FILTER_OF, OUTCOME_WORDS
from .filters import (
    FilterForm,
    Filters,
    filters_from,
    month_of,
    parse_month,
    parse_quarter,
    quarter_label,
    quarter_of,
)
from .scope import Scope, hidden_cases, scope_for
from .tables import Cell, Table, breakdown_table, rate_table, tally_table
from .tables import count as tables_count

PAGE = 50


@dataclass
class Context:
    scope: Scope
    form: FilterForm
    filters: Filters
    now: datetime
    hidden: tuple[int, ...]
    # Each view's path, reversed once per page: a BCU's page makes over a hundred links (every count
    # drills down), and reverse() was most of their cost.
    _paths: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def slice(self):
        return self.filters.slice(self.scope)

    @property
    def suppress(self) -> bool:
        """Counts below the threshold are hidden from readers who cannot open the cases behind them."""
        return not self.scope.can_drill

    def url(self, name: str, **changes) -> str:
        path = self._paths.get(name)
        if path is None:
            path = self._paths[name] = reverse(name)
        return f"{path}?{self.filters.query(**changes)}"

    def drill(self, **changes) -> str:
        return self.url("reporting:cases", **changes) if self.scope.can_drill else ""


def _context(request) -> Context:
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    data = request.GET.copy()
    for key in ("format", "table", "page"):
        data.pop(key, None)
    form = FilterForm(data, scope=scope)
    return Context(scope, form, filters_from(form), timezone.now(), hidden_cases(request.user))


def _dimension(f: Filters, scope: Scope) -> str:
    """The level below the one being looked at (the lowest filter chosen, or the reader's own area): BCUs
    for the force, teams for a BCU or for a supervisor of several teams, officers for a team, duties for
    an officer."""
    if f.officer or scope.owner_ids is not None:
        return "code"
    if f.team:
        return "owner_id"
    if f.bcu:
        return "team_id"
    if scope.team_ids is not None:
        return "team_id" if len(scope.team_ids) > 1 else "owner_id"
    if scope.bcu_ids is not None:
        return "bcu_id" if len(scope.bcu_ids) > 1 else "team_id"
    return "bcu_id"


def _trail(ctx: Context, name: str) -> list[tuple[str, str]]:
    """Back up: the levels above the one shown, each a link that removes the filters below it."""
    f, scope = ctx.filters, ctx.scope
    trail = [(scope.label[:1].upper() + scope.label[1:], ctx.url(name, bcu=None, team=None, officer=None))]
    if f.bcu and (scope.everything or len(scope.bcu_ids or ()) > 1):
        label = dict(ctx.form.fields["bcu"].choices).get(f.bcu, "BCU")
        trail.append((str(label), ctx.url(name, team=None, officer=None)))
    if f.team:
        label = str(dict(ctx.form.fields["team"].choices).get(f.team, "Team")).split(" (")[0]
        trail.append((label, ctx.url(name, officer=None)))
    if f.officer:
        officer = User.objects.filter(pk=f.officer).first()
        trail.append((officer.display_name if officer else "Officer", ctx.url(name)))
    return trail


def _respond(request, ctx: Context, template: str, page: dict, tables: list[Table]):
    """The page, or one of its tables as CSV or XLSX (?format=csv&table=<key>)."""
    fmt = request.GET.get("format")
    if fmt:
        key = request.GET.get("table", "")
        table = next((t for t in tables if t.key == key), None)
        if fmt not in exports.FORMATS or table is None:
            return render(
                request,
                "reporting/bad_download.html",
                {"nav": "dashboard", "back": f"{request.path}?{ctx.filters.query()}"},
                status=400,
            )
        return exports.table_response(
            table, fmt, filename=f"{key}-{ctx.filters.first:%Y-%m}-to-{ctx.filters.last:%Y-%m}"
        )
    query = ctx.filters.query()
    return render(
        request,
        template,
        {
            "nav": "dashboard",
            "ctx": ctx,
            "form": ctx.form,
            "filters": ctx.filters,
            "scope": ctx.scope,
            "query": query,
            "table_list": tables,
            "suppress_below": stats.suppress_below(),
            "as_of": timezone.localtime(ctx.now),
            "tabs": _tabs(request, query),
            **page,
        },
    )


def _tabs(request, query: str):
    return [
        (reverse(name), label, request.path == reverse(name), query)
        for name, label in (
            ("reporting:dashboard", "Compliance"),
            ("reporting:indicators", "Reported indicators"),
            ("reporting:service", "Service"),
            ("reporting:equality", "Equality"),
            ("reporting:satisfaction", "Satisfaction"),
            ("reporting:quality", "Quality checks"),
        )
    ]


def _month_rows(ctx: Context, series):
    current = month_of(timezone.localdate(ctx.now))

    def drill_for(m):
        if not ctx.scope.can_drill:
            return None
        return lambda outcome: ctx.drill(show=outcome, month=f"{m:%Y-%m}")

    return [(f"{m:%B %Y}" + (" (so far)" if m == current else ""), "", t, drill_for(m)) for m, t in series]


@login_required
def compliance(request):
    ctx = _context(request)
    s = ctx.slice
    dim = _dimension(ctx.filters, ctx.scope)
    others = [d for d in ("code", "enhanced", "offence_group") if d != dim]
    # Every table of the page from one read of the roll-up (and one of the open cells); the direct reads
    # of open duties (today's past due, the hidden cases') made once for the tables and the figures above.
    opened = figures.OpenReads(ctx.now, ctx.hidden)
    tallied = figures.tallies_many(
        s, [("month",), (dim,), *[(d,) for d in others]], now=ctx.now, hidden=ctx.hidden, opened=opened
    )
    by_month = tallied[("month",)]
    series = [(m, by_month.get((m,), figures.Tally())) for m in figures.months(s.first, s.last)]
    total = figures.Tally()
    for _, t in series:
        total.add(t)
    now_figs, overdue_by = figures.now_figures(
        s,
        now=ctx.now,
        hidden=ctx.hidden,
        by=dim if dim in ("bcu_id", "team_id", "owner_id", "code") else "",
        opened=opened,
    )
    rows = figures.breakdown(s, dim, tallied=tallied[(dim,)], overdue_now=overdue_by)

    def link(r):
        if dim == "owner_id" and not r.key:
            return ""  # duties with no officer: no officer to look at
        if dim == "code":
            return ctx.url("reporting:dashboard", duty=r.key) if r.key in Duty.values else ""
        return ctx.url("reporting:dashboard", **{FILTER_OF[dim]: r.key})

    def drill(r, outcome):
        return ctx.drill(show=outcome, **{FILTER_OF[dim]: r.key}) if r.key else ""

    def overdue_link(r):
        return ctx.drill(show="overdue_now", **{FILTER_OF[dim]: r.key}) if r.key else ""

    tables = [
        tally_table(
            "by-month",
            f"Duties by the month they fell due, {ctx.filters.period_label}",
            "Month",
            [*_month_rows(ctx, series), ("Whole period", "", total, None)],
            suppress=ctx.suppress,
        ),
        breakdown_table(
            "by-" + DIMENSION_WORDS[dim].lower().replace(" ", "-"),
            f"By {DIMENSION_WORDS[dim].lower()}, {ctx.filters.period_label}",
            DIMENSION_WORDS[dim],
            rows,
            suppress=ctx.suppress,
            link=link if dim != "owner_id" or ctx.scope.can_drill else None,
            drill=drill if ctx.scope.can_drill else None,
            overdue_link=overdue_link if ctx.scope.can_drill else None,
        ),
    ]
    for other in others:
        other_rows = figures.breakdown(s, other, tallied=tallied[(other,)])
        tables.append(
            breakdown_table(
                "by-" + DIMENSION_WORDS[other].lower().replace(" ", "-"),
                f"By {DIMENSION_WORDS[other].lower()}, {ctx.filters.period_label}",
                DIMENSION_WORDS[other],
                other_rows,
                suppress=ctx.suppress,
                link=(
                    lambda r, o=other: (
                        ctx.url("reporting:dashboard", **{FILTER_OF[o]: r.key})
                        if o != "code" or r.key in Duty.values
                        else ""
                    )
                )
                if other in FILTER_OF
                else (lambda r: ctx.url("reporting:dashboard", victims="enhanced" if r.key else "standard")),
            )
        )
    labels = [f"{m:%b %Y}" for m, _ in series]
    trend = charts.line(
        labels,
        [("Met on time", [t.rate().value for _, t in series])],
        title=f"Duties met on time by month, {ctx.scope.label}",
        describe=figures.headline(series, now=ctx.now) + " The figures are in the table below.",
    )
    comparison = charts.bars(
        [(r.label, r.tally.rate().value) for r in rows],
        title=f"Duties met on time by {DIMENSION_WORDS[dim].lower()}",
        describe="Each bar is the share of duties met on time. The figures are in the table below.",
    )
    return _respond(
        request,
        ctx,
        "reporting/compliance.html",
        {
            "title": "Compliance",
            "headline": figures.headline(series, now=ctx.now),
            "now_figures": now_figs,
            "overdue_text": tables_count(now_figs.overdue, suppress=ctx.suppress),
            "due_soon_text": tables_count(now_figs.due_soon, suppress=ctx.suppress),
            "overdue_href": ctx.drill(show="overdue_now"),
            "due_soon_href": ctx.drill(show="due_soon"),
            "trend": trend,
            "comparison": comparison,
            "trail": _trail(ctx, "reporting:dashboard"),
            "dimension": DIMENSION_WORDS[dim],
        },
        tables,
    )


@login_required
def indicators(request):
    ctx = _context(request)
    moj, classic = figures.indicators(ctx.slice, now=ctx.now, hidden=ctx.hidden)
    ms = [m for m, _ in moj[0].series] if moj else []
    headers = ["Indicator"] + [f"{m:%b %Y}" for m in ms] + ["Whole period", "95% confidence interval"]

    def table(key, caption, inds):
        t = Table(key, caption, headers)
        for ind in inds:
            t.rows.append(
                [Cell(ind.label, header=True)]
                + [Cell(tally.rate().text) for _, tally in ind.series]
                + [Cell(ind.total.rate().text), Cell(ind.total.rate().interval_text or "Not given")]
            )
        return t

    tables = [
        table(
            "moj-areas",
            f"The Ministry of Justice return's five areas: met on time, {ctx.filters.period_label}",
            moj,
        ),
        table("force-indicators", f"Force indicators: met on time, {ctx.filters.period_label}", classic),
    ]
    # The MoJ area "updates ... of sufficient quality" is judged by supervisors' dip sampling.
    by_month = quality.checks(quality.reviewed(ctx.slice, hidden=ctx.hidden), "month")
    q_row = [Cell("Updates of sufficient quality (supervisors' dip sampling)", header=True)]
    met_all = missed_all = 0
    for m in ms:
        met, missed = by_month.get((m, Check.UPDATES_QUALITY), [0, 0])
        met_all, missed_all = met_all + met, missed_all + missed
        r = stats.rate(met, met + missed)
        q_row.append(Cell(r.text if r.n else "None checked"))
    total = stats.rate(met_all, met_all + missed_all)
    q_row += [Cell(total.text if total.n else "None checked"), Cell(total.interval_text or "Not given")]
    q_table = Table(
        "moj-update-quality",
        "Updates of sufficient quality: dip-sampled cases whose updates were judged good, "
        f"{ctx.filters.period_label}",
        headers,
    )
    q_table.rows.append(q_row)
    tables.insert(1, q_table)
    trend = charts.line(
        [f"{m:%b %Y}" for m in ms],
        [(ind.label, [t.rate().value for _, t in ind.series]) for ind in moj],
        title="The five areas of the Ministry of Justice return, met on time by month",
        describe="One line per area. The figures are in the table below.",
    )
    today = timezone.localdate(ctx.now)
    quarters = []
    q = quarter_of(today)[0]
    for _ in range(8):
        quarters.append(quarter_label(q))
        q = figures.add_months(q, -3)
    return _respond(
        request,
        ctx,
        "reporting/indicators.html",
        {
            "title": "Reported indicators",
            "trend": trend,
            "quarters": quarters,
            "trail": _trail(ctx, "reporting:indicators"),
        },
        tables,
    )


@login_required
def service(request):
    ctx = _context(request)
    sv = figures.service(ctx.slice, now=ctx.now, hidden=ctx.hidden)
    tables = [
        tally_table(
            "service-duties",
            f"Needs assessments, contact plans and replies to victims' questions, {ctx.filters.period_label}",
            "Duty",
            [
                ("Needs assessment", "", sv.needs, None),
                ("Contact plan agreed", "", sv.plans, None),
                ("Reply to a victim's question in the portal", "", sv.replies, None),
            ],
            suppress=ctx.suppress,
        ),
        rate_table(
            "enhanced-identification",
            f"Victims identified as entitled to enhanced services, by BCU, {ctx.filters.period_label}",
            "BCU",
            [(name, r.k, r.n) for name, r, _ in sv.enhanced_by_bcu],
            what="Enhanced",
        ),
        rate_table(
            "portal-uptake",
            f"Victims using the online portal, {ctx.filters.period_label}",
            "Victims",
            [("Victims added to cases", sv.portal_active, sv.victims)],
            what="With an active portal account",
        ),
        rate_table(
            "automatic-messages",
            f"Automatic messages to victims, {ctx.filters.period_label}",
            "Messages",
            [
                ("Delivered or sent", sv.messages["delivered"], sum(sv.messages.values())),
                ("Failed", sv.messages["failed"], sum(sv.messages.values())),
                ("Still being sent", sv.messages["waiting"], sum(sv.messages.values())),
            ],
            what="Messages",
        ),
    ]
    bars = charts.bars(
        [(name, r.value) for name, r, _ in sv.enhanced_by_bcu],
        title="Victims identified as entitled to enhanced services, by BCU",
        describe="Each bar is the share of victims identified as enhanced. The figures are in the table "
        "below.",
    )
    days = sv.needs_average_days
    return _respond(
        request,
        ctx,
        "reporting/service.html",
        {
            "title": "Service",
            "needs_days": None if days is None else f"{days:.1f}",
            "bars": bars,
            "trail": _trail(ctx, "reporting:service"),
        },
        tables,
    )


@login_required
def equality(request):
    ctx = _context(request)
    eq = figures.equality(ctx.slice, now=ctx.now, hidden=ctx.hidden)
    tables = []
    for i, b in enumerate(eq.breakdowns):
        tables.append(
            rate_table(
                f"equality-{i + 1}",
                f"Duties met on time by {b.title.lower()}, {ctx.filters.period_label}",
                b.title,
                [(label, t.on_time, t.due) for label, t in b.rows],
                what="Met on time",
            )
        )
    gap = Table(
        "equality-gap",
        f"White and ethnic-minority victims: duties met on time by month, {ctx.filters.period_label}",
        ["Month", "White", "Ethnic minority", "Gap (percentage points)"],
    )
    for m, w, e in eq.gap_series:
        a, b = w.rate(), e.rate()
        diff = f"{round(100 * a.value) - round(100 * b.value):+d}" if a.shown and b.shown else "Not given"
        gap.rows.append([Cell(f"{m:%B %Y}", header=True), Cell(a.text), Cell(b.text), Cell(diff)])
    tables.insert(0, gap)
    for dim in ("bcu_id", "offence_group"):
        rows = figures.breakdown(ctx.slice, dim, now=ctx.now, hidden=ctx.hidden)
        tables.append(
            rate_table(
                f"equality-{dim.replace('_id', '').replace('_', '-')}",
                f"Duties met on time by {DIMENSION_WORDS[dim].lower()}, {ctx.filters.period_label}",
                DIMENSION_WORDS[dim],
                [(r.label, r.tally.on_time, r.tally.due) for r in rows],
                what="Met on time",
            )
        )
    trend = charts.line(
        [f"{m:%b %Y}" for m, _, _ in eq.gap_series],
        [
            ("White", [w.rate().value for _, w, _ in eq.gap_series]),
            ("Ethnic minority", [e.rate().value for _, _, e in eq.gap_series]),
        ],
        title="Duties met on time for White and ethnic-minority victims, by month",
        describe=figures.gap_text(eq.white, eq.minority) + " The figures are in the table below.",
    )
    return _respond(
        request,
        ctx,
        "reporting/equality.html",
        {
            "title": "Equality",
            "gap_text": figures.gap_text(eq.white, eq.minority),
            "trend": trend,
            "trail": _trail(ctx, "reporting:equality"),
        },
        tables,
    )


SHOW = {
    **OUTCOME_WORDS,
    "overdue_now": "Overdue now",
    "due_soon": "Due by the end of the next working day",
}


@login_required
def cases(request):
    """The duties behind a figure, on the cases the reader may see; audited like every list of names."""
    ctx = _context(request)
    if not ctx.scope.can_drill:
        raise PermissionDenied
    show = request.GET.get("show", "overdue_now")
    if show not in SHOW:
        show = "overdue_now"
    s = ctx.slice
    month = parse_month(request.GET.get("month", ""))
    qs = (
        figures._open(s, ctx.hidden) if show in ("overdue_now", "due_soon", "overdue", "pending") else _any(s)
    )
    if show == "overdue_now":
        qs = qs.filter(due_at__lt=ctx.now)
    elif show == "due_soon":
        qs = qs.filter(due_at__gte=ctx.now, due_at__lte=figures.due_soon_until(ctx.now))
    else:
        first, last = (month, month) if month and s.first <= month <= s.last else (s.first, s.last)
        start = timezone.make_aware(datetime(first.year, first.month, 1))
        end_m = figures.add_months(last, 1)
        qs = qs.filter(
            due_at__gte=start, due_at__lt=timezone.make_aware(datetime(end_m.year, end_m.month, 1))
        )
        qs = qs.filter(_outcome_q(show, ctx.now))
    qs = (
        qs.filter(crime__in=cases_visible_to(request.user, concrete=True))
        .select_related("crime", "crime_victim__person", "owner")
        .order_by("due_at", "id")
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    if page.object_list:
        access_record(
            request=request,
            rows=[
                (AccessAction.COMPLIANCE_LISTED, ob.crime_id, ob.crime_victim.person_id)
                for ob in page.object_list
            ],
        )
    what = SHOW[show]
    if month and show not in ("overdue_now", "due_soon"):
        what += f", due in {month:%B %Y}"
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/cases.html",
        {
            "nav": "dashboard",
            "title": what,
            "page": page,
            "querystring": query.urlencode(),
            "back": ctx.url("reporting:dashboard"),
            "filters": ctx.filters,
            "scope": ctx.scope,
        },
    )


def _any(s):
    """Duties in any state and any due month within the filters (the month is narrowed below)."""
    return rollup.duties(s, months=False)


def _outcome_q(show: str, now) -> Q:
    return {
        "on_time": Q(state=ObligationState.MET, met_on_time=True),
        "late": Q(state=ObligationState.MET) & ~Q(met_on_time=True),
        "overdue": Q(state=ObligationState.OPEN, due_at__lt=now),
        "pending": Q(state=ObligationState.OPEN, due_at__gte=now),
        "waived": Q(state=ObligationState.WAIVED),
        "not_required": Q(state=ObligationState.NOT_REQUIRED),
    }[show]


@login_required
def quarter_return(request):
    """The MoJ return and the PCC pack for one quarter, as one workbook."""
    scope = scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    value = request.GET.get("quarter", "")
    form = FilterForm({"quarter": value}, scope=scope)
    if not value or not form.is_valid():
        return render(
            request,
            "reporting/bad_download.html",
            {
                "nav": "dashboard",
                "message": form.errors.get("quarter", ["Choose a quarter, like 2026-Q3."])[0],
                "back": reverse("reporting:indicators"),
            },
            status=400,
        )
    first, last = parse_quarter(value)
    body = exports.quarter_workbook(scope, first, last, now=timezone.now(), hidden=hidden_cases(request.user))
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="victims-code-return-{value}.xlsx"'
    return response


# --- satisfaction (survey answers) --------------------------------------------------------------------
SATISFACTION_LEVEL = {
    "bcu_id": "bcu_id",
    "team_id": "team_id",
    "owner_id": "officer_id",
    "code": "officer_id",
}
SATISFACTION_BREAKDOWNS = [
    ("offence_group", "Offence group"),
    ("case_status", "Where the case was when they answered"),
    ("gender", "Sex"),
    ("age_band", "Age"),
    ("disability", "Disability"),
    ("ethnicity", "Self-defined ethnicity"),
]


def area_table(key: str, caption: str, first: str, rows, *, suppress: bool) -> Table:
    """One row per group: the number who answered, then each area's satisfied rate with its 95% interval
    in the same cell (seven columns, so the table fits a desktop screen)."""
    table = Table(key, caption, [first, "Answers", *(str(a.label) for a in satisfaction.AREAS)])
    for label, s in rows:
        cells = [Cell(str(label), header=True), Cell(tables_count(s.responses, suppress=suppress))]
        for a in satisfaction.AREAS:
            cells.append(Cell(satisfaction.rate_words(s.rate(a.value))))
        table.rows.append(cells)
    return table


def _gap_table(key, caption, series, names) -> Table:
    table = Table(key, caption, ["Month", *names, "Gap (percentage points)"])
    for m, a, b in series:
        ra, rb = a.rate(Area.WHOLE_EXPERIENCE), b.rate(Area.WHOLE_EXPERIENCE)
        diff = f"{round(100 * ra.value) - round(100 * rb.value):+d}" if ra.shown and rb.shown else "Not given"
        table.rows.append(
            [
                Cell(f"{m:%B %Y}", header=True),
                Cell(satisfaction.rate_words(ra)),
                Cell(satisfaction.rate_words(rb)),
                Cell(diff),
            ]
        )
    return table


@login_required
def satisfaction_results(request):
    """What victims said: the five areas by month, by the level below the reader's, by offence group,
    case stage and the victim's details, the white / ethnic-minority and disability gaps with their trend,
    and "kept informed" beside how the same victims' update duties went. Never a victim's name or words."""
    ctx = _context(request)
    read = satisfaction.Reader(ctx.slice, hidden=ctx.hidden)
    sup = ctx.suppress
    period = ctx.filters.period_label
    everything = read.total()
    tables = [
        rate_table(
            "satisfaction-areas",
            f"Victims satisfied with each part of the service, {period}",
            "Part of the service",
            [
                (str(a.label), everything.satisfied[a.value], everything.answered[a.value])
                for a in satisfaction.AREAS
            ],
            what="Satisfied",
            partition=False,
        )
    ]
    months = read.by("month")
    month_list = figures.months(ctx.filters.first, ctx.filters.last)
    tables.append(
        area_table(
            "satisfaction-months",
            f"Victims satisfied, by the month they answered, {period}",
            "Month",
            [(f"{m:%B %Y}", months.get((m,), satisfaction.Satisfaction())) for m in month_list],
            suppress=sup,
        )
    )
    level = SATISFACTION_LEVEL[_dimension(ctx.filters, ctx.scope)]
    level_rows = read.by(level)
    words = satisfaction.labels(level, [k[0] for k in level_rows])
    level_word = {"bcu_id": "BCU", "team_id": "Team", "officer_id": "Officer"}[level]
    tables.append(
        area_table(
            f"satisfaction-by-{level_word.lower()}",
            f"Victims satisfied, by {level_word.lower()}, {period}",
            level_word,
            [(words[k], level_rows[(k,)]) for k in words],
            suppress=sup,
        )
    )
    details = read.by("month", "ethnicity", "disability")
    for key, title in SATISFACTION_BREAKDOWNS:
        rows = read.by(key)
        words = satisfaction.labels(key, [k[0] for k in rows])
        tables.append(
            area_table(
                f"satisfaction-{key.replace('_', '-')}",
                f"Victims satisfied, by {title[:1].lower() + title[1:]}, {period}",
                title,
                [(words[k], rows[(k,)]) for k in words],
                suppress=sup,
            )
        )
    ethnic = satisfaction.grouped(details, lambda k: satisfaction.ethnic_group(k[1]))
    tables.insert(
        3,
        area_table(
            "satisfaction-ethnic-group",
            f"Victims satisfied, White and ethnic-minority victims, {period}",
            "Ethnic group",
            [
                (g, ethnic.get(g, satisfaction.Satisfaction()))
                for g in (satisfaction.WHITE, satisfaction.MINORITY, satisfaction.NOT_KNOWN)
            ],
            suppress=sup,
        ),
    )
    eth_month = satisfaction.grouped(details, lambda k: (k[0], satisfaction.ethnic_group(k[1])))
    dis_month = satisfaction.grouped(details, lambda k: (k[0], satisfaction.disability_group(k[2])))
    empty = satisfaction.Satisfaction()
    eth_series = [
        (m, eth_month.get((m, satisfaction.WHITE), empty), eth_month.get((m, satisfaction.MINORITY), empty))
        for m in month_list
    ]
    dis_series = [
        (
            m,
            dis_month.get((m, satisfaction.DISABLED), empty),
            dis_month.get((m, satisfaction.NOT_DISABLED), empty),
        )
        for m in month_list
    ]
    tables.append(
        _gap_table(
            "satisfaction-gap-ethnicity",
            f"Satisfied with the whole experience, White and ethnic-minority victims by month, {period}",
            eth_series,
            ["White", "Ethnic minority"],
        )
    )
    tables.append(
        _gap_table(
            "satisfaction-gap-disability",
            f"Satisfied with the whole experience, disabled and not disabled victims by month, {period}",
            dis_series,
            ["Disabled", "Not disabled"],
        )
    )
    updates = read.by("updates")
    up_words = satisfaction.labels("updates", [k[0] for k in updates])
    tables.append(
        rate_table(
            "satisfaction-kept-informed",
            f"Satisfied with being kept informed, by how their update duties went, {period}",
            "Their update duties when they answered",
            [
                (w, updates[(k,)].satisfied[Area.KEPT_INFORMED], updates[(k,)].answered[Area.KEPT_INFORMED])
                for k, w in up_words.items()
            ],
            what="Satisfied with being kept informed",
            partition=False,
        )
    )
    white, minority = (ethnic.get(g, empty) for g in (satisfaction.WHITE, satisfaction.MINORITY))
    disabled = satisfaction.grouped(details, lambda k: satisfaction.disability_group(k[2]))
    eth_gap = satisfaction.gap_text(
        "White",
        white.rate(Area.WHOLE_EXPERIENCE),
        "ethnic-minority",
        minority.rate(Area.WHOLE_EXPERIENCE),
        "satisfied with the whole experience",
    )
    dis_gap = satisfaction.gap_text(
        "not disabled",
        disabled.get(satisfaction.NOT_DISABLED, empty).rate(Area.WHOLE_EXPERIENCE),
        "disabled",
        disabled.get(satisfaction.DISABLED, empty).rate(Area.WHOLE_EXPERIENCE),
        "satisfied with the whole experience",
    )
    whole = everything.rate(Area.WHOLE_EXPERIENCE)
    headline = (
        f"{whole.percent} of victims who answered were satisfied with the whole experience, {period}."
        if whole.shown
        else f"Too few victims answered to give a rate for {period}."
    )
    trend = charts.line(
        [f"{m:%b %Y}" for m in month_list],
        [
            (str(a.label), [months.get((m,), empty).rate(a.value).value for m in month_list])
            for a in satisfaction.AREAS
        ],
        title="Victims satisfied with each part of the service, by month",
        describe=headline + " The figures are in the tables below.",
    )
    gap_chart = charts.line(
        [f"{m:%b %Y}" for m in month_list],
        [
            ("White", [w.rate(Area.WHOLE_EXPERIENCE).value for _, w, _ in eth_series]),
            ("Ethnic minority", [e.rate(Area.WHOLE_EXPERIENCE).value for _, _, e in eth_series]),
        ],
        title="Satisfied with the whole experience: White and ethnic-minority victims, by month",
        describe=eth_gap + " The figures are in the tables below.",
    )
    return _respond(
        request,
        ctx,
        "reporting/satisfaction.html",
        {
            "title": "Satisfaction",
            "caption": "What victims told us",
            "headline": headline,
            "responses": tables_count(everything.responses, suppress=sup),
            "eth_gap": eth_gap,
            "dis_gap": dis_gap,
            "trend": trend,
            "gap_chart": gap_chart,
            "trail": _trail(ctx, "reporting:satisfaction"),
        },
        tables,
    )


@login_required
def quality_checks(request):
    """Supervisors' dip-sample findings, each checklist item met or not, by month and by the level below
    the reader's; and the quality call-backs made and how they went."""
    ctx = _context(request)
    qs = quality.reviewed(ctx.slice, hidden=ctx.hidden)
    period = ctx.filters.period_label
    overall = quality.checks(qs)
    tables = [
        rate_table(
            "quality-checks",
            f"Dip-sampled cases: each check met, {period}",
            "Check",
            [(str(c.label), m, m + n) for c in Check for m, n in [overall.get((None, c.value), [0, 0])]],
            what="Met",
            partition=False,
        )
    ]
    month_list = figures.months(ctx.filters.first, ctx.filters.last)
    by_month = quality.checks(qs, "month")
    months_table = Table(
        "quality-months",
        f"Dip-sampled cases: checks met by the month reviewed, {period}",
        ["Check", *(f"{m:%b %Y}" for m in month_list)],
    )
    for c in Check:
        row = [Cell(str(c.label), header=True)]
        for m in month_list:
            met, missed = by_month.get((m, c.value), [0, 0])
            row.append(Cell(satisfaction.rate_words(stats.rate(met, met + missed)).split(" (")[0]))
        months_table.rows.append(row)
    tables.append(months_table)
    level = SATISFACTION_LEVEL[_dimension(ctx.filters, ctx.scope)]
    key = {"bcu_id": "crime__bcu_id", "team_id": "sample__team_id", "officer_id": "officer_id"}[level]
    by_level = quality.checks(qs, key)
    words = satisfaction.labels(level, sorted({k for k, _c in by_level}, key=lambda v: (v is None, v or 0)))
    level_word = {"bcu_id": "BCU", "team_id": "Team", "officer_id": "Officer"}[level]
    level_rows = []
    for k, label in words.items():
        met = sum(by_level.get((k, c), [0, 0])[0] for c in Check.values)
        missed = sum(by_level.get((k, c), [0, 0])[1] for c in Check.values)
        level_rows.append((label, met, met + missed))
    tables.append(
        rate_table(
            f"quality-by-{level_word.lower()}",
            f"Dip-sampled cases: checks met, by {level_word.lower()}, {period}",
            level_word,
            level_rows,
            what="Checks met",
            partition=False,
        )
    )
    calls = quality.callbacks_by_month(ctx.slice)
    calls_table = Table(
        "quality-callbacks",
        f"Quality call-backs by the month drawn, {period}",
        [
            "Month",
            "Drawn",
            "Answers recorded",
            "Could not speak to them",
            "Did not want to talk",
            "Still to call",
        ],
    )
    for m in month_list:
        c = calls.get(m, dict.fromkeys(CallBackState.values, 0))
        drawn = sum(c.values()) - c[CallBackState.CANCELLED]
        calls_table.rows.append(
            [
                Cell(f"{m:%B %Y}", header=True),
                Cell(tables_count(drawn, suppress=ctx.suppress)),
                Cell(tables_count(c[CallBackState.DONE], suppress=ctx.suppress)),
                Cell(tables_count(c[CallBackState.NOT_REACHED], suppress=ctx.suppress)),
                Cell(tables_count(c[CallBackState.DECLINED], suppress=ctx.suppress)),
                Cell(tables_count(c[CallBackState.QUEUED], suppress=ctx.suppress)),
            ]
        )
    tables.append(calls_table)
    chart = charts.bars(
        [
            (str(c.label), stats.rate(m, m + n).value)
            for c in Check
            for m, n in [overall.get((None, c.value), [0, 0])]
        ],
        title="Dip-sampled cases: each check met",
        describe="One bar per check of the dip-sampling checklist. The figures are in the table below.",
    )
    return _respond(
        request,
        ctx,
        "reporting/quality.html",
        {
            "title": "Quality checks",
            "caption": "Supervisors' quality checks",
            "chart": chart,
            "reviewed": qs.count(),
            "trail": _trail(ctx, "reporting:quality"),
        },
        tables,
    )
