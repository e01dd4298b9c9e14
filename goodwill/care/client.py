"""A contact's private client page (E1): one unguessable link per contact, made, replaced,
turned off or e-mailed to them by a member. The page shows the contact their own cases and
when the workspace is reachable, and takes new requests without a login."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from goodwill.accounts.models import User, hash_token
from goodwill.care import links
from goodwill.care.models import ClientLink
from goodwill.core.scoping import scoped
from goodwill.messaging.models import OutgoingMessage
from goodwill.messaging.services import message_queue
from goodwill.messaging.tasks import send_message
from goodwill.people.models import Contact
from goodwill.people.services import first_email


def client_link(contact: Contact) -> ClientLink | None:
    return scoped(ClientLink, contact.workspace).filter(contact=contact).first()


def client_page_url(link: ClientLink) -> str:
    token = links.client_token(link)
    return settings.SITE_URL + reverse("care:client_page", args=[link.workspace.slug, token])


def client_link_make(contact: Contact) -> ClientLink:
    """Give the contact a client page, or a new link to it (the old link stops working)."""
    nonce = secrets.token_hex(16)
    link = client_link(contact) or ClientLink(workspace=contact.workspace, contact=contact)
    link.nonce = nonce
    link.token_hash = hash_token(links.derive(links.CLIENT_SALT, contact.pk, nonce))
    link.save()
    return link


def client_link_revoke(contact: Contact) -> None:
    scoped(ClientLink, contact.workspace).filter(contact=contact).delete()


def client_link_send(contact: Contact, *, actor: User) -> OutgoingMessage:
    """E-mail the contact the link to their page, through the outbox (once per link: a double
    click sends one message)."""
    link = client_link(contact)
    if link is None:
        raise ValidationError("Make the client page first.")
    address = first_email(contact)
    if not address:
        raise ValidationError("They have no e-mail address to send it to.")
    workspace = contact.workspace
    with transaction.atomic():
        message, new = message_queue(
            contact,
            actor=actor,
            to_address=address,
            subject=f"Your page with {workspace.name}",
            body=(
                f"Dear {contact.greeting_name},\n\n"
                f"This is your own page with {workspace.name}: see how your requests stand, "
                "tell us about a problem or ask for a change, and see when we are reachable. "
                f"It is yours alone, so please keep the link to yourself.\n\n"
                f"{client_page_url(link)}\n\n{actor.get_full_name() or workspace.name}"
            ),
            key=f"client-link-{link.pk}-{link.nonce}",
        )
        if new:
            send_message.enqueue(message.pk)
    return message
