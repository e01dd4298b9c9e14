"""The vCard and CSV readers, against a corpus of files shaped like each exporter's
(goodwill/people/tests/cards/), and a few values and files made here."""

import base64
import dataclasses
from pathlib import Path

import pytest

from goodwill.people import card_reading
from goodwill.people.card_reading import (
    CARD_FIELDS,
    Problem,
    Unreadable,
    csv_columns,
    csv_needs_mapping,
    csv_suggested_mapping,
    date_of,
    read_csv,
    read_file,
    read_vcards,
    split_name,
)
from goodwill.people.cards import Card
from goodwill.people.dates import PartialDate
from goodwill.people.services import AddressInput, Labelled

CORPUS = Path(__file__).parent / "cards"
PNG = (CORPUS / "image.png").read_bytes()
# A JFIF header and end marker: what the corpus's JPEG photos hold (534 bytes).
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
JPEG += bytes(range(256)) * 2 + b"\xff\xd9"


def read(name: str, **kwargs):
    return read_file(name, (CORPUS / name).read_bytes(), **kwargs)


def without_photo(card: Card) -> Card:
    return dataclasses.replace(card, photo=b"", photo_type="")


def skipped(line: int, reason: str) -> Problem:
    return Problem(line, reason, skipped=True)


def left_out(line: int, reason: str) -> Problem:
    return Problem(line, reason, skipped=False)


def date(text: str) -> PartialDate:
    return PartialDate.parse(text)


# --- vCards ---------------------------------------------------------------------------------------


def test_it_reads_apple_contacts():
    reading = read("apple.vcf")
    assert reading.format == "vCard"
    assert reading.problems == []
    johnny, company, anna = reading.cards
    assert johnny.photo == JPEG
    assert johnny.photo_type == "image/jpeg"
    assert without_photo(johnny) == Card(
        first_name="Johnny",
        last_name="Appleseed",
        nickname="Johnny",
        organization="Apple Orchards Inc.",
        role="Orchardist",
        emails=[
            Labelled("home", "johnny@example.com"),
            Labelled("work", "johnny@orchards.example"),
            # item1.X-ABLabel: a label the person typed.
            Labelled("University", "j.appleseed@uni.example"),
        ],
        phones=[
            Labelled("mobile", "(408) 555-0100"),
            Labelled("home", "+1 408 555 0101"),
            Labelled("other", "+1 408 555 0102"),
            Labelled("fax", "+1 408 555 0103"),
        ],
        links=[
            Labelled("website", "https://orchards.example"),
            Labelled("linkedin", "https://www.linkedin.com/in/johnnyappleseed"),
        ],
        addresses=[
            AddressInput(
                "home", "1 Orchard Lane, Barn 2", "Cupertino", "CA", "95014", "United States"
            )
        ],
        # X-APPLE-OMIT-YEAR=1604: no year.
        birthday=date("--09-26"),
        anniversary=date("2001-06-19"),
        tags=["Friends", "Orchards"],
        note="Plants apple trees, everywhere.\nAsk about cider.",
        uid="4BDEAB1B-8E4C-4B3C-9C34-1F2E3D4C5B6A",
        line=1,
    )
    # A company's card (X-ABShowAs:COMPANY) has no person's name: the import decides.
    assert company == Card(
        organization="Acme Cider Co.", phones=[Labelled("work", "+1 408 555 0199")], line=41
    )
    # The prefix (Dr.) is dropped, the middle name kept; a date labelled "first met" is no
    # anniversary.
    assert anna == Card(
        first_name="Anna Maria",
        last_name="Kowalski",
        phones=[Labelled("Studio", "+48 22 555 01 00")],
        birthday=date("1984-04-12"),
        line=50,
    )


