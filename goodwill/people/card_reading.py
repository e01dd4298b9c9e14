"""Reading vCard and CSV files into Cards, for imports and for the CardDAV server.

read_file() recognises a file by its content: a vCard (2.1, 3.0 or 4.0) when it starts with
BEGIN:VCARD, else a CSV (Google Contacts, Outlook, LinkedIn, Goodwill's own export, or any other
CSV read through a column mapping: see card_csv). It never writes anything: it returns the
Cards and the problems met, each with the line of the file where its card or row starts.

- A card or row that cannot be read at all is a skipped Problem; the others still read.
- A value that cannot be read (a date, an e-mail address, a photo) is left out with a Problem
  that does not skip the card.
- A file that is neither is Unreadable, with a reason for people.

vCards are read card by card with a content-line parser of our own, because vobject.readOne
takes some 45 seconds for 100,000 cards on a slow server; vobject parses the rare lines whose
parameters are quoted. Phone numbers are only tidied: the import pipeline reads them in the
workspace's country (cards.card_checked), and decides about a card without a name.
"""

import binascii
import codecs
import contextlib
import functools
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import vobject
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from goodwill.people.cards import Card
from goodwill.people.dates import PartialDate
from goodwill.people.services import AddressInput, Labelled

MAX_BYTES = 50 * 1024 * 1024
MAX_PHOTO_BYTES = 1024 * 1024
MAX_LABEL = 40


@dataclass(frozen=True)
class Problem:
    # The line where the card or row starts, from 1; 0 for the whole file.
    line: int
    # A sentence for people: what was wrong, and what was done about it.
    reason: str
    # True: the card or row was not read at all; False: it was read, but a value was left out.
    skipped: bool


@dataclass
class Reading:
    # What was recognised: "vCard", "Google Contacts CSV", "Outlook CSV", "LinkedIn CSV",
    # "Goodwill CSV" or "CSV".
    format: str
    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class Unreadable(Exception):
    """The whole file is refused; str(error) says why, for people."""


# What a CSV column can be read into, for a person mapping the columns of a file.
CARD_FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name (split into first and last)",
    "nickname": "Nickname",
    "organization": "Organization",
    "role": "Role",
    "email": "E-mail",
    "phone": "Phone",
    "website": "Website",
    "street": "Street",
    "city": "City",
    "region": "Region",
    "postal_code": "Postal code",
    "country": "Country",
    "birthday": "Birthday",
    "anniversary": "Anniversary",
    "tags": "Tags",
    "note": "Note",
}


def read_file(name: str, data: bytes, *, mapping: dict[str, str] | None = None) -> Reading:
    """The cards of a vCard or CSV file; *name* only sharpens the message of a refusal."""
    text = decoded(data)
    if is_vcard(text):
        with bulk_reading():
            return _vcards_of(text)
    if name.lower().endswith((".vcf", ".vcard")):
        raise Unreadable("This file is not a vCard: it does not start with BEGIN:VCARD.")
    with bulk_reading():
        return card_csv.csv_reading(text, mapping=mapping)


def read_vcards(data: bytes) -> Reading:
    """The cards of a vCard file (one card or many), e.g. a card a phone sends to CardDAV."""
    text = decoded(data)
    if not is_vcard(text):
        raise Unreadable("This file is not a vCard: it does not start with BEGIN:VCARD.")
    with bulk_reading():
        return _vcards_of(text)


def read_csv(data: bytes, *, mapping: dict[str, str] | None = None) -> Reading:
    """The cards of a CSV file's rows. *mapping* (header -> CARD_FIELDS key) is used when
    given; without one, a known exporter's columns are read as it means them, and any other
    file's as csv_suggested_mapping() guesses."""
    text = decoded(data)
    with bulk_reading():
        return card_csv.csv_reading(text, mapping=mapping)


def csv_columns(data: bytes) -> list[str]:
    """The header row, for a person to map its columns."""
    return card_csv.table_of(decoded(data)).header


def csv_needs_mapping(data: bytes) -> bool:
    """Whether the header row is none we know (so a person should map its columns)."""
    return card_csv.table_of(decoded(data)).format == card_csv.GENERIC


