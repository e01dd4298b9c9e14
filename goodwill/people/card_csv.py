"""Reading CSV files of contacts into Cards: the work behind card_reading's CSV functions.

The header row tells the exporter: Google Contacts (today's and the older Gmail format),
Outlook, LinkedIn's Connections.csv (a few "Notes:" lines come before its header) and
Goodwill's own export (exports.CSV_COLUMNS). Any other CSV is read through a mapping of its
columns to CARD_FIELDS, which a person confirms (csv_suggested_mapping() proposes one).

The delimiter (comma, semicolon or tab) is sniffed. Dates written 4/5/1984 are read month first
(4 May) unless a date in the file shows that it writes the day first (31/1/1990).
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from goodwill.people.card_reading import (
    CARD_FIELDS,
    SYSTEM_TAGS,
    CardDraft,
    Problem,
    Reading,
    Unreadable,
    custom_label,
    label_of,
    split_name,
)
from goodwill.people.services import AddressInput
from goodwill.people.text import FORMULA_STARTS

GENERIC = "CSV"
_SAMPLE = 64 * 1024
_ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")
# Several values in one cell: Google joins them with " ::: ", Goodwill with "; ".
_LIST_SEPARATORS = {
    "email": re.compile(r"\s*(?:;|,|:::)\s*"),
    "phone": re.compile(r"\s*(?:;|:::)\s*"),
    "website": re.compile(r"\s*(?:;|:::)\s*"),
    "tags": re.compile(r"\s*(?:;|,|:::)\s*"),
}

# What a column is read into, by its lower-cased header: (a CARD_FIELDS key, middle_name,
# name_suffix, google_labels or a group of Google's numbered columns; a label or part).
type _Plan = dict[str, tuple[str, str]]


@dataclass
class CsvTable:
    """Where a CSV's rows start, and what its header says about them."""

    format: str
    delimiter: str
    # Rows (as the csv module counts them, blank ones too) up to and including the header.
    header_index: int
    header: list[str]
    plan: _Plan = field(default_factory=dict)
    # Goodwill's export puts an apostrophe before a cell a spreadsheet could run as a formula.
    apostrophes: bool = False
    tag_separator: re.Pattern[str] = _LIST_SEPARATORS["tags"]


def csv_reading(text: str, *, mapping: dict[str, str] | None = None) -> Reading:
    """The Reading of a decoded CSV file (read_file's and read_csv's work)."""
    table = table_of(text)
    if mapping is not None:
        unknown = set(mapping.values()) - set(CARD_FIELDS)
        if unknown:
            raise ValueError(f"Not card fields: {', '.join(sorted(unknown))}")
        table.format, table.apostrophes = GENERIC, False
        table.plan = _mapped_plan(mapping)
    elif table.format == GENERIC:
        table.plan = _mapped_plan(suggested_mapping(table.header))
    return _reading(text, table)


def _reading(text: str, table: CsvTable) -> Reading:
    reading = Reading(table.format)
    rows: list[tuple[int, list[str]]] = []
    for index, (line, cells, problem) in enumerate(_rows(text, table.delimiter)):
        if index <= table.header_index or not (problem or any(cell.strip() for cell in cells)):
            continue
        if problem or (problem := _misfit(cells, len(table.header))):
            reading.problems.append(Problem(line, problem, skipped=True))
            continue
        rows.append((line, cells))
    # The columns the plan reads, by position: most files have many more than a Card needs.
    targets = [
        (i, table.plan[key]) for i, key in enumerate(map(_key, table.header)) if key in table.plan
    ]
    day_first = _day_first(targets, rows)
    for line, cells in rows:
        draft = CardDraft(line)
        read = [(target, cells[i]) for i, target in targets if i < len(cells) and cells[i]]
        _fill(draft, table, read, day_first=day_first)
        reading.cards.append(draft.card)
        reading.problems.extend(draft.problems)
    return reading