def test_it_reads_google_contacts():
    reading = read("google.vcf")
    ada, charles = reading.cards
    assert ada == Card(
        first_name="Ada",
        last_name="Lovelace",
        nickname="Countess",
        organization="Analytical Engines Ltd.",
        role="Mathematician",
        # ADA@example.com is the same address again.
        emails=[Labelled("home", "ada@example.com"), Labelled("work", "ada@engines.example")],
        phones=[Labelled("mobile", "+44 20 7946 0000"), Labelled("Studio", "+44 20 7946 0001")],
        links=[Labelled("PROFILE", "https://ada.example.com/about")],
        addresses=[
            AddressInput("home", "12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom")
        ],
        birthday=date("1815-12-10"),
        # Google's myContacts and starred are not tags.
        tags=["Friends"],
        note="First programmer.\nLoves poetry.",
        line=1,
    )
    assert charles == Card(
        first_name="Charles",
        last_name="Babbage",
        emails=[Labelled("", "charles@engines.example")],
        phones=[Labelled("fax", "+44 20 7946 0002")],
        birthday=date("--12-26"),
        anniversary=date("1814-07-02"),
        line=22,
    )
    assert reading.problems == [
        left_out(
            1,
            "The photo is a link (https://lh3.googleusercontent.com/conta…), not a picture; "
            "left out.",
        )
    ]


def test_it_reads_outlook_quoted_printable_in_windows_1252():
    reading = read("outlook.vcf")
    juergen, jane = reading.cards
    assert juergen == Card(
        first_name="Jürgen",
        last_name="Müller",
        organization="Fabrik GmbH",
        role="Geschäftsführer",
        emails=[Labelled("", "juergen@fabrik.example")],
        phones=[
            Labelled("work", "+49 30 1234567"),
            Labelled("mobile", "0171 2345678"),
            Labelled("fax", "+49 30 1234568"),
        ],
        links=[Labelled("work", "http://www.fabrik.example/")],
        addresses=[AddressInput("work", "Hauptstraße 5", "Berlin", "", "10115", "Deutschland")],
        birthday=date("1970-01-31"),
        anniversary=date("1999-06-19"),
        # =0D=0A is a line break, =96 an en dash in Windows-1252, "=" a soft line break.
        note="Met at the trade fair in Hannover.\nLikes coffee \N{EN DASH} black, no sugar.",
        line=1,
    )
    # Outlook indents the lines of a photo by two spaces and ends it with an empty line.
    assert (jane.first_name, jane.photo, jane.photo_type) == ("Jane", JPEG, "image/jpeg")
    assert jane.line == 22
    assert reading.problems == []


def test_it_reads_thunderbird_old_and_new():
    reading = read("thunderbird.vcf")
    grace, alan = reading.cards
    # Old Thunderbird writes lower-case names and VERSION last.
    assert grace == Card(
        first_name="Grace",
        last_name="Hopper",
        organization="US Navy",
        role="Rear Admiral",
        emails=[Labelled("", "grace@navy.example")],
        phones=[Labelled("work", "+1 703 555 0100"), Labelled("mobile", "+1 703 555 0101")],
        links=[Labelled("", "https://navy.example/hopper")],
        addresses=[AddressInput("", "1 Navy Way", "Arlington", "VA", "22202", "USA")],
        note="Invented the compiler.",
        line=1,
    )
    assert alan == Card(
        first_name="Alan Mathison",
        last_name="Turing",
        emails=[
            Labelled("", "alan@bletchley.example"),
            Labelled("work", "a.turing@manchester.example"),
        ],
        phones=[Labelled("mobile", "+44 161 555 0100")],
        birthday=date("1912-06-23"),
        anniversary=date("--09-11"),
        tags=["Science", "Friends"],
        note="Enigma.\nMorphogenesis.",
        uid="6f1c1b5e-9c8a-4f3e-8d2b-7a6c5e4d3b2a",
        line=16,
    )


