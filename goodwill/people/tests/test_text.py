import re

import pytest
from django.core.exceptions import ValidationError

from goodwill.people.text import format_phone, normalize_phone, render_markdown


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+1 415-555-0100", "", "+14155550100"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+46 8 123 456 78", "US", "+46812345678"),
    ],
)
def test_it_normalises_phone_numbers_to_e164(raw, region, e164):
    assert normalize_phone(raw, region) == e164


@pytest.mark.parametrize(
    ("raw", "region", "message"),
    [
        ("555-0100", "", "Start it with + and the country code"),
        ("not a number", "US", "is not a phone number"),
        ("+1 123", "", "is not a valid phone number"),
        ("", "US", "Enter a phone number"),
    ],
)
def test_it_explains_bad_phone_numbers(raw, region, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        normalize_phone(raw, region)


def test_it_formats_numbers_for_people():
    assert format_phone("+14155550100") == "+1 415-555-0100"
    assert format_phone("garbage") == "garbage"


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown(
        "**Leo** loves [cards](https://example.com)\n\n<script>alert(1)</script>"
    )
    assert "<strong>Leo</strong>" in html
    assert 'href="https://example.com"' in html
    assert "<script" not in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "attack",
    [
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='javascript:alert(1)'>x</a>",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<style>body{}</style>",
    ],
)
def test_no_script_gets_through_markdown(attack):
    html = render_markdown(attack).lower()
    # Text that merely mentions these is harmless once escaped; a tag carrying them is not.
    assert not re.search(r"<(script|style|img)", html)
    assert not re.search(r"<[^>]*(onerror|javascript:|data:)", html)
