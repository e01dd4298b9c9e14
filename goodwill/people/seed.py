"""Scale data for people: contacts with organisations, e-mails, phones, facts, circles, dates,
notes and tags, and their search index (see goodwill.core.seed)."""

from datetime import timedelta
from typing import Any

from django.db import transaction

from goodwill.core import bulk
from goodwill.core.seed import BATCH, SeedRun, seed_step
from goodwill.people import search
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    Email,
    Fact,
    ImportantDate,
    Note,
    Organization,
    Phone,
    Tag,
    TimelineEntry,
)

FIRST = [
    "Aisha", "Alex", "Ana", "Anders", "Anna", "Ben", "Carla", "Chen", "Dan", "Dana", "Eli", "Elin",
    "Emma", "Erik", "Eva", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ida", "Ingrid", "Isak",
    "Jonas", "Julia", "Kai", "Karin", "Lars", "Lea", "Leo", "Lina", "Lucas", "Maja", "Maria",
    "Marta", "Maya", "Mei", "Mikael", "Mina", "Nils", "Nora", "Olga", "Omar", "Oscar", "Pablo",
    "Priya", "Rafael", "Ravi", "Sara", "Selma", "Sofia", "Sven", "Tara", "Tom", "Tove", "Viktor",
    "Wei", "Yusuf", "Zara", "Zoe",
]  # fmt: skip
LAST_START = [
    "Ahl", "And", "Berg", "Bjork", "Carl", "Dahl", "Ek", "Fors", "Gran", "Hag", "Holm", "Is",
    "Karl", "Lind", "Lund", "Malm", "Nord", "Ny", "Ol", "Pal", "Ros", "Sand", "Sjo", "Sten",
    "Strom", "Sund", "Thor", "Val", "Wall", "Wik",
]  # fmt: skip
LAST_END = [
    "berg", "by", "dal", "gren", "holm", "lin", "lund", "man", "qvist", "son", "strand", "strom",
    "vall",
]  # fmt: skip
KINDS = ["client"] * 25 + ["customer"] * 35 + ["prospect"] * 15 + ["friend"] * 15 + ["partner"] * 10
ROLES = ["Owner", "Marketing lead", "Purchasing", "Founder", "Office manager", "Art director", ""]
INTERESTS = [
    ("hobby", "runs trail races"),
    ("hobby", "sails on weekends"),
    ("like", "Italian food"),
    ("like", "jazz records"),
    ("dislike", "cold calls"),
    ("food", "vegetarian"),
    ("preference", "prefers mornings for calls"),
    ("hobby", "collects baseball cards"),
    ("like", "single-origin coffee"),
    ("other", "has a dog called Pixel"),
]
CHILD_INTERESTS = ["baseball cards", "dinosaurs", "football", "drawing", "Lego", "horses"]
TAGS = [
    "vip", "print", "web", "signage", "branding", "retail", "cafe", "studio", "board",
    "referral", "newsletter", "local", "event", "catalogue", "packaging", "photo", "video",
    "seasonal", "wholesale", "nonprofit",
]  # fmt: skip
THREE_YEARS = timedelta(days=3 * 365)


