"""Sections other capabilities add to a contact's client page (e.g. the terms they agreed to),
so care never imports them. Like the contact page's panels: a template and a function of the
contact giving its context, read as `section`. It is a public page: a section shows only what
the client may see, in a fixed, small number of queries."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from goodwill.people.models import Contact

type SectionContext = Callable[[Contact], dict[str, Any]]


@dataclass(frozen=True)
class ClientSection:
    template: str
    context: SectionContext
    order: int


_SECTIONS: dict[str, ClientSection] = {}


def client_section(template: str, *, order: int = 50) -> Callable[[SectionContext], SectionContext]:
    def register(context: SectionContext) -> SectionContext:
        _SECTIONS[template] = ClientSection(template, context, order)
        return context

    return register


def client_sections(contact: Contact) -> list[tuple[str, dict[str, Any]]]:
    ordered = sorted(_SECTIONS.values(), key=lambda section: (section.order, section.template))
    return [(section.template, section.context(contact)) for section in ordered]
