"""The benchmark suite: fixed scenarios timed through the real HTTP stack.

`goodwill bench` starts the production server (gunicorn) on 127.0.0.1, signs in as the seeded
workspace's owner (a session for pages, a token for the API), and sends each scenario's requests
one at a time over a kept-alive connection: one client, so the figures are latencies, not a
measure of how many clients the server can take. Each capability adds its scenarios in its
bench.py with `@bench_scenarios`.
"""

import http.client
import json
import random
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

from goodwill.accounts.models import Workspace


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Scenario:
    """A named stream of requests; `api` ones carry the token, the others the session."""

    name: str
    requests: Callable[[random.Random], Request]
    api: bool = False
    target_ms: float | None = None  # the p95 the issue asks for, to flag a miss


@dataclass
class BenchContext:
    """What scenario factories may use: the workspace and a sample of its records."""

    workspace: Workspace
    contact_ids: list[int]
    words: dict[str, str] = field(default_factory=dict)


type ScenarioFactory = Callable[[BenchContext], list[Scenario]]
FACTORIES: list[tuple[int, ScenarioFactory]] = []


@dataclass(frozen=True)
class Operation:
    """Work timed in the command's own process rather than over HTTP (an import, an export),
    run *times* times. *prepare*, untimed, is given the workspace and a size and sets up what
    the run needs (1,000 members for the digest); *run* is given the same; *undo*, untimed, is
    given what run returned and leaves the workspace as it was (an import is undone)."""

    name: str
    run: Callable[[Workspace, int], Any]
    size: int
    target_s: float | None = None
    times: int = 1
    undo: Callable[[Any], Any] | None = None
    prepare: Callable[[Workspace, int], Any] | None = None


@dataclass(frozen=True)
class OperationResult:
    operation: str
    size: int
    runs: int
    median_s: float
    max_s: float
    target_s: float | None

    @property
    def missed(self) -> bool:
        return self.target_s is not None and self.median_s > self.target_s

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missed_target": self.missed}


OPERATIONS: list[tuple[int, Callable[[], list[Operation]]]] = []


def bench_operations(order: int) -> Callable[[Callable[[], list[Operation]]], Any]:
    def register(factory: Callable[[], list[Operation]]) -> Callable[[], list[Operation]]:
        OPERATIONS.append((order, factory))
        return factory

    return register


def operations() -> list[Operation]:
    autodiscover_modules("bench")
    return [op for _, factory in sorted(OPERATIONS, key=lambda e: e[0]) for op in factory()]


def run_operation(operation: Operation, workspace: Workspace, *, size: int = 0) -> OperationResult:
    """Time *operation* (at *size*, or its own) on *workspace*."""
    size = size or operation.size
    seconds = []
    for _ in range(operation.times):
        if operation.prepare:
            operation.prepare(workspace, size)
        started = time.perf_counter()
        done = operation.run(workspace, size)
        seconds.append(time.perf_counter() - started)
        if operation.undo:
            operation.undo(done)
    return OperationResult(
        operation=operation.name,
        size=size,
        runs=len(seconds),
        median_s=round(statistics.median(seconds), 2),
        max_s=round(max(seconds), 2),
        target_s=operation.target_s,
    )


def free_port() -> int:
    """A TCP port free on 127.0.0.1, for a server the benchmark starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bench_scenarios(order: int) -> Callable[[ScenarioFactory], ScenarioFactory]:
    def register(factory: ScenarioFactory) -> ScenarioFactory:
        FACTORIES.append((order, factory))
        return factory

    return register


def scenarios(context: BenchContext) -> list[Scenario]:
    autodiscover_modules("bench")
    ordered = sorted(FACTORIES, key=lambda entry: entry[0])
    return [scenario for _, factory in ordered for scenario in factory(context)]


@dataclass(frozen=True)
class Result:
    scenario: str
    requests: int
    errors: int
    median_ms: float
    p95_ms: float
    max_ms: float
    per_second: float
    target_ms: float | None

    @property
    def missed(self) -> bool:
        return self.target_ms is not None and self.p95_ms > self.target_ms

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "missed_target": self.missed}


class Client:
    """One kept-alive HTTP/1.1 connection with the session cookie and the API token."""

    def __init__(self, port: int, *, session: str, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.session, self.token = session, token

    def send(self, request: Request, *, api: bool) -> tuple[int, float]:
        headers = {"Host": "127.0.0.1"}
        if api:
            headers["Authorization"] = f"Bearer {self.token}"
        else:
            headers["Cookie"] = f"sessionid={self.session}"
        body = None
        if request.body is not None:
            body = json.dumps(request.body)
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.connection.request(request.method, request.path, body=body, headers=headers)
        response = self.connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_scenario(
    client: Client, scenario: Scenario, *, requests: int, warmup: int, seed: int
) -> Result:
    rng = random.Random(seed)  # noqa: S311  (the same requests on every run, not a secret)
    for _ in range(warmup):
        client.send(scenario.requests(rng), api=scenario.api)
    timings, errors = [], 0
    started = time.perf_counter()
    for _ in range(requests):
        status, ms = client.send(scenario.requests(rng), api=scenario.api)
        errors += status >= 400
        timings.append(ms)
    elapsed = time.perf_counter() - started
    return Result(
        scenario=scenario.name,
        requests=requests,
        errors=errors,
        median_ms=round(statistics.median(timings), 1),
        p95_ms=round(percentile(timings, 0.95), 1),
        max_ms=round(max(timings), 1),
        per_second=round(requests / elapsed, 1),
        target_ms=scenario.target_ms,
    )


def get(
    name: str, path: Callable[[random.Random], str], *, target_ms: float, api: bool = False
) -> Scenario:
    """A scenario of GET requests to *path* (drawn from the generator for each request)."""
    return Scenario(name, lambda rng: Request("GET", path(rng)), api=api, target_ms=target_ms)
