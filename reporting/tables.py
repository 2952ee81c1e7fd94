"""Every table the dashboards show, as data: the page renders it, the CSV and XLSX downloads write it, and
the quarterly return collects it, so a download always says exactly what the screen says."""

from dataclasses import dataclass, field

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from . import stats
from .figures import OUTCOMES, Row, Tally


@dataclass(frozen=True)
class Cell:
    text: str
    href: str = ""
    red: bool = False
    header: bool = False  # the row's label: a row header for screen readers


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def labelled_rows(self) -> list[list[tuple[Cell, str]]]:
        """Each cell with its column's heading (for a link's screen-reader text)."""
        return [list(zip(row, self.headers, strict=False)) for row in self.rows]

    def html_rows(self) -> list[SafeString]:
        """Each row's cells as HTML, for reporting/_table.html: built here rather than by the template
        language, which took a third of a dashboard's time for a few hundred cells. A link's hidden text
        names its column's heading and the row's label; every value is escaped."""
        return [_row_html(row) for row in self.labelled_rows()]

    def text_rows(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


def _row_html(row: list[tuple[Cell, str]]) -> SafeString:
    label = row[0][0].text if row else ""
    about = f" for {conditional_escape(label)}" if label else ""
    parts = []
    for c, heading in row:
        text = conditional_escape(c.text)
        if c.header:
            inner = (
                f'<a class="govuk-link" href="{conditional_escape(c.href)}">{text}</a>' if c.href else text
            )
            parts.append(f'<th scope="row" class="govuk-table__header">{inner}</th>')
            continue
        if c.href:
            red = " vc-figure--red" if c.red else ""
            inner = (
                f'<a class="govuk-link{red}" href="{conditional_escape(c.href)}">{text}'
                f'<span class="govuk-visually-hidden"> {conditional_escape(str(heading).lower())}{about}: '
                "show the cases</span></a>"
            )
        elif c.red:
            inner = f'<strong class="vc-figure--red">{text}</strong>'
        else:
            inner = text
        parts.append(f'<td class="govuk-table__cell govuk-table__cell--numeric">{inner}</td>')
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


def count(n: int, *, suppress: bool) -> str:
    return stats.count_text(n) if suppress else f"{n:,}"


TALLY_HEADERS = [label for _, label in OUTCOMES] + ["Met on time (of those due)", "95% confidence interval"]


def tally_cells(t: Tally, *, suppress: bool, drill=None) -> list[Cell]:
    """A tally's counts, rate and interval. `drill(outcome)` gives a count's drill-down link (or "")."""
    cells = []
    for name, _ in OUTCOMES:
        n = getattr(t, name)
        text = count(n, suppress=suppress)
        href = drill(name) if drill and n and not (suppress and n < stats.suppress_below()) else ""
        cells.append(Cell(text, href=href or "", red=(name == "overdue" and n > 0)))
    r = t.rate()
    cells.append(Cell(r.text))
    cells.append(Cell(r.interval_text or "Not given"))
    return cells


def tally_table(
    key: str, caption: str, first: str, rows: list[tuple[str, str, Tally, object]], *, suppress: bool
) -> Table:
    """rows: (label, label link, tally, drill function or None)."""
    table = Table(key, caption, [first, *TALLY_HEADERS])
    for label, href, t, drill in rows:
        table.rows.append(
            [Cell(label, href=href, header=True), *tally_cells(t, suppress=suppress, drill=drill)]
        )
    return table


def breakdown_table(
    key: str,
    caption: str,
    first: str,
    rows: list[Row],
    *,
    suppress: bool,
    link=None,
    drill=None,
    overdue_link=None,
) -> Table:
    headers = [
        first,
        "Fell due",
        "Met on time",
        "Met late",
        "Open past due",
        "Met on time (of those due)",
        "95% confidence interval",
    ]
    with_now = any(r.overdue_now is not None for r in rows)
    if with_now:
        headers.append("Overdue now")
    table = Table(key, caption, headers)
    for r in rows:
        t = r.tally
        rate = t.rate()
        row = [
            Cell(r.label, href=link(r) if link else "", header=True),
            Cell(count(t.due, suppress=suppress)),
            Cell(count(t.on_time, suppress=suppress)),
            Cell(count(t.late, suppress=suppress)),
            Cell(
                count(t.overdue, suppress=suppress),
                href=drill(r, "overdue") if drill and t.overdue and not suppress else "",
                red=t.overdue > 0,
            ),
            Cell(rate.text),
            Cell(rate.interval_text or "Not given"),
        ]
        if with_now:
            n = r.overdue_now or 0
            row.append(
                Cell(
                    count(n, suppress=suppress), href=overdue_link(r) if overdue_link and n else "", red=n > 0
                )
            )
        table.rows.append(row)
    return table


def rate_table(
    key: str, caption: str, first: str, rows: list[tuple[str, int, int]], *, what: str, partition: bool = True
) -> Table:
    """Rows of (label, k, n) shown as a rate with its interval, suppressed below the threshold. When the
    rows split one total (`partition`, e.g. victims by ethnic group) and only one row is suppressed, the
    next smallest is suppressed too, so that the hidden one cannot be worked out by subtraction."""
    threshold = stats.suppress_below()
    hidden = {i for i, (_, _, n) in enumerate(rows) if 0 < n < threshold}
    if partition and len(hidden) == 1:
        shown = sorted((n, i) for i, (_, _, n) in enumerate(rows) if n >= threshold)
        if shown:
            hidden.add(shown[0][1])
    table = Table(key, caption, [first, what, "Of", "Rate", "95% confidence interval"])
    for i, (label, k, n) in enumerate(rows):
        r = stats.rate(k, n)
        if i in hidden:
            table.rows.append(
                [
                    Cell(label, header=True),
                    Cell("Not given"),
                    Cell(f"Fewer than {threshold}" if n < threshold else "Not given"),
                    Cell("Not given"),
                    Cell("Not given"),
                ]
            )
            continue
        table.rows.append(
            [
                Cell(label, header=True),
                Cell(f"{k:,}" if r.shown else "Not given"),
                Cell(stats.count_text(n)),
                Cell(r.text),
                Cell(r.interval_text or "Not given"),
            ]
        )
    return table