def test_it_reads_android_quoted_printable_with_soft_line_breaks():
    reading = read("android.vcf")
    juergen, marco = reading.cards
    assert (juergen.photo, juergen.photo_type) == (JPEG, "image/jpeg")
    assert without_photo(juergen) == Card(
        first_name="Jürgen",
        last_name="Müller",
        # X-ANDROID-CUSTOM: the nickname, and an event of type 1 (an anniversary).
        nickname="Jogi",
        emails=[Labelled("home", "juergen@example.de")],
        # +49 151 1234 5678 is the mobile number again; TEL;X-Studio is a custom label.
        phones=[
            Labelled("mobile", "+49 151 12345678"),
            Labelled("home", "030 1234567"),
            Labelled("Studio", "030 7654321"),
        ],
        addresses=[AddressInput("home", "Hauptstraße 1", "Berlin", "", "10115", "Deutschland")],
        birthday=date("1980-01-31"),
        anniversary=date("2008-05-17"),
        note="Trifft sich gern zum Kaffee. Mag lange Spaziergänge am Wochenende.\n"
        "— Seit 2008 befreundet.",
        line=1,
    )
    assert marco == Card(
        first_name="Marco",
        last_name="Rossi",
        organization="Trattoria Roma",
        role="Chef",
        phones=[Labelled("work", "+39 06 555 0100")],
        line=29,
    )
    assert reading.problems == [
        left_out(29, "“marco at trattoria” is not an e-mail address; left out.")
    ]


def test_it_reads_monica_vcard_4():
    reading = read("monica.vcf")
    marie, pierre = reading.cards
    assert (marie.photo, marie.photo_type) == (PNG, "image/png")
    assert without_photo(marie) == Card(
        first_name="Marie Salomea",
        last_name="Curie",
        nickname="Manya",
        emails=[Labelled("work", "marie@radium.example")],
        # TYPE="cell,voice": a quoted parameter, read by vobject.
        phones=[Labelled("mobile", "+33 6 12 34 56 78")],
        links=[Labelled("", "https://radium.example")],
        addresses=[AddressInput("home", "36 Quai de Béthune", "Paris", "", "75004", "France")],
        birthday=date("--11-07"),
        tags=["science", "family friend"],
        uid="2ba5e7c4-4f3b-4d3b-9c3e-8a1f2d3c4b5a",
        line=1,
    )
    assert pierre == Card(
        first_name="Pierre", last_name="Curie", uid="9d1e2f3a-0b1c-4d5e-8f90-a1b2c3d4e5f6", line=19
    )
    assert reading.problems == [
        left_out(19, "The birthday “circa 1859” is not a date; left out."),
        left_out(19, "The anniversary “19841301” is not a date; left out."),
        left_out(19, "The photo is not a JPEG, PNG or GIF picture; left out."),
    ]


def test_it_reads_goodwills_own_export():
    reading = read("goodwill.vcf")
    assert reading.problems == []
    assert reading.cards == [
        Card(
            first_name="Ada",
            last_name="Lovelace",
            nickname="Countess",
            organization="Analytical Engines, Ltd.",
            role="Mathematician",
            emails=[Labelled("work", "ada@example.com"), Labelled("home", "ada.home@example.org")],
            # TEL;VALUE=uri:tel:+44…
            phones=[Labelled("mobile", "+442079460000"), Labelled("home", "+442079460001")],
            links=[Labelled("", "https://ada.example.com")],
            addresses=[
                AddressInput(
                    "home", "12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom"
                )
            ],
            birthday=date("1815-12-10"),
            anniversary=date("--07-08"),
            tags=["Friends", "Science; maths"],
            note='Interest: Poetry, "poetical science"\nWork: First program; Note G',
            line=1,
        ),
        Card(first_name="Bo", birthday=date("--04-12"), line=22),
    ]


def test_it_reads_an_undeclared_latin_1_file():
    (card,) = read("latin1.vcf").cards
    assert (card.first_name, card.last_name) == ("Zoë", "Ångström")
    assert (card.organization, card.note) == ("Café Müller", "Prefers crème brûlée.")


