"""Breaches month by month as an inline SVG of bars: no script, no style attribute (CSP-safe),
the figures in words for screen readers, and the same figures in a table beside it on the page."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goodwill.agreements.health import MonthCount

register = template.Library()

WIDTH, HEIGHT = 480, 160
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 12, 30  # room for the scale and the months
BAR = 20
FILL, INK, LINE = "#b0651c", "#5b6762", "#d9e0dc"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _words(trend: list[MonthCount]) -> str:
    first, last = (date_format(m.month, "F Y") for m in (trend[0], trend[-1]))
    total = sum(m.count for m in trend)
    busiest = max(trend, key=lambda m: m.count)
    most = f"; the most, {busiest.count}, in {date_format(busiest.month, 'F Y')}" if total else ""
    return (
        f"Bar chart of breaches each month from {first} to {last}: {total} in all{most}. "
        "The table below gives every month."
    )


@register.simple_tag
def breaches_chart(trend: list[MonthCount]) -> SafeString:
    """One bar a month (its figure as a tooltip), on a scale from 0 to the worst month."""
    if not trend:
        return SafeString("")
    top = max(1, *(m.count for m in trend))
    floor = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(trend)
    bars, labels = [], []
    for i, month in enumerate(trend):
        x = LEFT + i * slot + (slot - BAR) / 2
        name = date_format(month.month, "F Y")
        if month.count:
            height = month.count * (floor - TOP) / top
            bars.append(
                (_n(x), _n(floor - height), BAR, _n(height), FILL, f"{name}: {month.count}")
            )
        year = date_format(month.month, "Y") if i == 0 or month.month.month == 1 else ""
        centre = _n(x + BAR / 2)
        labels.append((centre, floor + 12, date_format(month.month, "M"), centre, year))
    return format_html(
        '<svg class="care-chart breaches-chart" viewBox="0 0 {} {}" role="img" aria-label="{}"'
        ' font-size="10" fill="{}">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="3 3"/>'
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" text-anchor="end">0</text>{}{}</svg>',
        WIDTH, HEIGHT, _words(trend), INK,
        LEFT, floor, WIDTH - RIGHT, floor, LINE,
        LEFT, TOP, WIDTH - RIGHT, TOP, LINE,
        LEFT - 4, TOP + 4, top,
        LEFT - 4, floor + 4,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
            bars,
        ),
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle">{}<tspan x="{}" dy="11">{}</tspan></text>',
            labels,
        ),
    )  # fmt: skip