def csv_suggested_mapping(data: bytes) -> dict[str, str]:
    """A guess of each column's CARD_FIELDS key by its header ("E-mail", "Vorname", …), for
    the mapping step to start from; columns it cannot place are left out."""
    return card_csv.suggested_mapping(card_csv.table_of(decoded(data)).header)


@contextlib.contextmanager
def bulk_reading() -> Iterator[None]:
    """Pauses the cyclic garbage collector while a file is read: the 100,000 cards of a big
    file are objects it would scan again and again (a quarter of the time) and none of them
    is in a cycle. Reference counting still frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def is_vcard(text: str) -> bool:
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


# Files people pick by mistake, by their first bytes.
_BINARY_KINDS = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive or a spreadsheet (save it as CSV first)",
    b"\xd0\xcf\x11\xe0": "an Excel or Word file (save it as CSV first)",
    b"\x1f\x8b": "a compressed (gzip) file",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decoded(data: bytes) -> str:
    """The text of a vCard or CSV file, whatever its encoding, or Unreadable.

    UTF-8 (with or without BOM) first; UTF-16 and UTF-32 by their BOM or by their zero bytes;
    then Windows-1252, what old exporters write without saying so (a superset of Latin-1 for
    letters), and Latin-1 for the five bytes Windows-1252 leaves undefined."""
    if len(data) > MAX_BYTES:
        raise Unreadable(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB; split it.")
    if not data.strip():
        raise Unreadable("The file is empty.")
    for magic, kind in _BINARY_KINDS.items():
        if data.startswith(magic):
            raise Unreadable(f"This is {kind}, not a vCard or CSV file.")
    text = _text_of(data)
    if _CONTROL.search(text[:4096]):
        raise Unreadable("This file is not text, so it is neither a vCard nor a CSV file.")
    # A stray NUL further on would only make the database refuse the value.
    return text.lstrip("\ufeff").replace("\x00", "")


def _text_of(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    head = data[:200]
    # Text in UTF-16 without a BOM has a zero byte beside nearly every ASCII letter.
    if head[1::2].count(0) > len(head) // 3:
        return data.decode("utf-16-le", errors="replace")
    if head[0::2].count(0) > len(head) // 3:
        return data.decode("utf-16-be", errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


# --- Values shared by vCards and CSV rows -------------------------------------------------------

# Our label words for exporters' types and the words of column headers (a few in German,
# French and Spanish too). _LABEL_ORDER puts the most telling first: TYPE=CELL,HOME is "mobile".
_LABEL_WORDS = {
    **dict.fromkeys(("cell", "iphone", "mobile", "mobil", "handy", "portable", "móvil"), "mobile"),
    **dict.fromkeys(("celular", "movil"), "mobile"),
    "fax": "fax",
    "pager": "pager",
    **dict.fromkeys(("work", "business", "office", "arbeit", "geschäftlich", "büro"), "work"),
    **dict.fromkeys(("travail", "bureau", "trabajo"), "work"),
    **dict.fromkeys(("home", "personal", "private", "privat", "domicile", "casa"), "home"),
    "main": "main",
    "other": "other",
}
_LABEL_ORDER = ["mobile", "fax", "pager", "work", "home", "main", "other"]


def label_of(words: Iterable[str]) -> str:
    """Our label word ("mobile", "work", …) for an exporter's types or label words, else ""."""
    best = len(_LABEL_ORDER)
    for word in words:
        if label := _LABEL_WORDS.get(word.strip().lower()):
            best = min(best, _LABEL_ORDER.index(label))
    return _LABEL_ORDER[best] if best < len(_LABEL_ORDER) else ""


@functools.lru_cache(maxsize=1024)
def custom_label(text: str) -> str:
    """A label a person typed: our word when it is one of ours, else the text (40 characters)."""
    text = " ".join(text.split())
    return label_of(re.split(r"[\s/_-]+", text)) or text[:MAX_LABEL]


