"""Benchmark scenarios for the agenda: the page and the API for the next 14 days."""

from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get


@bench_scenarios(order=30)
def agenda_scenarios(context: BenchContext) -> list[Scenario]:
    return [
        get("agenda page, 14 days", lambda r: "/agenda/?days=14", target_ms=20),
        get("agenda API, 14 days", lambda r: "/api/v1/agenda?days=14", target_ms=20, api=True),
    ]
