"""The rapport chart as an inline SVG polyline: no script, no style attribute (CSP-safe)."""

from datetime import datetime

from django import template

register = template.Library()

WIDTH, HEIGHT, PAD = 240, 60, 4


@register.simple_tag
def rapport_points(chart: list[tuple[datetime, int]]) -> str:
    """The "x,y x,y …" points of a polyline: scores from 0 to 100, drawn bottom to top."""
    if not chart:
        return ""
    step = (WIDTH - 2 * PAD) / max(1, len(chart) - 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - score * (HEIGHT - 2 * PAD) / 100:.1f}"
        for i, (_, score) in enumerate(chart)
    )
