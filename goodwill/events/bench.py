"""Benchmark scenarios for events: the list and one event with who was there."""

from goodwill.core.bench import BenchContext, Scenario, bench_scenarios, get
from goodwill.core.scoping import scoped
from goodwill.events.models import Event


@bench_scenarios(order=50)
def events_scenarios(context: BenchContext) -> list[Scenario]:
    ids = list(scoped(Event, context.workspace).values_list("pk", flat=True)[:200])
    if not ids:
        return []
    return [
        get("events list page", lambda r: "/events/", target_ms=30),
        get("event page", lambda r: f"/events/{r.choice(ids)}/", target_ms=30),
    ]
