"""Charts drawn on the server as SVG: a line for a trend, bars for a comparison. No JavaScript; each chart
has a text alternative and the same figures in a table beneath it. Every value is escaped (format_html)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738"]
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 36, 16, 40


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value)


def line(
    labels: list[str], series: list[tuple[str, list[float | None]]], *, title: str, describe: str
) -> SafeString:
    """Rates (0..1, None where not shown) by period, one line per series, on a 0-100% axis."""
    n = max(len(labels), 1)
    step = (WIDTH - LEFT - RIGHT) / max(n - 1, 1)

    def x(i):
        return LEFT + i * step

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="vc-chart__grid"></line>'
        '<text x="{}" y="{}" class="vc-chart__axis" text-anchor="end">{}%</text>',
        (
            (LEFT, WIDTH - RIGHT, _y(v / 100), _y(v / 100), LEFT - 6, _y(v / 100) + 4, v)
            for v in (0, 25, 50, 75, 100)
        ),
    )
    every = max(1, n // 6)
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" class="vc-chart__axis" text-anchor="middle">{}</text>',
        (
            (x(i), HEIGHT - BOTTOM + 18, label)
            for i, label in enumerate(labels)
            # Counted back from the last period, always labelled, so that no two labels collide.
            if (n - 1 - i) % every == 0
        ),
    )
    lines = []
    for k, (_name, values) in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        # Break the line where a value is not shown (too few to give a rate).
        runs, run = [], []
        for i, v in enumerate(values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x(i):.1f},{_y(v):.1f}")
        if run:
            runs.append(run)
        for r in runs:
            lines.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="3"></polyline>',
                    " ".join(r),
                    colour,
                )
            )
        lines.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>',
                ((f"{x(i):.1f}", f"{_y(v):.1f}", colour) for i, v in enumerate(values) if v is not None),
            )
        )
    legend = format_html_join(
        "",
        '<li class="vc-chart__key"><span class="vc-chart__swatch vc-chart__swatch--{}"></span>{}</li>',
        ((k % len(COLOURS), name) for k, (name, _) in enumerate(series)),
    )
    return format_html(
        '<figure class="vc-chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'focusable="false">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}{}</svg>'
        "{}</figure>",
        WIDTH,
        HEIGHT,
        _id(title),
        _id(title),
        _id(title),
        title,
        _id(title),
        describe,
        grid,
        mark_safe("".join(lines)),  # noqa: S308 (built by format_html above)
        ticks,
        format_html('<ul class="vc-chart__legend">{}</ul>', legend) if len(series) > 1 else "",
    )


def bars(rows: list[tuple[str, float | None]], *, title: str, describe: str) -> SafeString:
    """One horizontal bar per row: a rate (0..1), or None (too few to show: no bar, says so)."""
    bar_h, gap, label_w = 22, 10, 220
    height = TOP + len(rows) * (bar_h + gap) + 10
    span = WIDTH - label_w - 70
    parts = []
    for i, (label, value) in enumerate(rows):
        y = TOP + i * (bar_h + gap)
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" class="vc-chart__axis" text-anchor="end">{}</text>',
                label_w - 8,
                y + 16,
                short,
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="vc-chart__axis">Too few to show</text>', label_w, y + 16
                )
            )
        else:
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                    '<text x="{}" y="{}" class="vc-chart__value">{}%</text>',
                    label_w,
                    y,
                    f"{max(value * span, 1):.1f}",
                    bar_h,
                    COLOURS[0],
                    f"{label_w + max(value * span, 1) + 6:.1f}",
                    y + 16,
                    round(100 * value),
                )
            )
    return format_html(
        '<figure class="vc-chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'focusable="false">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg></figure>',
        WIDTH,
        height,
        _id(title),
        _id(title),
        _id(title),
        title,
        _id(title),
        describe,
        mark_safe("".join(parts)),  # noqa: S308 (built by format_html above)
    )


def _id(title: str) -> str:
    import hashlib

    return "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:10]