def test_it_reads_utf_16_with_a_bom():
    reading = read("utf16.vcf")
    assert [(card.first_name, card.last_name, card.line) for card in reading.cards] == [
        ("Łukasz", "Żółć", 1),
        ("Søren", "Jensen", 7),
    ]
    assert reading.cards[0].emails == [Labelled("", "lukasz@example.pl")]


def test_it_unfolds_lines_and_counts_them_as_written():
    # The file must keep its Windows line ends (a checkout that converts them loses the point).
    assert (CORPUS / "crlf-folded.vcf").read_bytes().count(b"\r\n") == 26
    reading = read("crlf-folded.vcf")
    hedy, george, last = reading.cards
    assert (hedy.first_name, hedy.last_name) == ("Hedwig Eva Maria", "Lamarr")
    assert hedy.emails == [Labelled("", "hedy.lamarr@frequency-hopping-spread-spectrum.example")]
    assert hedy.note == (
        "Actress and inventor. Co-invented frequency hopping with George Antheil in 1941; "
        "the patent was filed in 1942.\nHer birthday is 9 November and she liked chess."
    )
    # Unfolding takes out the one space that starts the next line (RFC 6350).
    assert george.phones == [Labelled("work", "+1 310 5550100")]
    assert (george.line, last.line) == (12, 23)
    assert reading.problems == [
        left_out(12, "Line 15 is not a vCard property; left out."),
        skipped(20, "This card has no END:VCARD (the file may be cut short); skipped."),
    ]


def test_it_reads_the_complete_cards_of_a_truncated_file():
    reading = read("truncated.vcf")
    assert [card.emails for card in reading.cards] == [
        [Labelled("", "first@example.com")],
        [Labelled("", "second@example.com")],
    ]
    assert reading.problems == [
        skipped(11, "This card has no END:VCARD (the file may be cut short); skipped.")
    ]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.vcf", "The file is empty."),
        ("image.png", "This is a PNG image, not a vCard or CSV file."),
        (
            "not-a-vcard.txt",
            "This file is neither a vCard nor a CSV file with a header row "
            "(export your contacts as vCard or CSV).",
        ),
    ],
)
def test_it_refuses_what_is_no_address_book(name, reason):
    with pytest.raises(Unreadable) as error:
        read(name)
    assert str(error.value) == reason


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cards.vcf", b"Hello, world\nfoo, bar\n", "does not start with BEGIN:VCARD"),
        ("export.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "This is a PDF document"),
        ("contacts.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "save it as CSV first"),
        ("x.csv", b"   \r\n\r\n", "The file is empty."),
        ("x.csv", b"a,b\x00\x01\x02,c\n1,2,3\n", "This file is not text"),
        ("x.csv", b"one column\nonly\n", "neither a vCard nor a CSV"),
    ],
)
def test_it_refuses_other_files_with_a_reason(name, data, reason):
    with pytest.raises(Unreadable, match=reason):
        read_file(name, data)


def test_it_refuses_a_file_over_the_limit(monkeypatch):
    monkeypatch.setattr(card_reading, "MAX_BYTES", 1000)
    with pytest.raises(Unreadable, match="larger than"):
        read_file("big.vcf", b"BEGIN:VCARD\n" + b"x" * 1000)


def test_it_reads_a_single_card_for_carddav():
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:abc-1\r\nFN:Ann Lee\r\nEND:VCARD\r\n"
    reading = read_vcards(data)
    assert reading.cards == [Card(first_name="Ann", last_name="Lee", uid="abc-1", line=1)]
    with pytest.raises(Unreadable, match="not a vCard"):
        read_vcards((CORPUS / "linkedin.csv").read_bytes())


def vcard(*lines: str) -> bytes:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""]).encode()