def split_name(full: str) -> tuple[str, str]:
    """(first, last) of a full name: "Ada King Lovelace" -> ("Ada King", "Lovelace");
    "Lovelace, Ada" -> ("Ada", "Lovelace"); a single word is a first name."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (last, "")


# Matched against the lower-cased text: 1984-04-12t00:00:00z.
_ISO = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:[t ].*)?")
_YEARLESS = re.compile(r"--(\d\d)-?(\d\d)")
_NUMERIC = re.compile(r"(\d{1,2})([/.])(\d{1,2})(?:[/.](\d{2}|\d{4}))?\.?")
_YEAR_FIRST = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# 12 Apr 1984, 12 April, April 12, 1984, Apr. 12 1984.
_WORDY = re.compile(
    r"(?:(\d{1,2})\s+([a-z]{3})[a-z]*\.?|([a-z]{3})[a-z]*\.?\s+(\d{1,2}))(?:,?\s+(\d{4}))?"
)
# Outlook's "no date": 0/0/00, and its internal "none" year 4501.
_NO_DATES = {"0/0/00", "0/0/0000", "00/00/0000", "0000-00-00", "00000000"}


def date_of(text: str, *, day_first: bool = False) -> PartialDate | None:
    """A date as exporters write it: 1984-04-12, 19840412, 1984-04-12T00:00:00Z, --04-12,
    --0412, 4/12/1984 (12/4/1984 when *day_first*), 12.04.1984, 1984/04/12, 12 Apr 1984,
    April 12, 1984, or 12 April. None for Outlook's "no date"; ValueError when unreadable."""
    value = text.strip().lower()
    if not value or value in _NO_DATES:
        return None
    year, month, day = _date_parts(value, day_first=day_first)
    if year == 4501:
        return None
    try:
        return PartialDate(month=month, day=day, year=year)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from error


def _date_parts(value: str, *, day_first: bool) -> tuple[int | None, int, int]:
    if match := _ISO.fullmatch(value):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _YEARLESS.fullmatch(value):
        return None, int(match[1]), int(match[2])
    if match := _YEAR_FIRST.fullmatch(value):
        return int(match[1]), int(match[2]), int(match[3])
    if match := _NUMERIC.fullmatch(value):
        first, second = int(match[1]), int(match[3])
        # Dots are European (day first); slashes are American unless the file says otherwise.
        if day_first or match[2] == ".":
            first, second = second, first
        return _full_year(match[4]), first, second
    if (match := _WORDY.fullmatch(value)) and (month := _MONTHS.get(match[2] or match[3])):
        return _full_year(match[5]), month, int(match[1] or match[4])
    raise ValueError(f"“{value}” is not a date")


def _full_year(digits: str | None) -> int | None:
    if digits is None:
        return None
    year = int(digits)
    if len(digits) == 4:
        return year
    # A two-digit year is in this century unless that would be in the future.
    this_year = timezone.now().year
    return 2000 + year if 2000 + year <= this_year else 1900 + year


