"""The demo's messages: a thank-you Maya sent Jonas from her own mail app, and Priya's e-mail
that came in through the logging address."""

from goodwill.accounts.models import User, Workspace
from goodwill.core.demo import DEMO_EMAIL, demo_step
from goodwill.core.scoping import scoped
from goodwill.messaging.inbound import file_message, logging_address
from goodwill.messaging.models import OutgoingMessage
from goodwill.messaging.services import message_log_own, templates_ensure
from goodwill.people.models import Contact

PRIYA_WROTE = (
    "From: Priya Raman <priya@ortiz-outdoor.example>\r\n"
    f"To: Maya Lindqvist <{DEMO_EMAIL}>\r\n"
    "Subject: Proofs for the catalogue\r\n"
    "Message-ID: <demo-priya-proofs@ortiz-outdoor.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hi Maya,\r\n\r\nThe proofs look great. Could we move the launch to the 14th?\r\n\r\nPriya\r\n"
).encode()


@demo_step
def messages(workspace: Workspace, owner: User) -> None:
    templates_ensure(workspace)
    logging_address(workspace)
    people = {c.first_name: c for c in scoped(Contact, workspace)}
    jonas = people.get("Jonas")
    if jonas and not scoped(OutgoingMessage, workspace).filter(key="demo-thanks-jonas").exists():
        message_log_own(
            jonas,
            actor=owner,
            to_address="jonas@bergprint.example",
            subject="Thank you, Jonas",
            body="Dear Jonas,\n\nThank you for the rush job on the catalogue paper samples.\n\n"
            "With thanks,\nMaya Lindqvist\nLindqvist Design Studio",
            key="demo-thanks-jonas",
            occasion="thank_you",
        )
    if "Priya" in people:
        file_message(workspace, PRIYA_WROTE)  # filed once: its Message-ID is kept
