"""Demo people for the demo workspace: a freelance designer's clients, customers and friends."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people import imports, services
from goodwill.people.models import Contact, ContactImport
from goodwill.people.services import AddressInput, Labelled


def _person(workspace: Workspace, owner: User, **details: Any) -> tuple[Contact, bool]:
    """The demo contact with this name, created (with its details) only the first time."""
    found = scoped(Contact, workspace).filter(
        first_name=details["first_name"], last_name=details.get("last_name", "")
    )
    if contact := found.first():
        return contact, False
    return services.contact_create(workspace, actor=owner, **details), True


@demo_step
def people(workspace: Workspace, owner: User) -> None:
    today = timezone.localdate(timezone=workspace.zone)
    soon = today + timedelta(days=5)

    dan, new = _person(
        workspace,
        owner,
        kind="client",
        first_name="Dan",
        last_name="Ortiz",
        organization="Ortiz Outdoor Supply",
        role="President",
        emails=[Labelled("work", "dan@ortiz-outdoor.example")],
        phones=[Labelled("mobile", "+1 512 555 0142")],
        links=[Labelled("website", "https://ortiz-outdoor.example")],
        addresses=[AddressInput("office", "410 Congress Ave", "Austin", "TX", "78701", "USA")],
        preferred_channel="phone",
        contact_hours="After 10:00, never on Fridays",
        how_we_met="He found the studio through the trail-running club's new logo.",
        cadence_days=30,
        tags=["retainer", "vip"],
    )
    if new:
        leo = services.circle_add(
            dan,
            name="Leo",
            relation="child",
            birthday=f"{soon.year - 9}-{soon.month:02d}-{soon.day:02d}",
            interests="Collects baseball cards, mostly 1980s rookies",
        )
        services.circle_add(dan, name="Maria", relation="spouse", interests="Pottery, jazz")
        services.circle_add(dan, name="Biscuit", relation="pet", notes="Golden retriever")
        services.fact_add(dan, category="like", text="Single-origin coffee, black")
        services.fact_add(dan, category="dislike", text="Meetings longer than 30 minutes")
        services.fact_add(dan, category="hobby", text="Trail running; did the Austin 50K")
        services.fact_add(dan, category="preference", text="Proposals as a one-page PDF")
        services.fact_add(dan, category="other", text="Recovering from knee surgery", private=True)
        services.date_add(dan, kind="client_since", date="2019-03-15")
        services.date_add(dan, kind="birthday", date="--06-02")
        services.gift_add(
            dan, description="1987 Topps rookie card", occasion="Leo's birthday", for_member=leo.pk
        )
        services.gift_add(
            dan, description="Bag of Ethiopian coffee", occasion="Thank-you", status="given"
        )
        services.note_add(
            dan, author=owner, body="Wants the **spring catalogue** drafts by March.", pinned=True
        )
        services.note_add(
            dan,
            author=owner,
            body="Asked about a refresh of the store signage; follow up after Q1.",
        )

    priya, new = _person(
        workspace,
        owner,
        kind="client",
        first_name="Priya",
        last_name="Raman",
        organization="Ortiz Outdoor Supply",
        role="Purchase manager",
        emails=[Labelled("work", "priya@ortiz-outdoor.example")],
        tags=["retainer"],
    )
    if new:
        services.fact_add(priya, category="food", text="Vegetarian; loves South Indian food")
        services.date_add(priya, kind="birthday", date="1988-02-29")

    tom, new = _person(
        workspace,
        owner,
        kind="customer",
        first_name="Tom",
        last_name="Becker",
        organization="Becker's Bakery",
        role="Owner",
        emails=[Labelled("", "tom@beckers-bakery.example")],
        phones=[Labelled("shop", "+1 512 555 0199")],
    )
    if new:
        services.fact_add(tom, category="food", text="Bakes a famous gluten-free lemon tart")
        services.circle_add(
            tom, name="Hanna", relation="child", birthday="--04-12", interests="Ballet"
        )

    jonas, new = _person(
        workspace,
        owner,
        kind="partner",
        first_name="Jonas",
        last_name="Berg",
        organization="Berg Print House",
        role="Printer",
        emails=[Labelled("", "jonas@bergprint.example")],
    )
    if new:
        services.fact_add(jonas, category="hobby", text="Restores letterpress machines")

    aisha, new = _person(
        workspace,
        owner,
        kind="prospect",
        first_name="Aisha",
        last_name="Khan",
        organization="Greenleaf Co-op",
        role="Marketing lead",
        met_at="Nordic Design Week 2026",
        introduced_by=dan.pk,
        how_we_met="Dan introduced us over lunch after the design week panel.",
        emails=[Labelled("work", "aisha@greenleaf.example")],
    )
    if new:
        services.fact_add(aisha, category="like", text="Bold typography, hand lettering")

    sofia, new = _person(
        workspace,
        owner,
        kind="friend",
        first_name="Sofia",
        last_name="Alvarez",
        nickname="Sofi",
        how_we_met="Studio neighbours since 2017.",
    )
    if new:
        services.fact_add(sofia, category="like", text="Board games and long dinners")


# A few people from the owner's phone, one of them (Jonas) already here: the import shows its
# preview's merge and can be undone from People → Import.
PHONE_EXPORT = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Sandberg;Lena;;;\r\nFN:Lena Sandberg\r\n"
    "EMAIL;TYPE=HOME:lena.sandberg@example.com\r\nTEL;TYPE=CELL:+46 70 555 01 23\r\n"
    "BDAY:--0612\r\nNOTE:Met at the Malmö design fair; runs a ceramics studio.\r\n"
    "CATEGORIES:phone\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Haddad;Omar;;;\r\nFN:Omar Haddad\r\n"
    "ORG:Haddad Coffee Roasters\r\nTITLE:Owner\r\nEMAIL;TYPE=WORK:omar@haddad-coffee.example\r\n"
    "CATEGORIES:phone\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Jonas;;;\r\nFN:Jonas Berg\r\n"
    "EMAIL:jonas@bergprint.example\r\nTEL;TYPE=CELL:+46 70 555 01 99\r\nEND:VCARD\r\n"
)


@demo_step
def phone_import(workspace: Workspace, owner: User) -> None:
    if scoped(ContactImport, workspace).exists():
        return
    imported = imports.import_prepare(
        workspace,
        actor=owner,
        filename="phone-contacts.vcf",
        data=PHONE_EXPORT.encode(),
        kind="friend",
    )
    imports.import_confirm(imported, actor=owner)