class CardDraft:
    """A Card being filled from a vCard or a row, with the values it had to leave out."""

    def __init__(self, line: int) -> None:
        self.card = Card(line=line)
        self.problems: list[Problem] = []
        self._emails: set[str] = set()
        self._phones: set[str] = set()

    def left_out(self, reason: str) -> None:
        self.problems.append(Problem(self.card.line, reason, skipped=False))

    def add_email(self, address: str, label: str = "") -> None:
        address = address.strip()
        if address[:7].lower() == "mailto:":
            address = address[7:]
        if not address or address.lower() in self._emails:
            return
        try:
            validate_email(address)
        except ValidationError:
            self.left_out(f"“{_short(address)}” is not an e-mail address; left out.")
            return
        self._emails.add(address.lower())
        self.card.emails.append(Labelled(label[:MAX_LABEL], address))

    def add_phone(self, number: str, label: str = "") -> None:
        number = " ".join(number.split())
        if number[:4].lower() == "tel:":
            number = number[4:]
        # Spaces, dots and dashes are not what tells two numbers apart.
        key = re.sub(r"[\s().\-/]", "", number)
        if not key or key in self._phones:
            return
        self._phones.add(key)
        self.card.phones.append(Labelled(label[:MAX_LABEL], number))

    def add_link(self, url: str, label: str = "") -> None:
        url = url.strip()
        if url and url not in {link.value for link in self.card.links}:
            self.card.links.append(Labelled(label[:MAX_LABEL], url))

    def add_address(self, address: AddressInput) -> None:
        parts = (address.street, address.city, address.region, address.postal_code)
        if any(parts) or address.country:
            self.card.addresses.append(address)

    def add_tags(self, names: Iterable[str]) -> None:
        for name in names:
            name = " ".join(name.split())
            if name and name not in self.card.tags:
                self.card.tags.append(name)

    def add_note(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text:
            self.card.note = f"{self.card.note}\n\n{text}" if self.card.note else text

    def set_date(self, kind: str, text: str, *, day_first: bool = False) -> None:
        """Sets the "birthday" or the "anniversary" (the first one given wins)."""
        if getattr(self.card, kind) is not None or not text.strip():
            return
        try:
            setattr(self.card, kind, date_of(text, day_first=day_first))
        except ValueError:
            self.left_out(f"The {kind} “{_short(text.strip())}” is not a date; left out.")

    def set_names(self, first: str, last: str) -> None:
        self.card.first_name = " ".join(first.split())
        self.card.last_name = " ".join(last.split())


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- vCards -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    """A content line of a vCard: [group.]NAME;PARAM=VALUE:value, unfolded."""

    number: int
    group: str
    name: str
    params: dict[str, list[str]]
    value: str

    def types(self) -> list[str]:
        return _upper(self.params.get("TYPE", []))


# Reads one property of a card into the draft, given Apple's label of its group (item1.X-ABLabel).
type _Reader = Callable[[CardDraft, _Line, str], None]

# vCard 2.1 parameters written without a name (TEL;CELL;QUOTED-PRINTABLE:…).
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


def _vcards_of(text: str) -> Reading:
    reading = Reading("vCard")
    for start, lines, complete in _card_blocks(_logical_lines(text)):
        if not complete:
            reason = "This card has no END:VCARD (the file may be cut short); skipped."
            reading.problems.append(Problem(start, reason, skipped=True))
            continue
        try:
            draft = _draft_of(start, lines)
        except (ValueError, LookupError):
            # A card no exporter we know writes: a file of many people still reads.
            reason = "This card could not be read; skipped."
            reading.problems.append(Problem(start, reason, skipped=True))
            continue
        reading.cards.append(draft.card)
        reading.problems.extend(draft.problems)
    if not reading.cards and not reading.problems:
        raise Unreadable("This file holds no vCard.")
    return reading


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number of its first line, text) of each content line, unfolded: a line that starts with
    a space or a tab continues the one before (RFC 6350), and so does the line after a
    quoted-printable value that ends with "=" (vCard 2.1's soft line break)."""
    start, current, soft_break = 0, "", False
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if soft_break and line.strip().upper() != "END:VCARD":
            current += line
        elif current and line[:1] in (" ", "\t"):
            current += line[1:]
        elif not line.strip():
            continue
        else:
            if current:
                yield start, current
            start, current = number, line
        soft_break = current.endswith("=") and _is_quoted_printable(current)
        if soft_break:
            current = current[:-1]
    if current:
        yield start, current


def _is_quoted_printable(line: str) -> bool:
    return "QUOTED-PRINTABLE" in line.partition(":")[0].upper()


def _card_blocks(
    lines: Iterable[tuple[int, str]],
) -> Iterator[tuple[int, list[tuple[int, str]], bool]]:
    """(start line, content lines, complete) of each BEGIN:VCARD … END:VCARD; a card that a
    new BEGIN:VCARD or the end of the file interrupts is not complete."""
    start, inside, first = 0, False, True
    card: list[tuple[int, str]] = []
    for number, line in lines:
        # Only the file's first line can still start with a space here (any later one continues
        # the line before); is_vcard() took the file for a vCard all the same.
        head, first = (line.lstrip() if first else line), False
        marker = head.strip().upper() if head[:1] in ("B", "b", "E", "e") else ""
        if marker == "BEGIN:VCARD":
            if inside:
                yield start, card, False
            start, card, inside = number, [], True
        elif marker == "END:VCARD" and inside:
            yield start, card, True
            inside = False
        elif inside:
            card.append((number, line))
    if inside:
        yield start, card, False


def _draft_of(start: int, lines: list[tuple[int, str]]) -> CardDraft:
    draft = CardDraft(start)
    parsed: list[_Line] = []
    for number, text in lines:
        try:
            line = _parsed(number, text)
        except ValueError:
            draft.left_out(f"Line {number} is not a vCard property; left out.")
            continue
        if line is not None:
            parsed.append(line)
    labels = {line.group: line.value for line in parsed if line.group and line.name == "X-ABLABEL"}
    firsts: dict[str, _Line] = {}
    for line in parsed:
        if line.name in _READ_LAST:
            firsts.setdefault(line.name, line)
        elif reader := _READERS.get(line.name):
            reader(draft, line, _apple_label(labels.get(line.group, "")))
    _set_vcard_names(draft, firsts)
    if role := firsts.get("TITLE") or firsts.get("ROLE"):
        draft.card.role = " ".join(_unescaped(role.value).split())
    return draft


# Read once the whole card is known: FN only counts without N, and ROLE only without TITLE.
_READ_LAST = {"N", "FN", "X-ABSHOWAS", "TITLE", "ROLE"}


def _parsed(number: int, text: str) -> _Line | None:
    """The content line, or None for a property no Card field needs (looked at first: most
    lines of a big file are such)."""
    head, colon, value = text.partition(":")
    if not colon:
        raise ValueError(text)
    if '"' in head:
        # Quoted parameter values may hold ";" and ":"; vobject's grammar reads them.
        try:
            name, params, value, group = vobject.base.parseLine(text)
        except vobject.base.ParseError as error:
            raise ValueError(text) from error
    else:
        name, _, rest = head.partition(";")
        group, _, name = name.rpartition(".")
        params = [part.split("=", 1) for part in rest.split(";")] if rest else []
    name = name.strip().upper()
    if name not in _WANTED:
        return None
    line = _Line(number, group.strip().lower() if group else "", name, {}, value)
    for param in params:
        _add_param(line.params, param)
    if "ENCODING" in line.params and "QUOTED-PRINTABLE" in _upper(line.params["ENCODING"]):
        line.value = _unquoted_printable(line.value, line.params.get("CHARSET", [""])[0])
    return line


def _upper(values: list[str]) -> list[str]:
    return [value.upper() for value in values]


def _add_param(params: dict[str, list[str]], param: list[str]) -> None:
    key = param[0].strip().upper()
    if len(param) == 1:
        # A 2.1 bare parameter: an encoding, or else a type.
        params.setdefault("ENCODING" if key in _ENCODINGS else "TYPE", []).append(param[0].strip())
        return
    values = params.setdefault(key, [])
    for value in param[1:]:
        if "," in value or '"' in value:
            values.extend(item.strip().strip('"') for item in value.split(","))
        else:
            values.append(value.strip())


def _unquoted_printable(value: str, charset: str) -> str:
    """A quoted-printable value decoded in its CHARSET (UTF-8, then Windows-1252, when the
    charset is missing, unknown or wrong)."""
    charsets = [charset.strip().lower(), "utf-8", "cp1252"] if charset else ["utf-8", "cp1252"]
    for name in charsets:
        try:
            # Encoding in the same charset keeps any unencoded letters as they were.
            return binascii.a2b_qp(value.encode(name)).decode(name).replace("\x00", "")
        except (LookupError, UnicodeError):
            continue
    return binascii.a2b_qp(value.encode("utf-8", errors="replace")).decode("latin-1")


def _unescaped(text: str) -> str:
    """A text value without its backslash escapes (\\n, \\, \\; \\\\ and Google's \\:)."""
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], text, flags=re.DOTALL)


