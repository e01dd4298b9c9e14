"""Benchmark scenarios for people: the list, one contact, search (goodwill.core.bench)."""

import random
from collections.abc import Callable

from goodwill.accounts.models import Workspace
from goodwill.core.bench import (
    BenchContext,
    Operation,
    Scenario,
    bench_operations,
    bench_scenarios,
    get,
)
from goodwill.core.scoping import scoped
from goodwill.people import imports
from goodwill.people.exports import contacts_export
from goodwill.people.models import Contact, ContactImport


@bench_scenarios(order=10)
def people_scenarios(context: BenchContext) -> list[Scenario]:
    ids, words = context.contact_ids, context.words

    def page(rng: random.Random) -> int:
        return rng.randrange(1, 40)

    def by_rapport(rng: random.Random) -> str:
        return f"/people/?sort=rapport&page={page(rng)}"

    def api_page(rng: random.Random) -> str:
        return f"/api/v1/contacts?limit=100&offset={100 * page(rng)}"

    return [
        get("people list page", lambda r: f"/people/?page={page(r)}", target_ms=20),
        get("people list by rapport", by_rapport, target_ms=20),
        get("contacts API, 100", api_page, target_ms=60, api=True),
        get("contact page", lambda r: f"/people/{r.choice(ids)}/", target_ms=10),
        get("contact API", lambda r: f"/api/v1/contacts/{r.choice(ids)}", target_ms=10, api=True),
        get("search: a name", lambda r: f"/people/?q={words['name']}", target_ms=20),
        get("search: a prefix", lambda r: f"/people/?q={words['prefix']}", target_ms=20),
        get("search: a fact word", lambda r: f"/people/?q={words['fact']}", target_ms=20),
    ]  # fmt: skip


@bench_scenarios(order=11)
def import_scenarios(context: BenchContext) -> list[Scenario]:
    return [get("imports page", lambda r: "/people/import/", target_ms=20)]


def _vcards(size: int) -> bytes:
    """*size* vCards shaped like a phone's export: name, e-mail, phone, company, birthday."""
    return "".join(
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"N:Benchmark{n};Imported;;;\r\nFN:Imported Benchmark{n}\r\n"
        f"EMAIL;TYPE=WORK:imported.{n}@bench.example\r\nTEL;TYPE=CELL:+1 415 555 {n % 100:04d}\r\n"
        f"ORG:Company {n % 300}\r\nBDAY:19{50 + n % 50}-{1 + n % 12:02d}-{1 + n % 28:02d}\r\n"
        "END:VCARD\r\n"
        for n in range(size)
    ).encode()


def _import(workspace: Workspace, size: int) -> ContactImport:
    """Read (the preview, with the duplicates looked for among everyone) and write *size* new
    people, as `goodwill import` does."""
    imported = imports.import_prepare(
        workspace, actor=None, filename="bench.vcf", data=_vcards(size)
    )
    return imports.import_confirm(imported, actor=None, at_once=True)


def _undo(imported: ContactImport) -> None:
    imports.import_undo(imported, actor=None)
    imported.delete()


def _export(format: str) -> Callable[[Workspace, int], int]:
    def export(workspace: Workspace, size: int) -> int:
        contacts = scoped(Contact, workspace).order_by("sort_name", "id")
        return sum(len(chunk) for chunk in contacts_export(workspace, contacts, format=format))

    return export


@bench_operations(order=10)
def people_operations() -> list[Operation]:
    return [
        Operation("import vCards", _import, size=10_000, target_s=10, undo=_undo),
        Operation("export everyone as vCard", _export("vcf"), size=0),
        Operation("export everyone as CSV", _export("csv"), size=0),
    ]
