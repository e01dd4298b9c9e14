"""The demo's business: two years of engagements and purchases, the ideal client, a few clients
who fit it well (Dan, Maja) and one who does not (Erik), and customers with their seasons."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.clients import services
from goodwill.clients.fit_services import answers_set, ideal_set
from goodwill.clients.models import Engagement, EngagementStatus
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people import services as people
from goodwill.people.models import Contact
from goodwill.people.services import Labelled

# (who, title, work, value, days ago won, days ago delivered or None, lost reason or None)
ENGAGEMENTS = [
    ("Dan", "Spring catalogue 2025", "print", "9500", 610, 560, None),
    ("Dan", "Autumn campaign 2025", "branding", "12000", 430, 380, None),
    ("Dan", "Spring catalogue 2026", "print", "10500", 240, 190, None),
    ("Dan", "New store signage", "signage", "8200", 60, 11, None),
    ("Maja", "Holm Ceramics identity", "branding", "14000", 600, 540, None),
    ("Maja", "Autumn lookbook", "print", "6800", 420, 390, None),
    ("Maja", "Spring packaging", "branding", "9000", 230, 170, None),
    ("Maja", "Autumn fair stand", "signage", "7400", 45, None, None),
    ("Erik", "Landing page", "website", "1200", 480, 450, None),
    ("Erik", "App icon tweaks", "illustration", "400", 300, 290, None),
    ("Tom", "Menu board redesign", "signage", "3200", 200, None, "Chose a cheaper sign maker"),
]
# (who, days ago, what, amount)
PURCHASES = [
    ("Tom", 700, "Printed menus", "180"), ("Tom", 380, "Gift vouchers", "95"),
    ("Tom", 360, "Christmas menus", "240"), ("Tom", 340, "Printed menus", "160"),
    ("Tom", 20, "Christmas menus", "260"), ("Tom", 5, "Gift vouchers", "110"),
    ("Lena", 540, "A framed print", "85"), ("Lena", 360, "Two prints", "120"),
    ("Lena", 170, "A framed print", "90"), ("Lena", 3, "Calendar 2027", "35"),
    ("Priya", 58, "Catalogue print order", "2400"),
]  # fmt: skip
IDEAL = {
    "budget_min": Decimal(8000),
    "budget_max": Decimal(30000),
    "times_min": 2,
    "times_max": 6,
    "months": [3, 4, 9, 10],
    "work": ["branding", "print", "signage"],
    "traits": ["Pays on time", "Values craft", "Gives clear briefs"],
}


def _newcomers(workspace: Workspace, owner: User) -> None:
    for details in (
        {"kind": "client", "first_name": "Maja", "last_name": "Holm",
         "organization": "Holm Ceramics", "role": "Founder",
         "emails": [Labelled("work", "maja@holmceramics.example")]},
        {"kind": "client", "first_name": "Erik", "last_name": "Sand", "organization": "Sand Apps",
         "emails": [Labelled("", "erik@sandapps.example")]},
        {"kind": "customer", "first_name": "Lena", "last_name": "Berg",
         "emails": [Labelled("", "lena.berg@example.org")]},
    ):  # fmt: skip
        if not scoped(Contact, workspace).filter(first_name=details["first_name"]).exists():
            people.contact_create(workspace, actor=owner, **details)  # type: ignore[arg-type]


@demo_step
def business(workspace: Workspace, owner: User) -> None:
    if scoped(Engagement, workspace).exists():
        return
    _newcomers(workspace, owner)
    ideal_set(workspace, **IDEAL)
    who = {c.first_name: c for c in scoped(Contact, workspace)}
    today = timezone.localdate(timezone=workspace.zone)
    for name, title, work, value, won, delivered, lost in ENGAGEMENTS:
        if name in who:
            _engagement(who[name], owner, today, title, work, value, won, delivered, lost)
    for name, days, what, amount in PURCHASES:
        if name in who:
            services.purchase_create(
                who[name], actor=owner, amount=amount, description=what,
                purchased_on=today - timedelta(days=days),
            )  # fmt: skip
    for name, traits, why in (
        ("Dan", IDEAL["traits"], "Saw the signs we made for a ski shop in Åre."),
        ("Maja", ["Values craft", "Gives clear briefs"], "A friend of Sofia's; loved our type."),
        ("Erik", [], "We were the cheapest quote."),
    ):
        if name in who:
            answers_set(who[name], traits=traits, why_chose=why)


def _engagement(
    contact: Contact, owner: User, today: date, title: str, work: str, value: str,
    won: int, delivered: int | None, lost: str | None,
) -> None:  # fmt: skip
    engagement = services.engagement_create(
        contact, actor=owner, title=title, work=work, value=value, currency="EUR",
        starts_on=today - timedelta(days=won),
    )  # fmt: skip
    if lost:
        services.engagement_move(
            engagement, EngagementStatus.LOST, on=today - timedelta(days=won), reason=lost
        )
        return
    services.engagement_move(engagement, EngagementStatus.WON, on=today - timedelta(days=won))
    if delivered is not None:
        on = today - timedelta(days=delivered)
        services.engagement_move(engagement, EngagementStatus.DELIVERED, on=on)