def _split(text: str, separator: str, *, unescape: bool = True) -> list[str]:
    """The parts of a structured (";") or list (",") value, each unescaped (or not, to be
    split again)."""
    if "\\" not in text:
        return text.split(separator)
    parts, current, escaped = [], "", False
    for char in text:
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [_unescaped(part) for part in parts] if unescape else parts


def _components(text: str, count: int, joiner: str = " ") -> list[str]:
    """The first *count* components of a structured value (N, ADR, ORG), each one's list
    items joined."""
    parts = _split(text, ";", unescape=False)[:count]
    parts += [""] * (count - len(parts))
    return [_joined(part, joiner) for part in parts]


def _joined(part: str, joiner: str) -> str:
    if "," not in part and "\n" not in part and "\\" not in part:
        return " ".join(part.split())
    # A street of two lines (Apple writes 1 Orchard Lane\nBarn 2) becomes one.
    items = (" ".join(line.split()) for item in _split(part, ",") for line in item.split("\n"))
    return joiner.join(item for item in items if item)


def _apple_label(text: str) -> str:
    """An X-ABLabel as a label: Apple's own (_$!<HomeFAX>!$_) in our words, else as typed."""
    if match := re.fullmatch(r"_\$!<(.*)>!\$_", text.strip()):
        word = match[1]
        if word == "HomePage":
            return "website"
        return label_of(re.split(r"(?<=[a-z])(?=[A-Z])", word)) or word.lower()[:MAX_LABEL]
    return custom_label(_unescaped(text)) if text.strip() else ""