def _misfit(cells: list[str], columns: int) -> str:
    if len(cells) > columns and any(cell.strip() for cell in cells[columns:]):
        return f"This row has {len(cells)} cells but the header has {columns}; skipped."
    return ""


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str], str]]:
    """(line where it starts, cells, problem) of each row, blank ones too; a row the csv module
    cannot read, or one whose quote is never closed, has a problem and no cells."""
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter)
    end = 0
    while True:
        try:
            cells = next(reader)
            problem = ""
        except StopIteration:
            return
        except csv.Error as error:
            cells, problem = [], f"This row could not be read ({error}); skipped."
        start, end = end + 1, reader.line_num
        # The csv module reads an unclosed quote to the end of the file as one cell.
        if end == len(lines) > start and "".join(lines[start - 1 :]).count('"') % 2:
            cells = []
            problem = (
                "A quotation mark opened on this row is never closed, so this row and the rest "
                "of the file were not read; skipped."
            )
        yield start, cells, problem


def _key(header: str) -> str:
    return " ".join(header.split()).lower()


# --- Recognising a table -------------------------------------------------------------------------


def table_of(text: str) -> CsvTable:
    """The delimiter and header row that make the most regular table of the file's start."""
    sample = text[:_SAMPLE]
    complete = len(text) <= _SAMPLE
    candidates = [_candidate(sample, delimiter, complete) for delimiter in (",", ";", "\t")]
    best = max(candidates, key=lambda pair: pair[0])
    score, table = best
    if table is None or (score[0] == 0 and score[1] < 0.5):
        raise Unreadable(
            "This file is neither a vCard nor a CSV file with a header row "
            "(export your contacts as vCard or CSV)."
        )
    return table


def _candidate(
    sample: str, delimiter: str, complete: bool
) -> tuple[tuple[int, float, int], CsvTable | None]:
    rows = [cells for _, cells, _ in _rows(sample, delimiter)]
    if not complete:
        # The sample's last row may be cut in the middle.
        rows = rows[:-1]
    index, format_ = _header_index(rows)
    if index is None:
        return (0, 0.0, 0), None
    header = [" ".join(cell.split()) for cell in rows[index]]
    body = [row for row in rows[index + 1 :] if any(cell.strip() for cell in row)]
    if format_ == GENERIC and not _looks_like_header(header, body):
        return (0, 0.0, 0), None
    regular = sum(len(row) == len(header) for row in body) / len(body) if body else 1.0
    table = CsvTable(format_, delimiter, index, header)
    _plan_known(table)
    return (int(format_ != GENERIC), regular, len(header)), table


def _header_index(rows: list[list[str]]) -> tuple[int | None, str]:
    """The first row that is a known exporter's header, else the first with two cells or more."""
    for index, row in enumerate(rows[:20]):
        if format_ := _format_of(row):
            return index, format_
    for index, row in enumerate(rows[:20]):
        if sum(bool(cell.strip()) for cell in row) >= 2:
            return index, GENERIC
    return None, GENERIC


def _looks_like_header(header: list[str], body: list[list[str]]) -> bool:
    """Short, mostly named columns and at least one row: prose with commas is none."""
    named = sum(bool(name) for name in header)
    return bool(body) and named * 2 > len(header) and all(len(name) <= 60 for name in header)


def _format_of(cells: list[str]) -> str:
    names = {_key(cell) for cell in cells}
    if {"first_name", "last_name", "emails", "phones"} <= names:
        return "Goodwill CSV"
    google = {"e-mail 1 - value", "phone 1 - value", "labels", "group membership"}
    if names & google and names & {"first name", "given name"}:
        return "Google Contacts CSV"
    if {"first name", "connected on"} <= names:
        return "LinkedIn CSV"
    if "first name" in names and names & {"e-mail address", "mobile phone", "business phone"}:
        return "Outlook CSV"
    return ""


# --- Reading the columns of each exporter ------------------------------------------------------