def test_it_checks_photos():
    big = base64.b64encode(b"\xff\xd8\xff" + bytes(1024 * 1024)).decode()
    gif = base64.b64encode(b"GIF89a" + bytes(20)).decode()
    reading = read_vcards(
        vcard("FN:Big", f"PHOTO;ENCODING=b;TYPE=JPEG:{big}")
        + vcard("FN:Gif", f"PHOTO;ENCODING=b;TYPE=GIF:{gif}")
        + vcard("FN:Link", "PHOTO;VALUE=uri:https://example.com/me.jpg")
        + vcard("FN:Plain", "PHOTO:data:image/jpeg,abc")
    )
    assert [card.photo_type for card in reading.cards] == ["", "image/gif", "", ""]
    assert reading.problems == [
        left_out(1, "The photo is larger than 1 MB; left out."),
        left_out(11, "The photo is a link (https://example.com/me.jpg), not a picture; left out."),
        left_out(16, "The photo is not in base64; left out."),
    ]


def test_it_splits_fn_when_n_is_empty_and_prefers_title_over_role():
    reading = read_vcards(
        vcard("N:;;;;", "FN:Lovelace, Ada", "ROLE:Countess", "TITLE:Mathematician")
        + vcard("FN:Cher", "ROLE:Singer")
    )
    assert [(c.first_name, c.last_name, c.role) for c in reading.cards] == [
        ("Ada", "Lovelace", "Mathematician"),
        ("Cher", "", "Singer"),
    ]


def test_it_reads_escapes_and_lists():
    (card,) = read_vcards(
        vcard(
            r"N:O\;Brien;Mary,Kate;;;",
            r"ORG:Smith\, Jones & Co;Sales",
            r"CATEGORIES:Golf,Book club\, Tuesdays, ,Golf",
            r"NICKNAME:Mo,Molly",
            r"NOTE:Line one\nLine two\\n",
        )
    ).cards
    assert (card.first_name, card.last_name) == ("Mary Kate", "O;Brien")
    assert card.organization == "Smith, Jones & Co"
    assert card.tags == ["Golf", "Book club, Tuesdays"]
    assert card.nickname == "Mo"
    assert card.note == "Line one\nLine two\\n"


# --- CSV ------------------------------------------------------------------------------------------


def test_it_reads_google_csv():
    reading = read("google.csv")
    assert reading.format == "Google Contacts CSV"
    assert reading.problems == []
    ada, charles, company = reading.cards
    assert ada == Card(
        first_name="Ada",
        last_name="Lovelace",
        nickname="Countess",
        organization="Analytical Engines Ltd.",
        role="Mathematician",
        # " ::: " joins two addresses under one label; "* " marks the primary one.
        emails=[
            Labelled("home", "ada@example.com"),
            Labelled("home", "ada.lovelace@example.org"),
            Labelled("work", "ada@engines.example"),
        ],
        phones=[Labelled("mobile", "+44 20 7946 0000"), Labelled("fax", "+44 20 7946 0003")],
        links=[Labelled("Profile", "https://ada.example.com")],
        addresses=[
            AddressInput("home", "12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom")
        ],
        birthday=date("1815-12-10"),
        anniversary=date("1835-07-08"),
        tags=["Friends"],
        note="First programmer.\nLoves poetry.",
        line=2,
    )
    # Quoted line breaks in Ada's row: Charles starts on line 6.
    assert charles == Card(
        first_name="Charles",
        last_name="Babbage Jr.",
        emails=[Labelled("", "charles@engines.example")],
        phones=[Labelled("Studio", "+44 20 7946 0002")],
        # Only the formatted address: kept whole.
        addresses=[AddressInput("work", "Dorset Street 1, London")],
        birthday=date("--12-26"),
        line=6,
    )
    assert company == Card(
        organization="Difference Engines plc",
        emails=[Labelled("work", "info@engines.example")],
        phones=[Labelled("main", "+44 20 7946 0009")],
        line=8,
    )


