"""Fuzzing the inbound e-mail parser (`goodwill smtpd` files what it receives with file_message):
whatever bytes arrive, filing never raises, and it writes either nothing or one whole message."""

import email.utils
from datetime import timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from goodwill.core.testing import GoodwillTestCase
from goodwill.messaging.inbound import file_message
from goodwill.messaging.models import InboundMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction, Participation

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NAMES = [
    "From", "To", "Cc", "Subject", "Date", "Message-ID", "Content-Type",
    "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version",
]  # fmt: skip
# Pieces of header values that have tripped mail parsers: open brackets and quotes, groups,
# encoded words with broken base64 or unknown charsets, RFC 2231 parameters, 8-bit bytes.
PIECES = [
    "<", ">", "<<", "<tom@hale.example>", "tom@hale.example", "dan@ortiz.example", '"',
    "\\", "(", ")", ",", ";", ":", "@", "group:", "=?utf-8?b?////?=", "=?utf-8?q?=E9=00?=",
    "=?x-bogus?q?x?=", "=?utf-8?b?", "multipart/mixed", "multipart/alternative", "text/plain",
    "text/html", "message/rfc822", "boundary=b", 'boundary="b"', "charset=utf-8",
    "charset=x-bogus", 'charset=""', "charset*=utf-8''%E9", "charset*=x''%ZZ", "base64",
    "quoted-printable", "8bit", "attachment", "Mon, 1 Jan 2024 09:00:00 +0000",
    "1 Jan 1850 00:00:00 +0000", "31 Dec 9999 23:59:59 -1200", "+9999", " ", "\t", "é", "\x00",
    "\udce9",
]  # fmt: skip
BODY_LINES = [
    "--b\n", "--b--\n", "\n", "hello\n", "=E9=\n", "PGI+aGk8L2I+\n", "<p onclick=x>hi</p>\n",
    "> From: Priya <priya@hale.example>\n", "Content-Type: text/plain; charset=x-bogus\n",
    "Content-Transfer-Encoding: base64\n", "Content-Type: multipart/mixed; boundary=c\n",
    "--c\n", "\x00\n", "\udcff\n",
]  # fmt: skip

values = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=8).map("".join)
headers = st.builds("{}: {}\n".format, st.sampled_from(NAMES), values)
body = st.lists(st.sampled_from(BODY_LINES) | headers, max_size=20).map("".join)
# From a known sender (so that the message gets as far as being filed) or from anyone.
senders = st.sampled_from(["From: tom@hale.example\n", "From: Tom Hale <tom@hale.example>\n", ""])
messages = st.builds(
    lambda sender, head, text, newline: (
        (sender + head + "\n" + text)
        .replace("\n", newline)
        .encode("utf-8", errors="surrogateescape")
    ),
    senders,
    st.lists(headers, max_size=12).map("".join),
    body,
    st.sampled_from(["\n", "\r\n"]),
)
# Many parts inside each other, or a header far longer than any mail client writes.
nested = st.integers(1, 60).map(
    lambda depth: (
        "From: tom@hale.example\n"
        + "".join(f"Content-Type: multipart/mixed; boundary=b{n}\n\n--b{n}\n" for n in range(depth))
        + "Content-Type: text/plain\n\ndeep\n"
    ).encode()
)
huge = st.builds(
    lambda name, size: f"From: tom@hale.example\n{name}: {'x' * size}\n\nbody\n".encode(),
    st.sampled_from(["Subject", "Message-ID", "To", "Date"]),
    st.integers(1000, 200_000),
)


