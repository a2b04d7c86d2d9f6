"""Monthly trend charts drawn as SVG on the server.

Why not a charting library: the service ships no CDN and no client-side scripts for content,
and every chart already has its figures as a table beside it. An SVG of labelled bars is a
few dozen lines, renders without JavaScript, prints, and carries its own text alternative
(role="img" with <title> and <desc>). Each bar is labelled with its value, so nothing relies
on colour; the bar colour (GOV.UK blue on white) has a contrast of 5:1.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .definitions import Measure

WIDTH, HEIGHT = 480, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 4, 24, 44
BAR = "#1d70b8"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"


def _value(measure: Measure, point) -> float | None:
    if measure.is_rate:
        return 100 * point.numerator / point.denominator if point.denominator else None
    return point.numerator


def _label(measure: Measure, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{round(value)}%" if measure.is_rate else f"{int(value):,}"


def _top(measure: Measure, values) -> int:
    if measure.is_rate:
        return 100
    highest = max([v for v in values if v is not None] or [0])
    step = 1
    while step * 4 < highest:
        step *= 5 if str(step)[0] == "2" else 2
    return max(step * 4, 4)


def describe(measure: Measure, points) -> str:
    """The chart in words: its period, highest, lowest and latest figures."""
    values = [(p, _value(measure, p)) for p in points]
    known = [(p, v) for p, v in values if v is not None]
    period = f"{points[0].month:%B %Y} to {points[-1].month:%B %Y}"
    if not known:
        return f"Month by month from {period}: nothing counted yet."
    high = max(known, key=lambda pv: pv[1])
    low = min(known, key=lambda pv: pv[1])
    return (
        f"Month by month from {period}. Highest {_label(measure, high[1])} in {high[0].month:%B %Y}; "
        f"lowest {_label(measure, low[1])} in {low[0].month:%B %Y}; "
        f"latest {_label(measure, values[-1][1])} in {points[-1].month:%B %Y}."
    )


def _grid(measure: Measure, top: int, plot_height: float) -> list[str]:
    parts = []
    for step in range(5):
        value = top * step / 4
        y = TOP + plot_height - plot_height * step / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" />')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="14" fill="{TEXT}">'
            f"{escape(_label(measure, value))}</text>"
        )
    return parts


def trend_svg(measure: Measure, points, *, chart_id: str) -> SafeString:
    """A bar for each month, labelled with its value; months with nothing counted show a dash."""
    values = [_value(measure, p) for p in points]
    top = _top(measure, values)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    parts = _grid(measure, top, plot_height)
    for index, (point, value) in enumerate(zip(points, values, strict=True)):
        x = LEFT + slot * index
        middle = x + slot / 2
        height = plot_height * (value or 0) / top
        if value:
            parts.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{TOP + plot_height - height:.1f}" '
                f'width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BAR}" />'
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{TOP + plot_height - height - 4:.1f}" text-anchor="middle" '
            f'font-size="13" fill="{TEXT}">{escape(_label(measure, value))}</text>'
        )
        parts.append(
            f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT}">{point.month:%b}</text>'
        )
        # The year under each January, and under the first month unless a January follows at once.
        if point.month.month == 1 or (index == 0 and point.month.month != 12):
            parts.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - BOTTOM + 36}" text-anchor="middle" font-size="14" '
                f'fill="{TEXT}">{point.month:%Y}</text>'
            )
    head = format_html(
        '<svg class="performance-chart" width="100%" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'focusable="false"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        f"{measure.title}: monthly trend",
        chart_id,
        describe(measure, points),
    )
    return mark_safe(head + "".join(parts) + "</svg>")  # noqa: S308 - every value above is escaped or a number