def test_it_reads_the_older_google_csv():
    reading = read("google-old.csv")
    assert reading.format == "Google Contacts CSV"
    grace, walter = reading.cards
    assert grace == Card(
        first_name="Grace Brewster",
        last_name="Hopper",
        organization="US Navy",
        role="Rear Admiral",
        emails=[Labelled("work", "grace@navy.example"), Labelled("home", "grace@home.example")],
        phones=[Labelled("mobile", "+1 703 555 0101")],
        links=[Labelled("Blog", "https://grace.example")],
        addresses=[AddressInput("work", "1 Navy Way", "Arlington", "VA", "22202", "USA")],
        birthday=date("1906-12-09"),
        # "* My Contacts" is Google's; "* Friends" was a group people chose.
        tags=["Friends", "Navy"],
        note="Admiral.",
        line=2,
    )
    # No given nor family name: the full name, "Last, First", is split.
    assert walter == Card(
        first_name="Walter",
        last_name="Hopper",
        emails=[Labelled("other", "walter@example.com")],
        line=3,
    )


def test_it_reads_outlook_csv():
    reading = read("outlook.csv")
    assert reading.format == "Outlook CSV"
    assert reading.problems == []
    juergen, jane = reading.cards
    # Windows-1252 without a BOM, as Outlook writes it; 0/0/00 is no date.
    assert juergen == Card(
        first_name="Jürgen",
        last_name="Müller",
        organization="Fabrik GmbH",
        role="Geschäftsführer",
        emails=[Labelled("", "juergen@fabrik.example")],
        phones=[
            Labelled("fax", "+49 30 1234568"),
            Labelled("work", "+49 30 1234567"),
            Labelled("mobile", "0171 2345678"),
        ],
        links=[Labelled("", "http://www.fabrik.example/")],
        addresses=[
            AddressInput("work", "Hauptstraße 5, Hinterhaus", "Berlin", "", "10115", "Germany")
        ],
        birthday=date("1970-01-31"),
        tags=["Suppliers", "Golf"],
        note="Met at the trade fair.\nLikes coffee \N{EN DASH} black.",
        line=2,
    )
    assert jane == Card(
        first_name="Jane Q.",
        last_name="Smith",
        emails=[Labelled("", "jane@example.com"), Labelled("", "jane.smith@work.example")],
        phones=[Labelled("home", "(217) 555-0100"), Labelled("other", "(217) 555-0199")],
        addresses=[
            AddressInput(
                "home", "12 Elm Street", "Springfield", "IL", "62701", "United States of America"
            )
        ],
        birthday=date("1984-04-12"),
        anniversary=date("1999-06-19"),
        line=4,
    )


def test_it_reads_outlook_dates_day_first_when_the_file_does():
    header = '"First Name","Last Name","E-mail Address","Birthday"\r\n'
    rows = '"Ann","Lee","ann@example.com","4/5/1984"\r\n"Bo","Ek","bo@example.com","31/1/1990"\r\n'
    reading = read_csv((header + rows).encode())
    assert [card.birthday for card in reading.cards] == [date("1984-05-04"), date("1990-01-31")]


def test_it_finds_the_header_of_linkedin_connections():
    data = (CORPUS / "linkedin.csv").read_bytes()
    reading = read_csv(data)
    assert reading.format == "LinkedIn CSV"
    assert csv_columns(data)[:3] == ["First Name", "Last Name", "URL"]
    assert not csv_needs_mapping(data)
    assert reading.cards == [
        Card(
            first_name="Satya",
            last_name="Example",
            organization="Contoso",
            role="Chief Executive Officer",
            emails=[Labelled("", "satya@example.com")],
            links=[Labelled("linkedin", "https://www.linkedin.com/in/satya-example")],
            line=5,
        ),
        Card(
            first_name="Reid",
            last_name="Sample",
            organization="Greylock, Inc.",
            role="Partner",
            links=[Labelled("linkedin", "https://www.linkedin.com/in/reidsample")],
            line=6,
        ),
    ]