_GOODWILL: _Plan = {
    **{name: (name, "") for name in ("first_name", "last_name", "nickname", "organization")},
    **{name: (name, "") for name in ("role", "birthday", "anniversary", "tags")},
    **{name: (name, "") for name in _ADDRESS_FIELDS},
    "emails": ("email", ""),
    "phones": ("phone", ""),
    "websites": ("website", ""),
}
_LINKEDIN: _Plan = {
    "first name": ("first_name", ""),
    "last name": ("last_name", ""),
    "url": ("website", "linkedin"),
    "email address": ("email", ""),
    "company": ("organization", ""),
    "position": ("role", ""),
}
_OUTLOOK_PHONES = {
    "mobile phone": "mobile",
    "business phone": "work",
    "business phone 2": "work",
    "company main phone": "work",
    "home phone": "home",
    "home phone 2": "home",
    "business fax": "fax",
    "home fax": "fax",
    "other fax": "fax",
    "pager": "pager",
    "primary phone": "",
    **dict.fromkeys(
        ("other phone", "car phone", "callback", "assistant's phone", "radio phone", "isdn"),
        "other",
    ),
}
_OUTLOOK_ADDRESS = {
    "street": "street",
    "street 2": "street",
    "street 3": "street",
    "address po box": "street",
    "city": "city",
    "state": "region",
    "postal code": "postal_code",
    "country/region": "country",
}
_OUTLOOK: _Plan = {
    "first name": ("first_name", ""),
    "middle name": ("middle_name", ""),
    "last name": ("last_name", ""),
    "suffix": ("name_suffix", ""),
    "nickname": ("nickname", ""),
    "company": ("organization", ""),
    "job title": ("role", ""),
    "birthday": ("birthday", ""),
    "anniversary": ("anniversary", ""),
    "categories": ("tags", ""),
    "notes": ("note", ""),
    "web page": ("website", ""),
    "personal web page": ("website", "home"),
    **{f"e-mail{n} address": ("email", "") for n in ("", " 2", " 3")},
    **{name: ("phone", label) for name, label in _OUTLOOK_PHONES.items()},
    **{
        f"{prefix} {part}": (name, label)
        for prefix, label in (("business", "work"), ("home", "home"), ("other", "other"))
        for part, name in _OUTLOOK_ADDRESS.items()
    },
}
# Today's Google export and the older Gmail one ("Given Name", "Group Membership"); the
# numbered E-mail/Phone/Address/Website/Event columns are added by _google_plan.
_GOOGLE: _Plan = {
    "first name": ("first_name", ""),
    "given name": ("first_name", ""),
    "middle name": ("middle_name", ""),
    "additional name": ("middle_name", ""),
    "last name": ("last_name", ""),
    "family name": ("last_name", ""),
    "name suffix": ("name_suffix", ""),
    "name": ("name", ""),
    "nickname": ("nickname", ""),
    "organization name": ("organization", ""),
    "organization 1 - name": ("organization", ""),
    "organization title": ("role", ""),
    "organization 1 - title": ("role", ""),
    "birthday": ("birthday", ""),
    "notes": ("note", ""),
}
_PLANS = {
    "Goodwill CSV": _GOODWILL,
    "LinkedIn CSV": _LINKEDIN,
    "Outlook CSV": _OUTLOOK,
}


def _plan_known(table: CsvTable) -> None:
    table.plan = _PLANS.get(table.format, {})
    if table.format == "Google Contacts CSV":
        table.plan = _google_plan(table.header)
    if table.format == "Goodwill CSV":
        table.apostrophes, table.tag_separator = True, re.compile(r"\s*;\s*")


def _mapped_plan(mapping: dict[str, str]) -> _Plan:
    """A person's mapping as a plan; an e-mail, phone or website column whose header says
    "work", "mobile", … gets that label."""
    plan: _Plan = {}
    for name, target in mapping.items():
        words = re.split(r"[\W_]+", name)
        plan[_key(name)] = (target, label_of(words) if target in _LIST_SEPARATORS else "")
    return plan


