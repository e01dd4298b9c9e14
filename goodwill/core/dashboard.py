"""The dashboard's panels, which each capability adds when it lands.

A panel is a template and a function giving its context; the dashboard shows them in `order`.
Registering from the app's `ready()` keeps core free of the capabilities built on it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from goodwill.accounts.access import WorkspaceRequest

type PanelContext = Callable[[WorkspaceRequest], dict[str, Any]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    order: int


_PANELS: dict[str, Panel] = {}


def dashboard_panel(template: str, *, order: int = 50) -> Callable[[PanelContext], PanelContext]:
    """Register the decorated function as the context of the panel drawn by *template*."""

    def register(context: PanelContext) -> PanelContext:
        _PANELS[template] = Panel(template, context, order)
        return context

    return register


def panels(request: WorkspaceRequest) -> list[tuple[str, dict[str, Any]]]:
    """Each panel's template with its context, in order."""
    ordered = sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.template))
    return [(panel.template, panel.context(request)) for panel in ordered]