def test_it_reads_goodwills_own_csv():
    reading = read("goodwill.csv")
    assert reading.format == "Goodwill CSV"
    assert reading.cards == [
        Card(
            first_name="Ada",
            last_name="Lovelace",
            nickname="Countess",
            organization="Analytical Engines, Ltd.",
            role="Mathematician",
            emails=[Labelled("", "ada@example.com"), Labelled("", "ada.home@example.org")],
            # The apostrophe the export put before "+" is dropped.
            phones=[Labelled("", "+442079460000"), Labelled("", "+442079460001")],
            links=[Labelled("", "https://ada.example.com")],
            addresses=[
                AddressInput("", "12 St James's Square", "London", "", "SW1Y 4JH", "United Kingdom")
            ],
            birthday=date("1815-12-10"),
            anniversary=date("--07-08"),
            tags=["Friends", "Science, maths"],
            line=2,
        ),
        Card(first_name='=HYPERLINK("x")', last_name="-Dash", birthday=date("--04-12"), line=4),
    ]


def test_it_reports_bad_rows_on_their_lines():
    reading = read("bad-rows.csv")
    assert [(card.first_name, card.line) for card in reading.cards] == [
        ("Good", 2),
        ("Bad", 4),
        ("Bad", 5),
        ("Last", 8),
    ]
    assert reading.cards[0].addresses == [AddressInput("", "1 Long Road, Flat 2", "Springfield")]
    assert reading.cards[3].birthday == date("--02-29")
    assert sorted(reading.problems, key=lambda problem: problem.line) == [
        left_out(4, "The birthday “1984-13-01” is not a date; left out."),
        left_out(5, "“not-an-email” is not an e-mail address; left out."),
        skipped(6, "This row has 9 cells but the header has 7; skipped."),
        skipped(
            9,
            "A quotation mark opened on this row is never closed, so this row and the rest of "
            "the file were not read; skipped.",
        ),
    ]


def test_it_reads_a_csv_that_needs_a_mapping():
    data = (CORPUS / "semicolon.csv").read_bytes()
    assert csv_needs_mapping(data)
    assert csv_columns(data) == [
        "Vorname",
        "Nachname",
        "E-Mail",
        "Telefon mobil",
        "Geburtstag",
        "Firma",
        "Notizen",
        "Intern",
    ]
    assert csv_suggested_mapping(data) == {
        "Vorname": "first_name",
        "Nachname": "last_name",
        "E-Mail": "email",
        "Telefon mobil": "phone",
        "Geburtstag": "birthday",
        "Firma": "organization",
        "Notizen": "note",
    }
    mapping = {"Vorname": "first_name", "Nachname": "last_name", "Telefon mobil": "phone"}
    mapping |= {"Geburtstag": "birthday", "Intern": "tags"}
    reading = read_file("semicolon.csv", data, mapping=mapping)
    assert reading.format == "CSV"
    assert reading.cards == [
        Card(
            first_name="Jürgen",
            last_name="Müller",
            # "mobil" in the header: the mobile label.
            phones=[Labelled("mobile", "0171 2345678")],
            birthday=date("1970-01-31"),
            tags=["x"],
            line=2,
        ),
        Card(
            first_name="Anna",
            last_name="Schmidt",
            phones=[Labelled("mobile", "+49 151 11111111")],
            birthday=date("--04-12"),
            line=3,
        ),
    ]


def test_it_maps_several_columns_to_one_field_and_splits_full_names():
    data = (
        b"Name\tWork email\tPrivate email\tTags\tGroups\n"
        b"Ada King Lovelace\tada@engines.example\tada@example.com; ADA@example.com\tA, B\tC\n"
    )
    mapping = {"Name": "name", "Work email": "email", "Private email": "email"}
    mapping |= {"Tags": "tags", "Groups": "tags"}
    (card,) = read_csv(data, mapping=mapping).cards
    assert (card.first_name, card.last_name) == ("Ada King", "Lovelace")
    assert card.emails == [
        Labelled("work", "ada@engines.example"),
        Labelled("home", "ada@example.com"),
    ]
    assert card.tags == ["A", "B", "C"]
    with pytest.raises(ValueError, match="Not card fields: shoe_size"):
        read_csv(data, mapping={"Name": "shoe_size"})


