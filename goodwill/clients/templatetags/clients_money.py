"""Money in templates, and a customer's seasons as a small SVG of twelve bars (no script, no
style attribute: CSP-safe; the page lists the usual months in words beside it)."""

import calendar
from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from goodwill.core import money as core_money

register = template.Library()

NAMES = list(calendar.month_name[1:])  # as fit.py names them (calendar.month_abbr)
MONTHS = "".join(name[0] for name in NAMES)
WIDTH, HEIGHT, BAR, GAP, FLOOR = 168, 56, 11, 3, 44


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    return core_money.money(amount, currency)


@register.filter
def month_names(months: list[int]) -> str:
    return ", ".join(NAMES[m - 1] for m in months)


@register.simple_tag
def seasons_chart(months: list[int]) -> SafeString:
    """Purchases per month of the year as bars, each with its count as a tooltip."""
    top = max(months) or 1
    bars = []
    for i, count in enumerate(months):
        height = round(count * (FLOOR - 4) / top, 1)
        x = i * (BAR + GAP)
        bars.append(
            (x, FLOOR - height, BAR, height, f"{NAMES[i]}: {count}", x + BAR / 2, MONTHS[i])
        )
    words = "Purchases by month of the year: " + ", ".join(
        f"{NAMES[i]} {count}" for i, count in enumerate(months) if count
    )
    return format_html(
        '<svg class="seasons" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, words,
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#1f6f5c"><title>{}</title></rect>'
            '<text x="{}" y="54" font-size="9" text-anchor="middle" fill="#5b6762">{}</text>',
            bars,
        ),
    )  # fmt: skip