def _label(line: _Line, group_label: str) -> str:
    """The label of an EMAIL, TEL, ADR or URL: Apple's group label, else its TYPE, else an
    Android custom type (TEL;X-Studio:…)."""
    if group_label:
        return group_label
    types = line.types()
    if label := label_of(types):
        return label
    typed = line.params.get("TYPE", ())
    custom = next((kind[2:] for kind in typed if kind.upper().startswith("X-")), "")
    return custom_label(custom) if custom else ""


def _set_vcard_names(draft: CardDraft, names: dict[str, _Line]) -> None:
    """First and last name from N (given and middle names; family name and suffix), else FN
    split, unless the card is a company's (its FN is its ORG, or Apple marks it so)."""
    if n := names.get("N"):
        # A suffix (Jr.) tells namesakes apart, so it stays; a prefix (Dr.) is dropped.
        family, given, middle, _, suffix = _components(n.value, 5)
        given = " ".join(filter(None, (given, middle)))
        family = " ".join(filter(None, (family, suffix)))
        if given or family:
            draft.set_names(given, family)
            return
    full = _unescaped(names["FN"].value).strip() if "FN" in names else ""
    show_as = names.get("X-ABSHOWAS")
    company = full == draft.card.organization or (
        show_as is not None and show_as.value.strip().upper() == "COMPANY"
    )
    if full and not company:
        draft.set_names(*split_name(full))


def _read_nickname(draft: CardDraft, line: _Line, group_label: str) -> None:
    if not draft.card.nickname:
        draft.card.nickname = " ".join(_split(line.value, ",")[0].split())


def _read_org(draft: CardDraft, line: _Line, group_label: str) -> None:
    if not draft.card.organization:
        draft.card.organization = _components(line.value, 1, ", ")[0]


def _read_email(draft: CardDraft, line: _Line, group_label: str) -> None:
    draft.add_email(_unescaped(line.value), _label(line, group_label))


def _read_tel(draft: CardDraft, line: _Line, group_label: str) -> None:
    draft.add_phone(_unescaped(line.value), _label(line, group_label))


def _read_adr(draft: CardDraft, line: _Line, group_label: str) -> None:
    box, extended, street, city, region, code, country = _components(line.value, 7, ", ")
    street = ", ".join(filter(None, (street, extended, box)))
    draft.add_address(AddressInput(_label(line, group_label), street, city, region, code, country))


def _read_url(draft: CardDraft, line: _Line, group_label: str) -> None:
    url = _unescaped(line.value).strip()
    label = group_label or label_of(line.types())
    if line.name == "X-SOCIALPROFILE":
        # Apple writes a profile it only knows the user name of as x-apple:name: no link.
        if not url.lower().startswith(("http://", "https://")):
            return
        label = custom_label(line.params.get("TYPE", [""])[0])
    draft.add_link(url, label)


def _read_note(draft: CardDraft, line: _Line, group_label: str) -> None:
    draft.add_note(_unescaped(line.value))


