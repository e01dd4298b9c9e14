"""Schemathesis sends every API operation inputs generated from /api/v1/openapi.json, as the owner
of a workspace filled by the demo builder: no input may make the server fail, and every answer
must be one the schema documents, with the body the schema describes.

Bounded for CI: a few examples per operation (GOODWILL_FUZZ_EXAMPLES, 8 unless told), derandomized
so a run is reproducible, each example rolled back so every one starts from the same workspace.
Run it longer locally with, say, GOODWILL_FUZZ_EXAMPLES=100.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from ninja import Schema
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goodwill.core import demo
from goodwill.core.testing import GoodwillTestCase

EXAMPLES = int(os.environ.get("GOODWILL_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@contextmanager
def same_connection() -> Iterator[None]:
    """Django closes the database connection after a request served through WSGI, which would
    end the test's transaction; its own test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class ApiFuzzTests(GoodwillTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        demo.demo_fill(cls.workspace, cls.owner)

    def test_no_generated_input_fails_the_server_or_the_schema(self):
        with same_connection():
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
            headers = {"Authorization": f"Bearer {self.owner_token}"}
            failures: list[str] = []
            operations = []
            for result in schema.get_all_operations():
                assert isinstance(result, Ok), f"An operation schemathesis cannot read: {result}"
                operations.append(result.ok())
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    failures += self.fuzz(operation, mode, headers)
        print(f"\nAPI fuzz: {len(operations)} operations, up to {EXAMPLES} examples of each mode")
        assert len(operations) > 140
        assert not failures, "\n\n".join(failures)

    def fuzz(self, operation: Any, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
        """Up to EXAMPLES cases of one operation; valid inputs (POSITIVE) and invalid ones
        (NEGATIVE), which must be answered 4xx like any other, never 500."""
        found: list[str] = []

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            # A failure is reported as found, with its curl line: shrinking it would cost minutes.
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def one(case: Any) -> None:
            with rolled_back():
                try:
                    case.call_and_validate(headers=headers, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as failure:
                    found.append(f"{operation.label} ({mode.value} input): {failure}")
                    raise

        try:
            one()
        except (Exception, BaseExceptionGroup) as error:
            if not found:
                found.append(f"{operation.label}: {type(error).__name__}: {error}")
        return found[-1:]


def subclasses(cls: type) -> Iterator[type]:
    sub: type
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


class ApiContractTests(GoodwillTestCase):
    """What the fuzz relies on, checked directly (each a finding of an earlier fuzz run)."""

    def test_every_operation_documents_its_error_answers(self):
        spec = self.client.get("/api/v1/openapi.json").json()
        for path, methods in spec["paths"].items():
            for method, operation in methods.items():
                wanted = {"401", "403", "404", "422"} | (
                    {"400"} if "requestBody" in operation else set()
                )
                missing = wanted - set(operation["responses"])
                assert not missing, f"{method.upper()} {path} does not document {missing}"

    def test_a_body_that_is_not_json_is_a_documented_400(self):
        response = self.client.post(
            "/api/v1/contacts",
            b"\xff{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.owner_token}"},
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Cannot parse request body", "errors": []}

    def test_no_two_api_schemas_share_a_name(self):
        """The OpenAPI document names each schema by its class: two classes of one name (care's
        and the agreements' MonthOut, the reminders' and the contacts' SnoozeIn) became one,
        and an operation was documented with the other's fields."""
        self.client.get("/api/v1/openapi.json")  # every router's module is imported
        seen: dict[str, str] = {}
        clashes = []
        for schema in subclasses(Schema):
            if not schema.__module__.startswith("goodwill."):
                continue
            where = f"{schema.__module__}.{schema.__qualname__}"
            if schema.__name__ in seen and seen[schema.__name__] != where:
                clashes.append(f"{seen[schema.__name__]} and {where}")
            seen.setdefault(schema.__name__, where)
        assert clashes == []
