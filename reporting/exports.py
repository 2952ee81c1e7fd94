"""Downloads: any dashboard table as CSV or XLSX (tablib: the Django ecosystem's well-kept library for
tabular exports, with openpyxl behind its XLSX), and the quarter's MoJ return and PCC pack as one
workbook. Each sheet is a Table the pages show, so a download says exactly what the screen says."""

import re
from datetime import date, datetime

import tablib
from django.http import HttpResponse
from django.utils import timezone

from victimcare.core.i18n import force_name

from . import figures, stats
from .filters import Filters, quarter_label
from .scope import Scope
from .tables import Cell, Table, breakdown_table, rate_table

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV, "xlsx": XLSX}
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def _safe(text: str) -> str:
    """Spreadsheet programs run a cell that starts with = + - or @ as a formula: such text gets a leading
    apostrophe (a figure like '-3' stays a figure)."""
    if _FORMULA.match(text) and not re.fullmatch(r"[+\-]?\d[\d,.]*", text):
        return "'" + text
    return text


def dataset(table: Table) -> tablib.Dataset:
    ds = tablib.Dataset(headers=table.headers, title=_sheet_title(table.caption))
    for row in table.text_rows():
        ds.append([_safe(c) for c in row])
    return ds


def _sheet_title(text: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", text)
    return cleaned[:31].strip() or "Sheet"


def table_response(table: Table, fmt: str, *, filename: str) -> HttpResponse:
    ds = dataset(table)
    body = ds.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # a byte-order mark, so spreadsheet programs read UTF-8
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _area_table(
    key: str, caption: str, scope: Scope, f: Filters, now: datetime, hidden: tuple[int, ...]
) -> Table:
    moj, _ = figures.indicators(f.slice(scope), now=now, hidden=hidden)
    table = Table(
        key,
        caption,
        ["Area", "Fell due", "Met on time", "Met late", "Open past due", "Rate", "95% confidence interval"],
    )
    for ind in moj:
        t, r = ind.total, ind.total.rate()
        table.rows.append(
            [
                Cell(ind.label),
                Cell(stats.count_text(t.due)),
                Cell(stats.count_text(t.on_time)),
                Cell(stats.count_text(t.late)),
                Cell(stats.count_text(t.overdue)),
                Cell(r.text),
                Cell(r.interval_text or "Not given"),
            ]
        )
    return table


def quarter_workbook(
    scope: Scope, first: date, last: date, *, now: datetime, hidden: tuple[int, ...] = ()
) -> bytes:
    """The MoJ quarterly return and the PCC pack: the five areas for the force (or the reader's area) and
    for each BCU, the force indicators, compliance by BCU, and the equality breakdowns. Counts and rates
    below the threshold are suppressed throughout (the pack leaves the force)."""
    q = quarter_label(first)
    base = Filters(first=first, last=last)
    book = tablib.Databook()
    about = tablib.Dataset(headers=["About this return", ""], title="About")
    about.append(["Force", force_name()])
    about.append(["Quarter", f"{q} ({first:%B} to {last:%B %Y})"])
    about.append(["Area", scope.label])
    about.append(["Made", f"{timezone.localtime(now):%-d %B %Y at %H:%M}"])
    about.append(
        [
            "How to read it",
            "A duty counts in the month it fell due. The rate is the share met on time of those that "
            "fell due (met on time, met late, or still open past their deadline). "
            f"Counts and rates of fewer than {stats.suppress_below()} are not shown.",
        ]
    )
    book.add_sheet(about)
    sheets = [_area_table("moj", f"MoJ return {q} {scope.label}", scope, base, now, hidden)]
    for bcu in scope.bcus():
        sheets.append(
            _area_table(
                f"moj-{bcu.pk}",
                f"MoJ {q} {bcu.name}",
                scope,
                Filters(first=first, last=last, bcu=bcu.pk),
                now,
                hidden,
            )
        )
    _, classic = figures.indicators(base.slice(scope), now=now, hidden=hidden)
    sheets.append(
        rate_table(
            "force-indicators",
            f"Force indicators {q}",
            "Indicator",
            [(ind.label, ind.total.on_time, ind.total.due) for ind in classic],
            what="Met on time",
        )
    )
    s = base.slice(scope)
    sheets.append(
        breakdown_table(
            "by-bcu",
            f"Compliance by BCU {q}",
            "BCU",
            figures.breakdown(s, "bcu_id", now=now, hidden=hidden),
            suppress=True,
        )
    )
    eq = figures.equality(s, now=now, hidden=hidden)
    for b in eq.breakdowns:
        sheets.append(
            rate_table(
                "eq",
                f"Equality {b.title} {q}",
                b.title,
                [(label, t.on_time, t.due) for label, t in b.rows],
                what="Met on time",
            )
        )
    seen = set()
    for table in sheets:
        ds = dataset(table)
        title = ds.title
        n = 2
        while title in seen:
            title = f"{ds.title[:28]} {n}"
            n += 1
        seen.add(title)
        ds.title = title
        book.add_sheet(ds)
    return book.export("xlsx")
