"""Panels that other capabilities add to the contact page, so people never imports them.

A panel is a template and a function of (request, contact) giving its context, which the
template reads as `panel`. Register from the app's `ready()`; the page shows them in `order`.
Each panel's context must cost a fixed, small number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from goodwill.people.models import Contact

type PanelContext = Callable[[HttpRequest, Contact], dict[str, Any]]


@dataclass(frozen=True)
class ContactPanel:
    template: str
    context: PanelContext
    order: int


_PANELS: dict[str, ContactPanel] = {}


def contact_panel(template: str, *, order: int = 50) -> Callable[[PanelContext], PanelContext]:
    def register(context: PanelContext) -> PanelContext:
        _PANELS[template] = ContactPanel(template, context, order)
        return context

    return register


def contact_panels(request: HttpRequest, contact: Contact) -> list[tuple[str, dict[str, Any]]]:
    ordered = sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.template))
    return [(panel.template, panel.context(request, contact)) for panel in ordered]
