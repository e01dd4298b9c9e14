"""Fuzzing what turns typed text into something else: Markdown notes into HTML, message templates
into messages, and the dates people and exporters write into PartialDates. None of them may
raise anything but its documented, user-facing error, whatever the text."""

import calendar
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.template import defaultfilters
from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodwill.messaging.placeholders import FILTERS, PLACEHOLDERS, Values, placeholders_in, render
from goodwill.people.card_reading import date_of
from goodwill.people.dates import PartialDate
from goodwill.people.text import render_markdown


def assert_told(messages: list[str]) -> None:
    """An error a person is shown: at least one message, none of them empty."""
    assert messages
    assert all(message.strip() for message in messages)


FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


# --- Markdown -------------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "hr",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}
MARKDOWN_PIECES = [
    "*", "_", "**", "__", "~~", "`", "```", "\n", "\n\n", "> ", "- ", "1. ", "# ", "    ",
    "[", "]", "(", ")", "<", ">", '"', "'", "\\", "&", "&#", ";", "!", ":",
    "[a](javascript:alert(1))", "[a](JaVaScRiPt:alert(1))", "[a]( javascript:x )",
    "[a](java\tscript:x)", "[a](&#106;avascript:x)", "[a](%6Aavascript:x)",
    "[a](vbscript:x)", "[a](data:text/html;base64,PHNjcmlwdD4=)", "![i](javascript:x)",
    "[r]: javascript:x\n", "[r]", "<javascript:alert(1)>", "<http://a.example>",
    "[a](http://a.example \"t\" onclick=x)", "<script>alert(1)</script>", "<style>",
    "<img src=x onerror=alert(1)>", "<a href=javascript:x>x</a>", "<svg/onload=x>",
    "<iframe src=x>", "<!--", "-->", "<p onmouseover=x>", "javascript:", " onclick=x ",
]  # fmt: skip
markdown_texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=6), max_size=60).map("".join),
)
# Inputs that make naive parsers quadratic or recurse without end, at a note's full length.
NOTE_LENGTH = 20000
nesting = st.builds(
    lambda unit, tail: (unit * (NOTE_LENGTH // len(unit)))[:NOTE_LENGTH] + tail,
    st.sampled_from(
        [
            *("> ", "*", "*a", "_a ", "**a ", "[", "[a](", "](", "<", "&#", "- ", "1. ", "`"),
            *("~~a", "> - ", "***", "[a][", "![", "\\", "(", "<a"),
        ]
    ),
    st.sampled_from(["", "x", "[a](javascript:x)", "<script>x</script>"]),
)


class _Checked(HTMLParser):
    """Fails on any tag, attribute or link a note must not carry."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in {"href", "title", "rel"}, name
            assert tag == "a", tag
            if name == "href":
                href = "".join((value or "").split()).lower()
                assert urlsplit(href).scheme in SAFE_SCHEMES, value

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        raise AssertionError(f"a comment got through: {data}")


def assert_safe(html: str) -> None:
    checker = _Checked(convert_charrefs=True)
    checker.feed(html)
    checker.close()
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)


class MarkdownFuzzTests(SimpleTestCase):
    @FUZZ
    @given(markdown_texts)
    def test_it_only_ever_renders_harmless_html(self, text):
        assert_safe(render_markdown(text))

    @settings(FUZZ, max_examples=12, deadline=timedelta(seconds=20))
    @given(nesting)
    def test_it_renders_pathological_nesting_of_a_full_length_note(self, text):
        # The generous deadline only catches a parser that would hang (quadratic or worse).
        assert_safe(render_markdown(text))

    def test_it_keeps_safe_links_and_drops_dangerous_ones(self):
        html = render_markdown("[ok](https://a.example) [bad](javascript:alert(1)) <b>raw</b>")
        assert '<a href="https://a.example" rel="noopener noreferrer nofollow">ok</a>' in html
        assert "javascript" not in html.split("[bad]")[0]
        assert "&lt;b&gt;raw&lt;/b&gt;" in html
        assert_safe(html)


# --- Message templates ----------------------------------------------------------------------------

VALUES = Values({name: f"<{name.title()} & Co>" for name in PLACEHOLDERS})
TEMPLATE_PIECES = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{", "}", "%", "#", " ", "\n", "|", ":", ".", "'", '"',
    "_", "name", "first_name", "nope", "contact.email", "name.upper", "upper", "safe",
    "|upper", "|lower", "|title", "|capfirst", "|safe", "|escape", "|default:'x'",
    "|date:'Y'", "|upper:'x'", "|add:name", "{{ name }}", "{{name|upper}}", "{{ _private }}",
    "{{ 'text' }}", "{{ 42 }}", "{% load static %}", "{% if name %}x{% endif %}",
    "{% debug %}", "{% include 'x' %}", "{{ name|upper|lower|title }}", "{# {{ nope }} #}",
]  # fmt: skip
templates = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(TEMPLATE_PIECES) | st.text(max_size=3), max_size=25).map("".join),
)
# Text without braces, and valid placeholders with allowed filters: what a template should be.
plain_text = st.text(st.characters(exclude_characters="{}%#"), max_size=20)
placeholder = st.tuples(
    st.sampled_from(sorted(PLACEHOLDERS)),
    st.lists(st.sampled_from(sorted(FILTERS)), max_size=3),
    st.sampled_from(["", " ", "  "]),
)
filled_values = st.fixed_dictionaries(
    {name: st.text(min_size=1, max_size=15).filter(str.strip) for name in PLACEHOLDERS}
)


def _applied(value: str, filters: list[str]) -> str:
    for name in filters:
        value = getattr(defaultfilters, name)(value)
    return str(value)


class TemplateFuzzTests(SimpleTestCase):
    @FUZZ
    @given(templates)
    def test_it_renders_or_refuses_with_a_message(self, text):
        try:
            used = placeholders_in(text)
        except ValidationError as error:
            assert_told(error.messages)
            with self.assertRaises(ValidationError):
                render(text, VALUES)
            return
        assert set(used) <= set(PLACEHOLDERS)
        out = render(text, VALUES)
        assert not re.search(r"{{|}}|{%", out), out

    @FUZZ
    @given(st.lists(st.tuples(plain_text, placeholder), max_size=6), plain_text, filled_values)
    def test_it_fills_each_placeholder_with_its_filtered_value(self, parts, tail, values):
        text = expected = ""
        for before, (name, filters, space) in parts:
            piped = "".join(f"|{f}" for f in filters)
            text += f"{before}{{{{{space}{name}{piped}{space}}}}}"
            expected += before + _applied(values[name], filters)
        text += tail
        expected += tail
        assert render(text, Values(values)) == expected

    def test_it_names_an_unknown_placeholder_and_a_refused_filter(self):
        with self.assertRaisesMessage(ValidationError, "{{ nope }} is not a placeholder"):
            render("Hi {{ nope }}", VALUES)
        with self.assertRaisesMessage(ValidationError, "The filter “safe” in {{ name }}"):
            render("Hi {{ name|safe }}", VALUES)
        with self.assertRaisesMessage(ValidationError, "A placeholder is not closed"):
            render("Hi {{ name }", VALUES)

    def test_it_leaves_quotes_ampersands_and_brackets_as_they_are(self):
        # Messages are plain text: they were HTML-escaped ("O&#x27;Brien &amp; Co").
        values = Values({**VALUES.values, "name": "O'Brien & <Co>"})
        text = "Dear {{ name }} / {{ name|upper }}"
        assert render(text, values) == "Dear O'Brien & <Co> / O'BRIEN & <CO>"

    def test_a_value_is_never_read_as_a_template(self):
        values = Values({**VALUES.values, "name": "{{ my_name }}{% debug %}"})
        assert render("Hi {{ name }}!", values) == "Hi {{ my_name }}{% debug %}!"


# --- Dates ----------------------------------------------------------------------------------------

partial_dates = st.builds(
    lambda year, month, day: PartialDate(
        month=month,
        day=min(day, calendar.monthrange(year or 2000, month)[1]),
        year=year,
    ),
    st.one_of(st.none(), st.integers(1, 9999)),
    st.integers(1, 12),
    st.integers(1, 31),
)
DATE_PIECES = [
    "--", "-", "/", ".", ",", " ", "T", "t", "Z", "0", "00", "1", "12", "13", "29", "31", "02",
    "1984", "0000", "4501", "9999", "10000", "April", "apr", "Apr.", "Sept", "May", "feb",
    "--0412", "--04-12", "0/0/00", "١٩٨٤", "²", "\u00a0", "\n", "+", "e5",
]  # fmt: skip
date_texts = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(DATE_PIECES), max_size=8).map("".join),
    st.from_regex(r"\A[0-9]{0,5}[-/. ]?[0-9]{0,3}[-/. ]?[0-9]{0,5}\Z"),
)


def assert_valid(value: PartialDate) -> None:
    """A PartialDate that the database and the public contract accept."""
    assert PartialDate.parse(value.isoformat()) == value
    if value.year is not None:
        assert 1 <= value.year <= 9999
    assert 1 <= value.day <= calendar.monthrange(value.year or 2000, value.month)[1]


class DateFuzzTests(SimpleTestCase):
    @FUZZ
    @given(date_texts, st.booleans())
    def test_what_exporters_write_reads_as_a_date_or_a_clear_error(self, text, day_first):
        try:
            value = date_of(text, day_first=day_first)
        except ValueError as error:
            assert_told([str(error)])
            return
        if value is not None:
            assert_valid(value)

    @FUZZ
    @given(date_texts)
    def test_what_people_type_reads_as_a_date_or_a_clear_error(self, text):
        try:
            value = PartialDate.parse(text)
        except ValidationError as error:
            assert_told(error.messages)
            return
        assert_valid(value)

    @FUZZ
    @given(partial_dates)
    def test_every_date_reads_back_from_each_way_it_is_written(self, value):
        assert PartialDate.parse(value.isoformat()) == value
        if value.year == 4501:
            # Outlook's year for "no date".
            assert date_of(value.isoformat()) is None
            return
        month = calendar.month_name[value.month]
        forms = [value.isoformat(), f"{value.day} {month}", f"{month[:3]}. {value.day}"]
        if value.year is None:
            forms.append(f"--{value.month:02d}{value.day:02d}")
        else:
            year = f"{value.year:04d}"
            forms = [f"{form} {year}" for form in forms[1:]] + [forms[0]]
            forms += [f"{month} {value.day}, {year}", f"{value.month}/{value.day}/{year}"]
            forms += [f"{value.day}.{value.month}.{year}", f"{year}/{value.month}/{value.day}"]
        for form in forms:
            assert date_of(form) == value, form
