"""The capability areas in the main navigation.

An area appears here only once it has a working page, so no link leads to a page that is not
built yet. Each capability app adds its entry when it lands.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    code: str  # the capability letter of PRODUCT.md, for the dashboard and the docs


NAVIGATION: list[NavItem] = [
    NavItem("Dashboard", "core:dashboard", ""),
    NavItem("Agenda", "agenda:agenda", "C1"),
    NavItem("People", "people:list", "A"),
    NavItem("Organisations", "people:organizations", "A1"),
    NavItem("Keep in touch", "touchpoints:overdue", "B2"),
    NavItem("Thanks", "touchpoints:thanks", "B4"),
    NavItem("Relationships", "touchpoints:relationships", "B3"),
    NavItem("Messages", "messaging:outbox", "D"),
    NavItem("Care", "care:list", "E"),
    NavItem("Clients", "clients:ranking", "F"),
    NavItem("Agreements", "agreements:needs", "G"),
    NavItem("Events", "events:list", "F5"),
]
