"""Benchmark scenarios for touchpoints: who is due, the rankings, thanks owed, logging a touch."""

import random

from goodwill.core.bench import BenchContext, Request, Scenario, bench_scenarios, get


@bench_scenarios(order=20)
def touchpoints_scenarios(context: BenchContext) -> list[Scenario]:
    ids = context.contact_ids

    def page(rng: random.Random) -> int:
        return rng.randrange(1, 20)

    def touch(rng: random.Random) -> Request:
        body = {"kind": rng.choice(["call", "email", "meal"]), "contacts": [rng.choice(ids)]}
        return Request("POST", "/api/v1/interactions", body)

    return [
        get("dashboard", lambda r: "/", target_ms=30),
        get("overdue list page", lambda r: f"/keep-in-touch/?page={page(r)}", target_ms=20),
        get("overdue API", lambda r: "/api/v1/overdue?limit=50", target_ms=20, api=True),
        get("relationships page", lambda r: f"/relationships/?page={page(r)}", target_ms=20),
        get("rapport API", lambda r: "/api/v1/rapport?limit=50", target_ms=20, api=True),
        get("thanks owed page", lambda r: "/thanks/", target_ms=20),
        Scenario("create an interaction", touch, api=True, target_ms=20),
    ]  # fmt: skip
