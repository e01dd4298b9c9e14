"""Test-wide set-up: fast password hashing, and a Chromium for the browser tests."""

import os
import shutil

import pytest

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
