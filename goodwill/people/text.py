"""Phone numbers and Markdown: parsed and cleaned by well-kept libraries, never by hand."""

import nh3
import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# CommonMark without raw HTML; nh3 then keeps only harmless tags and attributes.
# What a spreadsheet may read as the start of a formula (OWASP's list): the CSV export puts an
# apostrophe before such a cell, and the CSV reader takes it away again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "hr",
}  # fmt: skip


def render_markdown(text: str) -> SafeString:
    """A note as safe HTML: no script, style, event handler or javascript: link gets through."""
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


def normalize_phone(raw: str, region: str = "") -> str:
    """A phone number in E.164 (+14155550100), or ValidationError with a reason a person reads."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("Enter a phone number.")
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        hint = "" if region else " Start it with + and the country code, e.g. +44 20 7946 0958."
        raise ValidationError(f"“{text}” is not a phone number.{hint}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(f"“{text}” is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """+14155550100 → +1 415-555-0100, for people to read."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
