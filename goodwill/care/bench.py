"""Benchmark scenarios for customer care: the open cases, one case, the insight page."""

from goodwill.care.models import Case
from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get
from goodwill.core.scoping import scoped


@bench_scenarios(order=40)
def care_scenarios(context: BenchContext) -> list[Scenario]:
    count = scoped(Case, context.workspace).count()
    if not count:
        return []
    return [
        get("case list page", lambda r: "/care/", target_ms=20),
        get("every case, a deep page", lambda r: f"/care/?all=1&page={r.randrange(1, 20)}",
            target_ms=30),
        get("cases API", lambda r: "/api/v1/cases", target_ms=30, api=True),
        get("case page", lambda r: f"/care/{r.randrange(1, count + 1)}/", target_ms=30),
        get("care insight page", lambda r: "/care/insight/", target_ms=30),
    ]  # fmt: skip
