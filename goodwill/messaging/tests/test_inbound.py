"""E-mail that logs itself: real messages sent over SMTP to `goodwill smtpd`'s receiver."""

import smtplib
from email.message import EmailMessage

import pytest

from conftest import free_port
from goodwill.accounts import services as accounts
from goodwill.messaging.inbound import logging_address, start_receiver
from goodwill.messaging.models import InboundMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction, Participation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver(settings):
    settings.INBOUND_DOMAIN = "in.goodwill.example"
    settings.INBOUND_MAX_BYTES = 200_000
    port = free_port()
    controller = start_receiver("127.0.0.1", port)
    yield port
    controller.stop()


@pytest.fixture
def studio():
    maya = accounts.user_create(email="maya@studio.example", password=None, name="Maya")
    workspace = accounts.workspace_create(owner=maya, name="Studio")
    dan = people.contact_create(
        workspace, actor=maya, kind="client", first_name="Dan",
        emails=[Labelled("", "dan@ortiz.example")],
    )  # fmt: skip
    priya = people.contact_create(
        workspace, actor=maya, kind="client", first_name="Priya",
        emails=[Labelled("", "priya@ortiz.example")],
    )  # fmt: skip
    return workspace, maya, dan, priya


def mail(sender, to, subject="Spring catalogue", body="Shall we meet on Tuesday?", **headers):
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def send(port, message, to):
    with smtplib.SMTP("127.0.0.1", port) as client:
        client.send_message(message, to_addrs=to)


def on(contact):
    return [p.interaction for p in Participation.objects.filter(contact=contact)]


def test_a_bcc_from_a_member_is_filed_on_every_contact_named(receiver, studio):
    workspace, _, dan, priya = studio
    address = logging_address(workspace)
    message = mail(
        "Maya <maya@studio.example>",
        "Dan <dan@ortiz.example>",
        Cc="priya@ortiz.example",
        Message_ID="<spring-1@studio.example>",
    )
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="q.pdf")
    send(receiver, message, [address])
    [interaction] = on(dan)
    assert on(priya) == [interaction]
    assert (interaction.kind, interaction.direction) == ("email", "ours")
    assert interaction.note == "Spring catalogue\n\nShall we meet on Tuesday?"
    send(receiver, message, [address])  # the same Message-ID again: filed once
    assert Interaction.objects.count() == 1


def test_a_forwarded_mail_counts_its_quoted_correspondents(receiver, studio):
    workspace, _, dan, _ = studio
    body = "---------- Forwarded message ---------\nFrom: Dan Ortiz <dan@ortiz.example>\n\nHi Maya!"
    send(
        receiver,
        mail("maya@studio.example", logging_address(workspace), "Fwd: hi", body),
        [logging_address(workspace)],
    )
    assert [i.note.splitlines()[0] for i in on(dan)] == ["Fwd: hi"]


def test_mail_from_a_contact_is_theirs_and_strangers_are_dropped_quietly(receiver, studio):
    workspace, _, dan, _ = studio
    address = logging_address(workspace)
    send(receiver, mail("dan@ortiz.example", address), [address])
    assert on(dan)[0].direction == "theirs"
    send(receiver, mail("spam@bad.example", "dan@ortiz.example", "WIN", "$$$"), [address])
    assert Interaction.objects.count() == 1


def test_unknown_addresses_and_huge_messages_are_refused_in_the_smtp_session(receiver, studio):
    workspace, _, _, _ = studio
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(
            receiver,
            mail("maya@studio.example", "x@y.example"),
            ["log+nosuchtoken@in.goodwill.example"],
        )
    assert next(iter(refused.value.recipients.values()))[0] == 550
    big = mail("maya@studio.example", "dan@ortiz.example", body="x" * 300_000)
    with pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as error:
        send(receiver, big, [logging_address(workspace)])
    assert error.value.smtp_code == 552
    assert not Interaction.objects.exists()


def test_malformed_and_non_utf8_mail_is_handled(receiver, studio):
    workspace, _, dan, _ = studio
    address = logging_address(workspace)
    with smtplib.SMTP("127.0.0.1", receiver) as client:
        client.sendmail("x@y.example", [address], b"this is not\x00 an e-mail \xff\xfe at all")
        raw = (
            b"From: Dan <dan@ortiz.example>\r\nTo: maya@studio.example\r\n"
            b"Subject: Caf\xe9 order \xe0 la carte\r\nMessage-ID: <latin1@x>\r\n\r\nBonjour\r\n"
        )
        client.sendmail("dan@ortiz.example", [address], raw)
    [interaction] = on(dan)
    assert "Bonjour" in interaction.note
    assert InboundMessage.objects.count() == 1


def test_one_workspaces_address_never_files_in_another(receiver, studio):
    workspace, _, dan, _ = studio
    eve = accounts.user_create(email="eve@other.example", password=None)
    other = accounts.workspace_create(owner=eve, name="Other")
    twin = people.contact_create(
        other,
        actor=eve,
        kind="client",
        first_name="Dan",
        emails=[Labelled("", "dan@ortiz.example")],
    )
    send(receiver, mail("dan@ortiz.example", "maya@studio.example"), [logging_address(workspace)])
    assert len(on(dan)) == 1
    assert on(twin) == []
    assert logging_address(workspace) != logging_address(other)