def _fill(
    draft: CardDraft, table: CsvTable, cells: list[tuple[tuple[str, str], str]], *, day_first: bool
) -> None:
    names: dict[str, list[str]] = {}
    addresses: dict[str, dict[str, list[str]]] = {}
    groups: dict[str, dict[str, str]] = {}
    for (name, label), raw in cells:
        value = _unneutralised(raw) if table.apostrophes else raw.strip()
        if not value:
            continue
        if name in ("first_name", "middle_name", "last_name", "name_suffix", "name"):
            names.setdefault(name, []).append(value)
        elif name.startswith(_GOOGLE_PREFIX):
            groups.setdefault(name, {})[label] = value
        elif name in _ADDRESS_FIELDS:
            lines = (line.strip() for line in value.splitlines())
            addresses.setdefault(label, {}).setdefault(name, []).extend(filter(None, lines))
        else:
            _fill_value(draft, table, name, label, value, day_first=day_first)
    _fill_google(draft, groups)
    _fill_names(draft, names)
    for label, parts in addresses.items():
        joined = {name: ", ".join(values) for name, values in parts.items()}
        draft.add_address(AddressInput(label=label, **joined))


def _fill_value(
    draft: CardDraft, table: CsvTable, name: str, label: str, value: str, *, day_first: bool
) -> None:
    if name == "email":
        for address in _LIST_SEPARATORS["email"].split(value):
            draft.add_email(address, label)
    elif name == "phone":
        for number in _LIST_SEPARATORS["phone"].split(value):
            draft.add_phone(number, label)
    elif name == "website":
        for url in _LIST_SEPARATORS["website"].split(value):
            draft.add_link(url, label)
    elif name == "tags":
        tags = table.tag_separator.split(value)
        draft.add_tags(tag for tag in tags if tag.lower() not in SYSTEM_TAGS)
    elif name == "google_labels":
        # "* myContacts ::: Friends": a leading "* " marks Google's own groups.
        labels = [tag.strip() for tag in value.split(":::")]
        draft.add_tags(tag.removeprefix("* ") for tag in labels if tag.lower() not in SYSTEM_TAGS)
    elif name in ("birthday", "anniversary"):
        draft.set_date(name, value, day_first=day_first)
    elif name == "note":
        draft.add_note(value)
    elif not getattr(draft.card, name):
        setattr(draft.card, name, " ".join(value.split()))


def _fill_names(draft: CardDraft, names: dict[str, list[str]]) -> None:
    first = " ".join(names.get("first_name", []) + names.get("middle_name", []))
    last = " ".join(names.get("last_name", []) + names.get("name_suffix", []))
    if not first and not last and names.get("name"):
        first, last = split_name(names["name"][0])
    draft.set_names(first, last)


_GOOGLE_GROUP = re.compile(r"(e-mail|phone|address|website|event) (\d+) - (.+)")
# Plan targets of Google's numbered columns: "google:e-mail 1" with "label" or "value".
_GOOGLE_PREFIX = "google:"


def _google_plan(header: list[str]) -> _Plan:
    """_GOOGLE and, for each numbered column ("E-mail 1 - Label", "E-mail 1 - Value"; "Type"
    in the older format), its group and part."""
    plan = dict(_GOOGLE)
    for name in header:
        key = _key(name)
        if match := _GOOGLE_GROUP.fullmatch(key):
            part = "label" if match[3] == "type" else match[3]
            plan[key] = (f"{_GOOGLE_PREFIX}{match[1]} {match[2]}", part)
        elif key in ("labels", "group membership"):
            plan[key] = ("google_labels", "")
    return plan


def _fill_google(draft: CardDraft, groups: dict[str, dict[str, str]]) -> None:
    for group, parts in groups.items():
        kind = group.removeprefix(_GOOGLE_PREFIX).rpartition(" ")[0]
        # A leading "* " marks the primary value.
        label = custom_label(parts.get("label", "").removeprefix("* "))
        values = [value.strip() for value in parts.get("value", "").split(":::")]
        for value in values:
            if kind == "e-mail":
                draft.add_email(value, label)
            elif kind == "phone":
                draft.add_phone(value, label)
            elif kind == "website":
                draft.add_link(value, label)
            elif kind == "event" and label.lower() == "anniversary":
                draft.set_date("anniversary", value)
        if kind == "address":
            _fill_google_address(draft, label, parts)


