"""Benchmark scenarios for people: the list, one contact, search (goodwill.core.bench)."""

import random

from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get


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
