"""Benchmark scenarios for clients: the ranking by spend, economics, engagements, prospects."""

from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get


@bench_scenarios(order=45)
def clients_scenarios(context: BenchContext) -> list[Scenario]:
    ids = context.contact_ids
    return [
        get("clients by spend", lambda r: f"/clients/?page={r.randrange(1, 20)}", target_ms=20),
        get("ranking API", lambda r: "/api/v1/clients/ranking", target_ms=20, api=True),
        get("economics page", lambda r: f"/people/{r.choice(ids)}/economics/", target_ms=30),
        get("economics API", lambda r: f"/api/v1/contacts/{r.choice(ids)}/economics",
            target_ms=30, api=True),
        get("engagements list", lambda r: f"/clients/engagements/?page={r.randrange(1, 20)}",
            target_ms=30),
        get("prospects", lambda r: f"/clients/prospects/?page={r.randrange(1, 20)}", target_ms=20),
        get("fit and rapport ranking", lambda r: f"/clients/fit/?page={r.randrange(1, 20)}",
            target_ms=20),
        get("fit ranking API", lambda r: "/api/v1/clients/fit", target_ms=20, api=True),
    ]  # fmt: skip
