"""The self-assessment's spider (radar) diagram, drawn on the server as SVG in the house style of
reporting/charts.py (which surveys may not import: it sits above surveys). No JavaScript; a title and a
description give the figures in words, and the page shows them in a table too. Every value is escaped
(format_html).

One <polygon> per assessment and nothing else: the rings and spokes are paths and lines, so a test (or a
reader of the source) can count the assessments drawn."""

import hashlib
import math
import textwrap

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# reporting/charts.py's palette: the assessment shown in the first colour, earlier ones after it, lighter.
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#f47738"]
WIDTH, HEIGHT = 640, 440
CX, CY, RADIUS = 320, 225, 140
SCALE_MAX = 4
LABEL_CHARS = 22
LINE_HEIGHT = 15
KEY_LEFT, KEY_ROW = 24, 22


def _point(i: int, n: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = RADIUS * max(0.0, min(value, SCALE_MAX)) / SCALE_MAX
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def _xy(i: int, n: int, value: float) -> tuple[str, str]:
    x, y = _point(i, n, value)
    return f"{x:.1f}", f"{y:.1f}"


def _points(values: list[float], n: int) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(i, n, v) for i, v in enumerate(values)))


def _label(i: int, n: int, text: str) -> SafeString:
    """An axis's name, wrapped, set outside the outer ring and anchored away from the centre."""
    angle = -math.pi / 2 + 2 * math.pi * i / n
    dx, dy = math.cos(angle), math.sin(angle)
    x, y = CX + (RADIUS + 14) * dx, CY + (RADIUS + 14) * dy
    anchor = "middle" if abs(dx) < 0.2 else ("start" if dx > 0 else "end")
    lines = textwrap.wrap(text, LABEL_CHARS) or [""]
    if dy < -0.5:  # above the diagram: the last line sits just over the point
        first = y - (len(lines) - 1) * LINE_HEIGHT
    elif dy > 0.5:  # below it: the first line just under
        first = y + LINE_HEIGHT - 3
    else:
        first = y - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
    spans = format_html_join(
        "",
        '<tspan x="{}" y="{}">{}</tspan>',
        ((f"{x:.1f}", f"{first + k * LINE_HEIGHT:.1f}", line) for k, line in enumerate(lines)),
    )
    return format_html('<text class="vc-chart__axis" text-anchor="{}">{}</text>', anchor, spans)


def _key(k: int, name: str, y: float) -> SafeString:
    """One line of the key, drawn inside the chart (so that the swatch can show the same light fill and
    dashed edge as the shape it names)."""
    colour = COLOURS[k % len(COLOURS)]
    return format_html(
        '<g class="vc-chart__key"><rect x="{}" y="{}" width="14" height="14" fill="{}" fill-opacity="{}" '
        'stroke="{}" stroke-width="2"{}></rect><text x="{}" y="{}" class="vc-chart__axis">{}</text></g>',
        KEY_LEFT,
        f"{y:.1f}",
        colour,
        "0.35" if k == 0 else "0.12",
        colour,
        mark_safe("" if k == 0 else ' stroke-dasharray="3 2"'),  # noqa: S308 (a constant attribute)
        KEY_LEFT + 22,
        f"{y + 12:.1f}",
        name,
    )


def radar(
    axes: list[str], series: list[tuple[str, list[float | None]]], *, title: str, describe: str
) -> SafeString:
    """Scores 0..4 on one axis per component. The first series is the assessment being read (solid);
    the others, earlier ones, are drawn lighter and dashed beneath it, with a key. A value not given
    (None) is drawn at the centre; the table beside the chart says "Not scored"."""
    n = max(len(axes), 3)
    rings = format_html_join(
        "",
        '<path d="M{}Z" fill="none" class="vc-chart__grid"></path>',
        ((" L".join(_points([level] * n, n).split(" ")),) for level in range(1, SCALE_MAX + 1)),
    )
    spokes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="vc-chart__grid"></line>',
        ((CX, CY, *_xy(i, n, SCALE_MAX)) for i in range(len(axes))),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" class="vc-chart__axis" text-anchor="start">{}</text>',
        ((CX + 4, f"{_point(0, n, level)[1] + 12:.1f}", level) for level in range(0, SCALE_MAX + 1)),
    )
    labels = mark_safe("".join(_label(i, n, axis) for i, axis in enumerate(axes)))  # noqa: S308 (escaped above)
    shapes = []
    # Earlier assessments first, so the one being read is drawn over them.
    for k in range(len(series) - 1, -1, -1):
        _name, values = series[k]
        colour = COLOURS[k % len(COLOURS)]
        plotted = [0.0 if v is None else float(v) for v in values]
        current = k == 0
        shapes.append(
            format_html(
                '<polygon points="{}" fill="{}" fill-opacity="{}" stroke="{}" stroke-width="{}"{}></polygon>',
                _points(plotted, n),
                colour,
                "0.25" if current else "0.08",
                colour,
                3 if current else 2,
                mark_safe("" if current else ' stroke-dasharray="6 4" stroke-opacity="0.8"'),  # noqa: S308
            )
        )
        if current:
            shapes.append(
                format_html_join(
                    "",
                    '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>',
                    ((*_xy(i, n, v), colour) for i, v in enumerate(plotted)),
                )
            )
    height = HEIGHT + KEY_ROW * len(series)
    legend = mark_safe(  # noqa: S308 (built by format_html)
        "".join(_key(k, name, HEIGHT + KEY_ROW * k) for k, (name, _values) in enumerate(series))
    )
    chart_id = "chart-" + hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:10]
    return format_html(
        '<figure class="vc-chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'focusable="false"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}{}{}{}{}{}</svg></figure>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        describe,
        rings,
        spokes,
        mark_safe("".join(shapes)),  # noqa: S308 (built by format_html above)
        ticks,
        labels,
        legend,
    )