class InboundFuzzTests(TestCase, GoodwillTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for first, address in (("Tom", "tom@hale.example"), ("Priya", "priya@hale.example")):
            people.contact_create(
                cls.workspace, actor=cls.owner, first_name=first, emails=[Labelled("", address)]
            )

    def counts(self) -> tuple[int, int, int]:
        return (
            InboundMessage.objects.count(),
            Interaction.objects.count(),
            Participation.objects.count(),
        )

    def check_filed(self, raw: bytes) -> None:
        before = self.counts()
        filed = file_message(self.workspace, raw)
        after = self.counts()
        assert filed.reason in {"filed", "duplicate", "unknown sender", "no contacts"}
        if filed.reason != "filed":
            assert after == before
            return
        assert after[:2] == (before[0] + 1, before[1] + 1)
        assert filed.interaction_id is not None
        record = InboundMessage.objects.get(interaction_id=filed.interaction_id)
        interaction = Interaction.objects.get(pk=filed.interaction_id)
        for text in (record.message_id, record.subject, interaction.note):
            assert "\x00" not in text
            text.encode("utf-8")  # no lone surrogate reached the database
        assert interaction.occurred_at <= timezone.now() + timedelta(hours=1)

    @FUZZ
    @given(st.binary(max_size=2000))
    def test_it_never_fails_on_random_bytes(self, raw):
        self.check_filed(raw)

    @FUZZ
    @given(st.binary(max_size=500).map(lambda tail: b"From: tom@hale.example\r\n" + tail))
    def test_it_never_fails_on_random_bytes_from_a_contact(self, raw):
        self.check_filed(raw)

    @FUZZ
    @given(messages)
    def test_it_never_fails_on_malformed_mime(self, raw):
        self.check_filed(raw)

    @settings(FUZZ, max_examples=20)
    @given(st.one_of(nested, huge))
    def test_it_never_fails_on_deep_nesting_or_huge_headers(self, raw):
        self.check_filed(raw)


class InboundRegressionTests(GoodwillTestCase):
    """Messages the fuzzers found: each made file_message raise before it was fixed."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        people.contact_create(
            cls.workspace,
            actor=cls.owner,
            first_name="Tom",
            emails=[Labelled("", "tom@hale.example")],
        )

    def file(self, raw: bytes) -> Interaction:
        filed = file_message(self.workspace, raw)
        assert filed.reason == "filed"
        assert filed.interaction_id is not None
        return Interaction.objects.get(pk=filed.interaction_id)

    def test_it_files_a_message_id_the_header_parser_trips_over(self):
        # Python's parser raised IndexError on an unclosed Message-ID.
        self.file(b"From: tom@hale.example\r\nMessage-ID: <\r\nSubject: hi\r\n\r\nbody\r\n")
        assert InboundMessage.objects.get().message_id == "<"

    def test_it_files_a_message_whose_cc_the_header_parser_trips_over(self):
        # IndexError in the address parser on "Cc: <".
        interaction = self.file(b"From: tom@hale.example\r\nCc: <\r\n\r\nHello\r\n")
        assert interaction.note == "Hello"

    def test_it_logs_a_date_before_1900_as_now(self):
        # The interaction's own check refused it ("too long ago") and file_message raised.
        date = "Mon, 1 Jan 1850 09:00:00 +0000"
        interaction = self.file(f"From: tom@hale.example\r\nDate: {date}\r\n\r\nold\r\n".encode())
        assert interaction.occurred_at > timezone.now() - timedelta(minutes=1)

    def test_it_keeps_a_believable_date(self):
        date = email.utils.format_datetime(timezone.now() - timedelta(days=2))
        interaction = self.file(f"From: tom@hale.example\r\nDate: {date}\r\n\r\nx\r\n".encode())
        assert interaction.occurred_at < timezone.now() - timedelta(days=1)

    def test_it_leaves_nul_characters_out(self):
        # PostgreSQL refuses a NUL in text: the subject (an encoded word) and the text had one.
        raw = b"From: tom@hale.example\r\nSubject: =?utf-8?q?a=00b?=\r\n\r\nx\x00y\r\n"
        interaction = self.file(raw)
        assert InboundMessage.objects.get().subject == "ab"
        assert interaction.note == "ab\n\nxy"