def _fill_google_address(draft: CardDraft, label: str, parts: dict[str, str]) -> None:
    street = ", ".join(
        parts[name] for name in ("street", "extended address", "po box") if parts.get(name)
    )
    address = AddressInput(
        label,
        street,
        parts.get("city", ""),
        parts.get("region", ""),
        parts.get("postal code", ""),
        parts.get("country", ""),
    )
    if not any((street, address.city, address.region, address.postal_code, address.country)):
        # Only the address as one text: keep it whole rather than lose it.
        address = AddressInput(label, ", ".join(parts.get("formatted", "").split("\n")))
    draft.add_address(address)


def _unneutralised(cell: str) -> str:
    """A cell of Goodwill's export without the apostrophe it put before =, +, -, @ …"""
    if cell[:1] == "'" and cell[1:2] and cell[1:2] in FORMULA_STARTS:
        cell = cell[1:]
    return cell.strip()


_SLASHED = re.compile(r"\s*(\d{1,2})/(\d{1,2})/")


def _day_first(
    targets: list[tuple[int, tuple[str, str]]], rows: list[tuple[int, list[str]]]
) -> bool:
    """Whether the file writes 12/4/1984 for 12 April: some date's first number is over 12."""
    columns = [i for i, (name, _) in targets if name in ("birthday", "anniversary")]
    for _, cells in rows:
        for column in columns:
            match = _SLASHED.match(cells[column]) if column < len(cells) else None
            if match and int(match[1]) > 12:
                return True
    return False


# --- Guessing a mapping --------------------------------------------------------------------------

# Headers people and other tools write, in English, German, French and Spanish.
_SYNONYMS = {
    "first_name": "first name|firstname|first|given name|forename|vorname|prénom|prenom|nombre",
    "last_name": "last name|lastname|last|surname|family name|nachname|nom|apellido|apellidos",
    "name": "name|full name|fullname|display name|contact|contact name|vollständiger name",
    "nickname": "nickname|nick name|spitzname|surnom|apodo",
    "organization": "company|organization|organisation|org|employer|firma|unternehmen|"
    "entreprise|société|empresa",
    "role": "title|job title|position|role|job|function|funktion|beruf|poste|cargo",
    "street": "street|address|address 1|straße|strasse|adresse|rue|calle|dirección",
    "city": "city|town|ort|stadt|ville|ciudad",
    "region": "state|region|province|county|bundesland|provincia",
    "postal_code": "zip|zip code|zipcode|postal code|postcode|plz|code postal|código postal",
    "country": "country|land|pays|país",
    "birthday": "birthday|birth date|birthdate|date of birth|dob|geburtstag|geburtsdatum|"
    "anniversaire|date de naissance|cumpleaños|fecha de nacimiento",
    "anniversary": "anniversary|jahrestag|hochzeitstag",
    "tags": "tags|tag|labels|groups|group|categories|category|gruppe|gruppen|kategorie|"
    "étiquettes|etiquetas",
    "note": "notes|note|comment|comments|notiz|notizen|bemerkung|bemerkungen|remarques|notas",
    "website": "website|web site|web|url|homepage|home page|linkedin|webseite|site web",
}
_BY_SYNONYM = {word: name for name, words in _SYNONYMS.items() for word in words.split("|")}
_CONTAINS = (
    ("mail", "email"),
    ("phone", "phone"),
    ("tel", "phone"),
    ("mobile", "phone"),
    ("handy", "phone"),
    ("fax", "phone"),
)


def suggested_mapping(header: list[str]) -> dict[str, str]:
    """Each column's CARD_FIELDS key as its header suggests, for columns it can place."""
    mapping: dict[str, str] = {}
    for name in header:
        key = _key(name)
        target = _BY_SYNONYM.get(key) or next(
            (target for part, target in _CONTAINS if part in key), ""
        )
        if target and name:
            mapping[name] = target
    return mapping
