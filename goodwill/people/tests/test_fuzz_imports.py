"""Fuzzing contact imports with hostile vCard and CSV files, through the functions the import
page, the API and `goodwill import` call: import_prepare, import_map, import_choose,
import_confirm and import_undo.

Whatever the file, an import either is refused with a message for people and changes nothing,
or completes; a failed or undone import leaves every workspace's data as it was."""

import csv
import io
from collections import Counter
from typing import Any
from unittest import mock

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from goodwill.core.models import AuditEvent
from goodwill.core.scoping import WorkspaceOwned, scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.dav.models import CardTombstone
from goodwill.people import imports, services
from goodwill.people.card_reading import MAX_BYTES, Unreadable, csv_suggested_mapping
from goodwill.people.cards import Card, CardWriter, cards_unpack
from goodwill.people.exports import contacts_export
from goodwill.people.models import (
    Address,
    Contact,
    ContactImport,
    ContactImportBatch,
    Email,
    ImportStatus,
    Link,
    Phone,
    Tag,
)
from goodwill.people.services import Labelled
from goodwill.people.text import FORMULA_STARTS

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# The import's own records, which a refused file does not write either but a failed or undone
# import keeps (to show what happened), and the tombstone that tells CardDAV clients a contact
# they may have synced is gone again.
BOOKKEEPING = {ContactImport, ContactImportBatch, AuditEvent, CardTombstone}


def snapshot(*, bookkeeping: bool = True) -> Counter[str]:
    """Rows of every workspace's data, per model."""
    return Counter(
        {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models()
            if issubclass(model, WorkspaceOwned) and (bookkeeping or model not in BOOKKEEPING)
        }
    )


def _longest(model: Any, field: str) -> int:
    return int(model._meta.get_field(field).max_length)


def assert_storable(card: Card) -> None:
    """Every value of a checked card fits its column in PostgreSQL too (SQLite takes anything):
    no NUL, no lone surrogate, nothing longer than the column."""
    texts: list[tuple[str, int]] = [
        (card.first_name, _longest(Contact, "first_name")),
        (card.last_name, _longest(Contact, "last_name")),
        (card.nickname, _longest(Contact, "nickname")),
        (card.role, _longest(Contact, "role")),
        (card.organization, 200),
        (card.note, 20000),
    ]
    texts += [(tag, _longest(Tag, "name")) for tag in card.tags]
    for model, field, items in (
        (Email, "address", card.emails),
        (Phone, "number", card.phones),
        (Link, "url", card.links),
    ):
        texts += [(item.value, _longest(model, field)) for item in items]
        texts += [(item.label, _longest(model, "label")) for item in items]
    for address in card.addresses:
        texts += [(getattr(address, name), _longest(Address, name)) for name in vars(address)]
    for text, longest in texts:
        assert len(text) <= longest, (text[:80], longest)
        assert "\x00" not in text
        text.encode("utf-8")


# --- vCards ---------------------------------------------------------------------------------------

