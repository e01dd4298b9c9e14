"""Benchmark scenarios for working agreements: client health, one client's agreements and
breaches."""

from goodwill.agreements.models import Agreement
from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get
from goodwill.core.scoping import scoped


@bench_scenarios(order=55)
def agreements_scenarios(context: BenchContext) -> list[Scenario]:
    ids = list(
        scoped(Agreement, context.workspace)
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
        .distinct()[:500]
    )
    if not ids:
        return []
    return [
        get("client health page", lambda r: "/agreements/health/", target_ms=30),
        get("a client's agreements", lambda r: f"/people/{r.choice(ids)}/agreements/",
            target_ms=30),
        get("a client's breaches", lambda r: f"/people/{r.choice(ids)}/breaches/", target_ms=30),
        get("client health API", lambda r: "/api/v1/agreements/health", target_ms=30, api=True),
    ]  # fmt: skip
