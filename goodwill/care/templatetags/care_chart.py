"""The care insight's monthly chart as an inline SVG of bars, and its figures in words: no
script, no style attribute (CSP-safe). The page shows the same figures in a table beside it."""

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goodwill.care.insight import Month

register = template.Library()

WIDTH, HEIGHT = 480, 180
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 24, 30  # room for the scale, the legend and the months
BAR = 13
OPENED, RESOLVED, INK, LINE = "#1f6f5c", "#b0651c", "#5b6762", "#d9e0dc"


def _n(value: float) -> str:
    """A coordinate, to a tenth (format_html escapes its arguments into strings first)."""
    return f"{value:.1f}"


def _words(trend: list[Month]) -> str:
    first, last = (date_format(m.month, "F Y") for m in (trend[0], trend[-1]))
    return (
        f"Bar chart of the cases opened and resolved each month, from {first} to {last}; "
        "the table below gives the figures."
    )


def _bars(trend: list[Month], top: int) -> SafeString:
    """Each month's two bars (each with its figure as a tooltip) and its name under them."""
    slot = (WIDTH - LEFT - RIGHT) / len(trend)
    floor = HEIGHT - BOTTOM
    rects, labels = [], []
    for i, month in enumerate(trend):
        x = LEFT + i * slot + (slot - 2 * BAR) / 2
        name = date_format(month.month, "M Y")
        for left, value, colour, what in (
            (x, month.opened, OPENED, "opened"),
            (x + BAR, month.resolved, RESOLVED, "resolved"),
        ):
            if not value:
                continue
            height = value * (floor - TOP) / top
            rects.append(
                (_n(left), _n(floor - height), BAR, _n(height), colour, f"{name}: {value} {what}")
            )
        year = date_format(month.month, "Y") if i == 0 or month.month.month == 1 else ""
        labels.append((_n(x + BAR), floor + 12, date_format(month.month, "M"), _n(x + BAR), year))
    return format_html(
        "{}{}",
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
            rects,
        ),
        format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle">{}<tspan x="{}" dy="11">{}</tspan></text>',
            labels,
        ),
    )


@register.simple_tag
def care_trend_chart(trend: list[Month]) -> SafeString:
    """Two bars a month, opened and resolved, on a scale from 0 to the busiest month."""
    if not trend:
        return format_html("")
    top = max(1, *(max(m.opened, m.resolved) for m in trend))
    floor = HEIGHT - BOTTOM
    return format_html(
        '<svg class="care-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" font-size="10"'
        ' fill="{}">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="3 3"/>'
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" text-anchor="end">0</text>'
        '<rect x="{}" y="6" width="10" height="10" fill="{}"/><text x="{}" y="15">Opened</text>'
        '<rect x="{}" y="6" width="10" height="10" fill="{}"/><text x="{}" y="15">Resolved</text>'
        "{}</svg>",
        WIDTH, HEIGHT, _words(trend), INK,
        LEFT, floor, WIDTH - RIGHT, floor, LINE,
        LEFT, TOP, WIDTH - RIGHT, TOP, LINE,
        LEFT - 4, TOP + 4, top,
        LEFT - 4, floor + 4,
        LEFT, OPENED, LEFT + 14,
        LEFT + 80, RESOLVED, LEFT + 94,
        _bars(trend, top),
    )  # fmt: skip


@register.filter
def business_hours(hours: float | None) -> str:
    """5.5 business hours, 1 business hour, 40 business minutes; "—" when there is none."""
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} business minutes"
    amount = f"{hours:.1f}".removesuffix(".0")
    return f"{amount} business hour" if amount == "1" else f"{amount} business hours"


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}%"