@seed_step(order=10)
def seed_people(run: SeedRun) -> None:
    workspace, rng = run.workspace, run.rng
    tags = bulk.create([Tag(workspace=workspace, name=name) for name in TAGS])
    suffixes = rng.choices(["AB", "Studio", "& Co", "Café", "Print"], k=max(1, run.contacts // 10))
    organizations = bulk.create(
        [
            Organization(workspace=workspace, name=f"{_last_name(run)} {suffix}")
            for suffix in suffixes
        ],
    )
    ids: list[int] = []
    counts: dict[str, int] = {}
    for start in range(0, run.contacts, BATCH):
        size = min(BATCH, run.contacts - start)
        with transaction.atomic():
            contacts = _contacts(run, size, start, organizations)
            ids.extend(c.pk for c in contacts)
            for name, rows in _details(run, contacts, tags).items():
                bulk.create(rows)
                counts[name] = counts.get(name, 0) + len(rows)
        run.batch_done("people", start + size, run.contacts)
    run.shared["contact_ids"] = ids
    run.shared["counts"] = {"contacts": len(ids), **counts}
    _index(run, ids)


def _last_name(run: SeedRun) -> str:
    return f"{run.rng.choice(LAST_START)}{run.rng.choice(LAST_END)}"


def _contacts(
    run: SeedRun, size: int, start: int, organizations: list[Organization]
) -> list[Contact]:
    rng, contacts = run.rng, []
    for number in range(start, start + size):
        first = rng.choice(FIRST)
        last = _last_name(run)
        contact = Contact(
            workspace=run.workspace,
            kind=rng.choice(KINDS),
            first_name=first,
            last_name=last,
            nickname=first[:3] if rng.random() < 0.05 else "",
            organization=rng.choice(organizations) if rng.random() < 0.4 else None,
            role=rng.choice(ROLES),
            created_at=run.now - THREE_YEARS * rng.random(),
            how_we_met="Met at a trade fair" if number % 7 == 0 else "",
        )
        contact.updated_at = contact.created_at
        contact.sort_name = f"{last} {first} {contact.nickname}".strip().lower()
        contact.touch_due_at = contact.compute_touch_due_at()
        contacts.append(contact)
    return bulk.create(contacts)


def _details(run: SeedRun, contacts: list[Contact], tags: list[Tag]) -> dict[str, list[Any]]:
    rng, workspace = run.rng, run.workspace
    rows: dict[str, list[Any]] = {
        name: [] for name in ("emails", "phones", "facts", "circle", "dates", "notes", "tags")
    }
    rows["timeline"] = []
    for contact in contacts:
        mine = {"workspace": workspace, "contact": contact}
        if rng.random() < 0.9:
            address = f"{contact.first_name}.{contact.last_name}.{contact.pk}@example.com".lower()
            rows["emails"].append(Email(**mine, address=address, label="work"))
        if rng.random() < 0.7:
            rows["phones"].append(Phone(**mine, number=f"+4670{rng.randrange(10**7):07d}"))
        for category, text in rng.sample(INTERESTS, rng.randrange(4)):
            rows["facts"].append(
                Fact(**mine, category=category, text=text, private=rng.random() < 0.15)
            )
        if rng.random() < 0.35:
            rows["circle"].append(
                CircleMember(
                    **mine,
                    name=rng.choice(FIRST),
                    relation="child",
                    interests=rng.choice(CHILD_INTERESTS),
                    year=rng.randrange(2008, 2022),
                    month=rng.randrange(1, 13),
                    day=rng.randrange(1, 29),
                )
            )
        if rng.random() < 0.6:
            rows["dates"].append(
                ImportantDate(
                    **mine,
                    kind="birthday",
                    year=rng.randrange(1950, 2000) if rng.random() < 0.7 else None,
                    month=rng.randrange(1, 13),
                    day=rng.randrange(1, 29),
                )
            )
        if rng.random() < 0.25:
            rows["notes"].append(
                Note(**mine, author=run.owner, body="Asked about the autumn catalogue timing.")
            )
        for tag in rng.sample(tags, rng.choice([0, 0, 0, 1, 1, 2])):
            rows["tags"].append(ContactTag(workspace=workspace, contact=contact, tag=tag))
        rows["timeline"].append(
            TimelineEntry(
                **mine,
                kind="created",
                title=f"Added as a {contact.kind}",
                occurred_at=contact.created_at,
            )
        )
    return {name: batch for name, batch in rows.items() if batch}


def _index(run: SeedRun, ids: list[int]) -> None:
    backend = search._backend()
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        with transaction.atomic():
            backend.write(search.contact_documents(batch))
        run.batch_done("search index", start + len(batch), len(ids))
