"""Test-wide set-up: fast password hashing, a real SMTP server, and a Chromium for the browser
tests."""

import os
import shutil
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(part: str) -> None:
    """Outside CI a missing part skips with its reason; in CI it fails the run."""
    if in_ci():
        pytest.fail(f"{part} (CI=true: this fails instead of skipping)")
    pytest.skip(part)


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        missing("Chromium is not installed (apt-get install chromium): browser tests skipped.")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page: Any) -> Any:
    """pytest-playwright's page, failing fast instead of waiting 30 s for what never comes."""
    from goodwill.core.browser_testing import fail_fast

    return fail_fast(page)


@pytest.fixture
def people() -> Any:
    """For the browser tests: Dan owns Ortiz Consulting, Ava assists (browser_testing.People)."""
    from goodwill.core.browser_testing import ortiz_people

    return ortiz_people()


class SmtpCollector:
    """What a real SMTP server on 127.0.0.1 received (aiosmtpd), for e-mail tests."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.port = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpCollector]:
    """A real SMTP server, with Django's mailer pointed at it (the test runner swaps MAILERS to
    memory, so it is put back here)."""
    from goodwill.env import parse_email_url

    collector = SmtpCollector()
    collector.port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=collector.port)
    controller.start()
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{collector.port}")}
    yield collector
    controller.stop()