# Text as exporters write it, with what vCard escapes, quotes or chokes on.
words = st.text(
    st.one_of(
        st.characters(categories=["L", "N", "Zs", "P", "S"], max_codepoint=0x2FFFF),
        st.sampled_from(list(';,:\\"=\t\u0085\u2028\ufeff')),
    ),
    max_size=25,
)
dates = st.one_of(
    st.sampled_from(["1984-04-12", "--0412", "--04-12", "19840412", "12 April", "0000-00-00"]),
    st.sampled_from(["1604-04-12", "2023-02-29", "--0230", "4501-01-01", "1984-04-12T00:00:00Z"]),
    st.text("0123456789-/. TZaprilAPR", max_size=14),
)
emails = st.one_of(
    st.sampled_from(["maja@berg.example", "MAJA@BERG.EXAMPLE", "mailto:tom@hale.example"]),
    st.sampled_from(["not-an-address", "a@b", "@", "x@y.example;z@w.example"]),
    st.builds("{}@{}.example".format, st.text("abc.+-_", min_size=1, max_size=70), st.just("hale")),
    # Valid to Django's validator, yet longer than the 254 characters the column holds.
    st.integers(240, 330).map(lambda n: "a" * 64 + "@" + ("b" * 60 + ".") * (n // 61) + "example"),
)
phones = st.one_of(
    st.sampled_from(["+1 415 555 0100", "(415) 555-0101", "415.555.0102", "tel:+14155550103"]),
    st.sampled_from(["0", "+", "++1", "555", "+999999999999999999999", "phone"]),
    st.text("0123456789 +-().xext", max_size=40),
)
QP_VALUES = ["=C3=A9t=C3=A9", "=E9t=E9", "caf=\n=C3=A9", "=ZZ", "=", "==", "=0", "=00", "a=\n"]
properties = st.one_of(
    words.map(lambda text: f"FN:{text}"),
    st.builds("N:{};{};{};;".format, words, words, words),
    st.builds("N;CHARSET={};ENCODING=QUOTED-PRINTABLE:{};{}".format,
              st.sampled_from(["UTF-8", "windows-1252", "ISO-8859-1", "bogus", ""]),
              st.sampled_from(QP_VALUES), st.sampled_from(QP_VALUES)),
    st.builds("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET={}:{}".format,
              st.sampled_from(["UTF-8", "windows-1252", "x-unknown"]),
              st.lists(st.sampled_from(QP_VALUES), max_size=5).map("".join)),
    st.builds("EMAIL;TYPE={}:{}".format, st.sampled_from(["WORK", "INTERNET,HOME", "x"]), emails),
    st.builds("TEL;TYPE={}:{}".format, st.sampled_from(["CELL", "HOME,VOICE", "X-Studio"]), phones),
    st.builds("TEL;CELL;QUOTED-PRINTABLE:{}".format, phones),
    st.builds("{}.{}:{}\n{}.X-ABLabel:{}".format,
              st.sampled_from(["item1", "ITEM2", "a.b"]),
              st.sampled_from(["TEL", "EMAIL", "URL", "ADR", "X-ABDATE"]),
              st.one_of(phones, emails, words),
              st.sampled_from(["item1", "item2"]),
              st.one_of(st.sampled_from(["_$!<Mobile>!$_", "_$!<Anniversary>!$_", "_$!<>!$_"]),
                        words)),
    st.builds("BDAY:{}".format, dates),
    st.builds("BDAY;X-APPLE-OMIT-YEAR={}:{}".format, st.sampled_from(["1604", "", "1"]), dates),
    st.builds("ANNIVERSARY;VALUE=date:{}".format, dates),
    st.builds("X-ANDROID-CUSTOM:vnd.android.cursor.item/{};{};{}".format,
              st.sampled_from(["contact_event", "nickname", ""]), dates,
              st.sampled_from(["1", "3", "", "x"])),
    st.builds("ADR;TYPE=HOME:{};{};{};{};{};{};{}".format, *[words] * 7),
    words.map(lambda text: f"ORG:{text}"),
    words.map(lambda text: f"TITLE:{text}"),
    words.map(lambda text: f"NICKNAME:{text}"),
    words.map(lambda text: f"CATEGORIES:{text}"),
    words.map(lambda text: f"NOTE:{text}"),
    st.builds("URL:{}".format, st.one_of(words, st.just("www.hale.example"),
                                         st.just("javascript:alert(1)"),
                                         st.just("https://" + "x" * 600 + ".example"))),
    st.builds("PHOTO;ENCODING=b;TYPE=JPEG:{}".format,
              st.sampled_from(["/9j/4AAQSkZJRg==", "iVBORw0KGgo=", "R0lGODlhAQAB", "!!", "="])),
    st.just("PHOTO;VALUE=uri:https://hale.example/p.jpg"),
    st.builds('TEL;TYPE="{}":{}'.format, st.sampled_from(['a:b;c', 'work,"cell"', '']), phones),
    st.builds("X-SOCIALPROFILE;TYPE={}:{}".format, words, words),
    st.just("UID:" + "u" * 300),
    words,  # not a property at all
    st.integers(1000, 20000).map(lambda n: "NOTE:" + "long " * (n // 5)),
)  # fmt: skip
begins = st.sampled_from(["BEGIN:VCARD", "begin:vcard", "  BEGIN:VCARD  ", "BEGIN:VCARD "])
versions = st.sampled_from(["VERSION:2.1", "VERSION:3.0", "VERSION:4.0", "", "VERSION:9"])
ends = st.sampled_from(["END:VCARD", "end:vcard", "", "END:VCARD\nEND:VCARD", "BEGIN:VCARD"])
cards = st.builds(
    lambda begin, version, lines, end: [begin, version, *lines, end],
    begins,
    versions,
    st.lists(properties, max_size=12),
    ends,
)


def _fold(line: str, at: int) -> str:
    """RFC 6350 folding: a line break and a space or tab inside the line."""
    return line[:at] + "\r\n " + line[at:] if 0 < at < len(line) else line


@st.composite
def vcard_files(draw: st.DrawFn) -> tuple[str, bytes]:
    lines = [line for card in draw(st.lists(cards, min_size=1, max_size=6)) for line in card]
    text = ""
    for line in lines:
        if draw(st.booleans()):
            line = _fold(line, draw(st.integers(0, 80)))
        text += line + draw(st.sampled_from(["\r\n", "\n", "\r", "\r\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        data = data[: len(data) * draw(st.integers(1, 99)) // 100]
    name = draw(st.sampled_from(["phone.vcf", "contacts.VCF", "export.vcard", "contacts", "a.csv"]))
    return name, data


# --- CSV ------------------------------------------------------------------------------------------

KNOWN_HEADERS = [
    # Google, Outlook, LinkedIn and Goodwill's own export, in part.
    ["First Name", "Last Name", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value",
     "Labels", "Birthday", "Address 1 - Formatted", "Event 1 - Label", "Event 1 - Value"],
    ["First Name", "Middle Name", "Last Name", "E-mail Address", "Mobile Phone", "Birthday",
     "Business Street", "Business City", "Categories", "Notes"],
    ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
    ["first_name", "last_name", "nickname", "emails", "phones", "websites", "tags", "birthday",
     "anniversary", "street", "city", "country"],
]  # fmt: skip
GENERIC_HEADERS = [
    "Name", "E-mail", "Phone", "Vorname", "Nachname", "Geburtstag", "Tags", "Company", "", "",
    "Notes", "Notes", "=cmd()", "Handy", "Website", "x" * 80, "Street", "PLZ",
]  # fmt: skip
CELLS = [
    "Maja", "Berg", "maja@berg.example", "+1 415 555 0100", "4/12/1984", "31/1/1990",
    "12.04.1984", "--0412", "=HYPERLINK(\"http://evil.example\",\"click\")", "+SUM(A1:A2)",
    "-2+3", "@cmd", "'=1+1", "\t=1", '"', '""', '"a,b"', '"open', "a\nb", "a\r\nb", ";", ",",
    "\t", "* myContacts ::: Friends", "a ::: b", "", " ", "é", "\ufeff",
]  # fmt: skip


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, bytes, bool]:
    """(name, data, whether to give a mapping at once) of a CSV that is nearly right."""
    header = draw(
        st.one_of(
            # Known exporters' headers twice as often: their rows are read without a mapping.
            st.sampled_from(KNOWN_HEADERS),
            st.sampled_from(KNOWN_HEADERS),
            st.lists(st.sampled_from(GENERIC_HEADERS) | words, min_size=1, max_size=8),
        )
    )
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    cell = st.sampled_from(CELLS) | words
    rows = draw(
        st.lists(
            st.lists(cell, min_size=max(len(header) - 2, 0), max_size=len(header) + 2),
            min_size=1,
            max_size=8,
        )
    )
    newline = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    lines = [delimiter.join(_quoted(c, delimiter, draw(st.booleans())) for c in row)
             for row in [header, *rows]]  # fmt: skip
    if draw(st.integers(0, 3)) == 0:
        lines.insert(0, draw(words))  # LinkedIn's "Notes:" lines, or any junk before the header
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])), "replace")
    if draw(st.integers(0, 3)) == 0:
        data = data[: len(data) * draw(st.integers(1, 99)) // 100]
    return draw(st.sampled_from(["contacts.csv", "x.CSV", "x.txt"])), data, draw(st.booleans())


def _quoted(cell: str, delimiter: str, quote: bool) -> str:
    """A cell as a CSV writer would write it, or (sometimes) as a careless one would."""
    if quote or delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"' if quote else cell
    return cell


# --- The properties -------------------------------------------------------------------------------


class ImportFuzzTests(TestCase, GoodwillTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.workspace.country = "US"
        cls.workspace.save()
        # Someone every fuzzed file may name again: a likely duplicate to merge into.
        services.contact_create(
            cls.workspace,
            actor=cls.owner,
            first_name="Maja",
            last_name="Berg",
            emails=[Labelled("", "maja@berg.example")],
            phones=[Labelled("", "+14155550100")],
            tags=["Friends"],
        )

    def prepare(self, name: str, data: bytes, mapping: dict[str, str] | None = None) -> Any:
        """import_prepare, or None when it refused the file: then with a message for people,
        and without a trace in the database."""
        before = snapshot()
        try:
            return imports.import_prepare(
                self.workspace, actor=self.owner, filename=name, data=data, mapping=mapping
            )
        except ValidationError as error:
            refusal = error.messages
        assert refusal
        assert all(message.strip() for message in refusal)
        assert snapshot() == before
        event(f"refused: {refusal[0][:50]}")
        return None

    def complete(self, imported: ContactImport, choice: str, *, export: bool = False) -> None:
        """Map (if needed), choose, confirm and undo: each step completes or changes nothing.
        With *export*, the people imported are exported as CSV before the undo: no cell may
        reach a spreadsheet as a formula (=HYPERLINK(…) in a name)."""
        data_before = snapshot(bookkeeping=False)
        if not imported.total:
            columns = imported.preview["columns"]
            mapping = csv_suggested_mapping(bytes(imported.data)) or {columns[0]: "name"}
            try:
                imports.import_map(imported, mapping)
            except ValidationError as error:
                refusal = error.messages
            else:
                refusal = []
            if refusal:
                assert all(message.strip() for message in refusal)
                assert snapshot(bookkeeping=False) == data_before
                return
        for card in cards_unpack(bytes(imported.cards)):
            if card is not None:
                assert_storable(card)
        imports.import_choose(imported, default=choice)
        done = imports.import_confirm(imported, actor=self.owner, at_once=True)
        assert done.status == ImportStatus.DONE, done.error
        event(f"imported {'none' if not done.created + done.merged else 'some'}")
        if export:
            people = scoped(Contact, self.workspace).order_by("pk")
            text = "".join(contacts_export(self.workspace, people, format="csv"))
            for row in csv.reader(io.StringIO(text, newline="")):
                assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)], row
        assert snapshot(bookkeeping=False)["people.Contact"] == (
            data_before["people.Contact"] + done.created
        )
        imports.import_undo(done, actor=self.owner)
        assert snapshot(bookkeeping=False) == data_before

    @FUZZ
    @given(st.binary(max_size=3000), st.sampled_from(["a.vcf", "a.csv", "a"]))
    def test_random_bytes_are_refused_or_imported(self, data, name):
        if imported := self.prepare(name, data):
            self.complete(imported, "keep")

    @FUZZ
    @given(st.text(max_size=2000), st.sampled_from(["a.vcf", "a.csv", "a"]))
    def test_random_text_is_refused_or_imported(self, text, name):
        if imported := self.prepare(name, text.encode()):
            self.complete(imported, "keep")

    @settings(FUZZ, max_examples=60)
    @given(vcard_files(), st.sampled_from(["merge", "keep", "skip"]))
    def test_nearly_valid_vcards_are_refused_or_imported(self, file, choice):
        if imported := self.prepare(*file):
            self.complete(imported, choice)

    @settings(FUZZ, max_examples=90)
    @given(csv_files(), st.sampled_from(["merge", "keep", "skip"]))
    def test_nearly_valid_csv_files_are_refused_or_imported(self, file, choice):
        name, data, map_at_once = file
        mapping = None
        if map_at_once:
            # As the API takes a mapping with the upload: the columns its header suggests.
            try:
                mapping = csv_suggested_mapping(data) or None
            except Unreadable:  # prepare says why
                mapping = None
        if imported := self.prepare(name, data, mapping):
            self.complete(imported, choice, export=True)

    @settings(FUZZ, max_examples=3)
    @given(st.sampled_from(["TEL:+1415555{:04d}", "EMAIL:p{}@hale.example", "CATEGORIES:t{}"]),
           st.integers(500, 1000))  # fmt: skip
    def test_a_card_with_thousands_of_properties_is_imported(self, line, count):
        lines = "\r\n".join(line.format(n % 10000) for n in range(count))
        data = f"BEGIN:VCARD\r\nFN:Many\r\n{lines}\r\nEND:VCARD\r\n".encode()
        imported = self.prepare("many.vcf", data)
        assert imported is not None
        self.complete(imported, "keep")

    @settings(FUZZ, max_examples=15)
    @given(st.integers(5, 40), st.data())
    def test_a_failing_batch_takes_back_every_batch_before_it(self, count, data):
        """However far an import got, a failure leaves the workspaces' data as it was."""
        file = (
            "".join(
                f"BEGIN:VCARD\r\nN:Fuzz;P{n}\r\nEMAIL:p{n}@hale.example\r\nCATEGORIES:Fuzz,F{n}\r\n"
                f"ORG:Org {n % 3}\r\nTEL:+1415555{n:04d}\r\nBDAY:--0412\r\nNOTE:n\r\nEND:VCARD\r\n"
                for n in range(count)
            ).encode()
            + b"BEGIN:VCARD\r\nN:Berg;Maja\r\nEMAIL:maja@berg.example\r\nEND:VCARD\r\n"
        )
        batch = data.draw(st.integers(1, 7), label="batch")
        fail_at = data.draw(st.integers(1, count // batch + 1), label="fail_at")
        data_before = snapshot(bookkeeping=False)
        imported = imports.import_prepare(
            self.workspace, actor=self.owner, filename="f.vcf", data=file
        )
        imports.import_choose(imported, default=data.draw(st.sampled_from(["merge", "keep"])))
        calls = 0
        write = CardWriter.write

        def failing(writer: CardWriter, cards: list[Card]) -> list[int]:
            nonlocal calls
            calls += 1
            if calls == fail_at:
                raise RuntimeError("disk full")
            return write(writer, cards)

        with (
            mock.patch.object(imports, "BATCH", batch),
            mock.patch.object(CardWriter, "write", failing),
        ):
            done = imports.import_confirm(imported, actor=self.owner, at_once=True)
        assert done.status == ImportStatus.FAILED
        assert done.error == "disk full"
        assert snapshot(bookkeeping=False) == data_before


class ImportSizeTests(GoodwillTestCase):
    def test_a_10_mb_vcard_file_is_read_and_imported(self):
        # 4,000 cards of 2.6 KB (a long note each, as photos make real files large).
        note = "Met at the spring fair; " * 100
        cards = [
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Person;Big{n}\r\nFN:Big{n} Person\r\n"
            f"EMAIL;TYPE=WORK:big{n}@size.example\r\nTEL;TYPE=CELL:+1 415 555 {n % 10000:04d}\r\n"
            f"NOTE:{note}\r\nEND:VCARD\r\n"
            for n in range(4000)
        ]
        data = "".join(cards).encode()
        data += b"BEGIN:VCARD\r\nFN:Padding\r\nNOTE:" + b"x" * (10_000_000 - len(data)) + b"\r\n"
        data += b"END:VCARD\r\n"
        assert 10_000_000 < len(data) < MAX_BYTES
        imported = imports.import_prepare(
            self.workspace, actor=self.owner, filename="big.vcf", data=data
        )
        assert (imported.total, imported.preview["refused"]) == (4001, 0)
        done = imports.import_confirm(imported, actor=self.owner, at_once=True)
        assert (done.status, done.created) == (ImportStatus.DONE, 4001)
        assert Contact.objects.filter(workspace=self.workspace).count() == 4001

    def test_a_file_over_the_limit_is_refused_with_the_limit_named(self):
        data = b"BEGIN:VCARD\r\nFN:Too Big\r\nNOTE:" + b"x" * MAX_BYTES + b"\r\nEND:VCARD\r\n"
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "The file is larger than 50 MB; split it."):
            imports.import_prepare(self.workspace, actor=self.owner, filename="x.vcf", data=data)
        # The upload page reads at most one byte over the limit, and says the same.
        client = self.login(self.owner)
        upload = SimpleUploadedFile("x.vcf", data, content_type="text/vcard")
        response = client.post("/people/import/", {"file": upload, "kind": "client"})
        assert response.status_code == 400
        assert "The file is larger than 50 MB; split it." in response.content.decode()
        assert snapshot() == before


class ImportRegressionTests(GoodwillTestCase):
    """Files the fuzzers found: each broke an import before it was fixed."""

    def setUp(self) -> None:
        self.workspace.country = "US"
        self.workspace.save()

    def import_file(self, data: bytes, choice: str = "keep") -> ContactImport:
        imported = imports.import_prepare(
            self.workspace, actor=self.owner, filename="f.vcf", data=data
        )
        imports.import_choose(imported, default=choice)
        return imports.import_confirm(imported, actor=self.owner, at_once=True)

    def test_undo_removes_the_organisations_and_tags_the_import_created(self):
        services.contact_create(
            self.workspace,
            actor=self.owner,
            first_name="Maja",
            last_name="Berg",
            organization="Berg AB",
            emails=[Labelled("", "maja@berg.example")],
            tags=["Friends"],
        )
        before = snapshot(bookkeeping=False)
        done = self.import_file(
            b"BEGIN:VCARD\r\nN:Hale;Tom\r\nORG:Hale Co\r\nCATEGORIES:Friends,Fair 2024\r\n"
            b"END:VCARD\r\nBEGIN:VCARD\r\nN:Berg;Maja\r\nEMAIL:maja@berg.example\r\n"
            b"CATEGORIES:Suppliers\r\nEND:VCARD\r\n",
            choice="merge",
        )
        tags = set(Tag.objects.filter(workspace=self.workspace).values_list("name", flat=True))
        assert tags == {"Friends", "Fair 2024", "Suppliers"}
        imports.import_undo(done, actor=self.owner)
        # They stayed behind, unused, in the workspace's lists of tags and organisations.
        assert snapshot(bookkeeping=False) == before
        assert [t.name for t in Tag.objects.filter(workspace=self.workspace)] == ["Friends"]

    def test_undo_keeps_a_created_tag_someone_has_since_used(self):
        done = self.import_file(b"BEGIN:VCARD\r\nFN:Tom Hale\r\nCATEGORIES:Fair\r\nEND:VCARD\r\n")
        services.contact_create(self.workspace, actor=self.owner, first_name="Ava", tags=["Fair"])
        imports.import_undo(done, actor=self.owner)
        assert [t.name for t in Tag.objects.filter(workspace=self.workspace)] == ["Fair"]

    def test_an_address_longer_than_its_column_is_left_out_with_a_warning(self):
        # Valid to Django's validator (320 characters at most) but not to the 254-character
        # column: PostgreSQL refused the write and the whole import failed.
        long = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".example"
        assert 254 < len(long) <= 320
        data = f"BEGIN:VCARD\r\nFN:Long Mail\r\nEMAIL:{long}\r\nEND:VCARD\r\n".encode()
        imported = imports.import_prepare(
            self.workspace, actor=self.owner, filename="l.vcf", data=data
        )
        [card] = cards_unpack(bytes(imported.cards))
        assert card is not None
        assert card.emails == []
        assert any("is not an e-mail address" in p[1] for p in imported.preview["problems"])

    def test_a_vcard_whose_first_line_is_indented_is_read(self):
        # is_vcard() took it for a vCard, but its BEGIN:VCARD went unseen: "holds no vCard".
        done = self.import_file(b"\xef\xbb\xbf\r\n  BEGIN:VCARD\r\nFN:Tom Hale\r\nEND:VCARD\r\n")
        assert done.created == 1

    def test_nul_characters_are_refused_up_front_and_dropped_further_on(self):
        padding = "".join(f"BEGIN:VCARD\r\nFN:Pad {n}\r\nEND:VCARD\r\n" for n in range(200))
        late = f"{padding}BEGIN:VCARD\r\nFN:Tom\x00 Hale\r\nNOTE:a\x00b\r\nEND:VCARD\r\n"
        done = self.import_file(late.encode())
        tom = Contact.objects.get(workspace=self.workspace, first_name="Tom")
        assert (done.created, tom.last_name) == (201, "Hale")
        with self.assertRaisesMessage(ValidationError, "This file is not text"):
            self.import_file(b"BEGIN:VCARD\r\nFN:Tom\x00 Hale\r\nEND:VCARD\r\n")
