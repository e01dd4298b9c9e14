"""Filters of the people pages: phone numbers and Markdown shown well, and days said in words."""

from datetime import date

from django import template
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from goodwill.people.text import format_phone, render_markdown

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """+14155550100 → +1 415-555-0100."""
    return format_phone(e164)


@register.filter
def markdown(text: str) -> SafeString:
    """A note as sanitised HTML."""
    return render_markdown(text)


@register.filter
def day_in_words(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Friday" within the week, otherwise "on Friday 12 April"."""
    ahead = (day - today).days
    if ahead == 0:
        return "today"
    if ahead == 1:
        return "tomorrow"
    if 1 < ahead < 7:
        return f"on {format_date(day, 'l')}"
    pattern = "l j F" if day.year == today.year else "l j F Y"
    return f"on {format_date(day, pattern)}"
