"""A person as an address book holds them (a vCard or a CSV row), and writing one into Goodwill.

A Card is what the readers (card_reading) make of a vCard or a CSV row, and what imports and the
CardDAV server write. Only the fields an address book carries are here; what only Goodwill knows
(facts, circle, gifts, cadence, …) is never touched by writing a card.

- card_checked() cleans a card against a workspace: it lowercases and checks e-mail addresses,
  reads phone numbers as E.164 (local numbers in the workspace's country), drops what cannot be
  read with a warning per dropped value, and refuses only a card with no name at all.
- card_contact_create() / cards_create() write new contacts (one; or many in bulk, for imports);
- card_contact_replace() makes a contact's card fields those of the card (a phone's edit);
- card_contact_fill() adds what a card knows that the contact lacks (an import's "merge"), and
  returns what it added so that the import can be undone.
"""

from dataclasses import dataclass, field

from goodwill.people.dates import PartialDate
from goodwill.people.services import AddressInput, Labelled


@dataclass
class Card:
    first_name: str = ""
    last_name: str = ""
    nickname: str = ""
    organization: str = ""
    role: str = ""
    emails: list[Labelled] = field(default_factory=list)
    phones: list[Labelled] = field(default_factory=list)
    links: list[Labelled] = field(default_factory=list)
    addresses: list[AddressInput] = field(default_factory=list)
    birthday: PartialDate | None = None
    anniversary: PartialDate | None = None
    tags: list[str] = field(default_factory=list)
    note: str = ""
    photo: bytes = b""
    # The photo's media type: image/jpeg, image/png or image/gif.
    photo_type: str = ""
    # The vCard's UID, kept by CardDAV so a phone finds its card again.
    uid: str = ""
    # Where the card (BEGIN:VCARD) or the CSV row starts in its file, from 1, for messages.
    line: int = 0