def _read_categories(draft: CardDraft, line: _Line, group_label: str) -> None:
    names = _split(line.value, ",")
    draft.add_tags(name for name in names if name.strip().lower() not in SYSTEM_TAGS)


# Google's own groups (lower-cased), which are not tags a person chose.
SYSTEM_TAGS = {"mycontacts", "starred", "* mycontacts", "* starred", "* my contacts"}


def _read_date(kind: str) -> _Reader:
    """A reader of BDAY, ANNIVERSARY and their X- forms into the *kind* date."""

    def read(draft: CardDraft, line: _Line, group_label: str) -> None:
        if line.name == "X-ABDATE" and group_label != "anniversary":
            return
        value = line.value.strip()
        omit_year = line.params.get("X-APPLE-OMIT-YEAR", [""])[0]
        # Apple writes a year-less date in a year of its choice (1604) and says which.
        if omit_year and value.startswith(omit_year):
            value = "--" + value[len(omit_year) :].lstrip("-")
        draft.set_date(kind, value)

    return read


def _read_android_custom(draft: CardDraft, line: _Line, group_label: str) -> None:
    """Android 2.1's X-ANDROID-CUSTOM:vnd.android.cursor.item/<kind>;data1;data2;… for
    nicknames and events (data2 1 is an anniversary, 3 a birthday)."""
    parts = _split(line.value, ";")
    kind = parts[0].rpartition("/")[2].lower()
    if kind == "nickname" and len(parts) > 1 and not draft.card.nickname:
        draft.card.nickname = parts[1].strip()
    elif kind == "contact_event" and len(parts) > 2:
        event = {"1": "anniversary", "3": "birthday"}.get(parts[2].strip())
        if event:
            draft.set_date(event, parts[1])


def _read_photo(draft: CardDraft, line: _Line, group_label: str) -> None:
    if draft.card.photo:
        return
    value = "".join(line.value.split())
    if value[:5].lower() == "data:":
        head, _, value = value.partition(",")
        if not head.lower().endswith(";base64"):
            draft.left_out("The photo is not in base64; left out.")
            return
    elif ":" in value[:12]:
        draft.left_out(f"The photo is a link ({_short(value, 40)}), not a picture; left out.")
        return
    if len(value) * 3 // 4 > MAX_PHOTO_BYTES + 3:
        draft.left_out("The photo is larger than 1 MB; left out.")
        return
    try:
        photo = binascii.a2b_base64(value)
    except binascii.Error:
        draft.left_out("The photo could not be decoded; left out.")
        return
    draft.card.photo_type = photo_type(photo)
    if not draft.card.photo_type:
        draft.left_out("The photo is not a JPEG, PNG or GIF picture; left out.")
        return
    draft.card.photo = photo


def photo_type(photo: bytes) -> str:
    """The media type of a JPEG, PNG or GIF picture by its first bytes, else ""."""
    if photo.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if photo.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if photo.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return ""


def _read_uid(draft: CardDraft, line: _Line, group_label: str) -> None:
    draft.card.uid = draft.card.uid or line.value.strip()


_READERS: dict[str, _Reader] = {
    "NICKNAME": _read_nickname,
    "ORG": _read_org,
    "EMAIL": _read_email,
    "TEL": _read_tel,
    "ADR": _read_adr,
    "URL": _read_url,
    "X-SOCIALPROFILE": _read_url,
    "NOTE": _read_note,
    "CATEGORIES": _read_categories,
    "BDAY": _read_date("birthday"),
    "ANNIVERSARY": _read_date("anniversary"),
    "X-ANNIVERSARY": _read_date("anniversary"),
    "X-MS-ANNIVERSARY": _read_date("anniversary"),
    "X-EVOLUTION-ANNIVERSARY": _read_date("anniversary"),
    "X-ABDATE": _read_date("anniversary"),
    "X-ANDROID-CUSTOM": _read_android_custom,
    "PHOTO": _read_photo,
    "UID": _read_uid,
}


_WANTED = {*_READERS, *_READ_LAST, "X-ABLABEL"}


# At the end, because card_csv reads its rows with the helpers above.
from goodwill.people import card_csv  # noqa: E402