def test_it_offers_every_card_field_for_a_mapping():
    assert set(CARD_FIELDS) == {
        "first_name",
        "last_name",
        "name",
        "nickname",
        "organization",
        "role",
        "email",
        "phone",
        "website",
        "street",
        "city",
        "region",
        "postal_code",
        "country",
        "birthday",
        "anniversary",
        "tags",
        "note",
    }


# --- Big files and values -----------------------------------------------------------------------


def test_it_reads_a_10_mb_vcard_file():
    note = "A long note about the person. " * 180
    cards = (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Last{i};First{i};;;\r\nEMAIL:p{i}@example.com\r\n"
        f"NOTE:{note}\r\nEND:VCARD\r\n"
        for i in range(2000)
    )
    data = "".join(cards).encode()
    assert len(data) > 10 * 1024 * 1024
    reading = read_file("all.vcf", data)
    assert len(reading.cards) == 2000
    assert reading.cards[-1].emails == [Labelled("", "p1999@example.com")]
    assert reading.cards[-1].line == 1999 * 6 + 1


def test_it_reads_a_10_mb_csv_file():
    note = "A long note about the person. " * 180
    rows = (f'First{i},Last{i},p{i}@example.com,"{note}"\n' for i in range(2000))
    data = ("First Name,Last Name,E-mail Address,Notes\n" + "".join(rows)).encode()
    assert len(data) > 10 * 1024 * 1024
    reading = read_file("all.csv", data)
    assert reading.format == "Outlook CSV"
    assert len(reading.cards) == 2000
    assert reading.cards[-1].line == 2001


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19840412", "1984-04-12"),
        ("1984-04-12", "1984-04-12"),
        ("1984-04-12T00:00:00Z", "1984-04-12"),
        ("--0412", "--04-12"),
        ("--04-12", "--04-12"),
        ("4/12/1984", "1984-04-12"),
        ("12.04.1984", "1984-04-12"),
        ("12.04.", "--04-12"),
        ("1984/04/12", "1984-04-12"),
        ("12 Apr 1984", "1984-04-12"),
        ("April 12, 1984", "1984-04-12"),
        ("12 April", "--04-12"),
        ("4/12/84", "1984-04-12"),
    ],
)
def test_it_reads_dates_as_exporters_write_them(text, expected):
    assert date_of(text) == date(expected)


@pytest.mark.parametrize("text", ["", "0/0/00", "1/1/4501", "0000-00-00"])
def test_it_reads_outlooks_no_date_as_none(text):
    assert date_of(text) is None


@pytest.mark.parametrize("text", ["1984-13-01", "1984-02-30", "circa 1800", "---12", "1984-04"])
def test_it_refuses_what_is_no_date(text):
    with pytest.raises(ValueError, match=r"not a date|There is no month|has no day"):
        date_of(text)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Ada Lovelace", ("Ada", "Lovelace")),
        ("  Ada   King  Lovelace ", ("Ada King", "Lovelace")),
        ("Lovelace, Ada", ("Ada", "Lovelace")),
        ("Cher", ("Cher", "")),
        ("", ("", "")),
    ],
)
def test_it_splits_full_names(full, expected):
    assert split_name(full) == expected


def test_it_reads_utf_16_without_a_bom_and_utf_8_with_one():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Ek\r\nEND:VCARD\r\n"
    for data in (text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode("utf-8-sig")):
        assert read_file("x.vcf", data).cards[0].first_name == "Zoë"
