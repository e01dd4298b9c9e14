"""What browser tests share (only tests import this: Playwright is a development dependency)."""

from dataclasses import dataclass

from playwright.sync_api import Page, expect

from goodwill.accounts import services
from goodwill.accounts.models import Role, User, Workspace

# The browser tests' people sign in with this (GoodwillTestCase's password too).
PASSWORD = "correct horse battery staple"


@dataclass
class People:
    owner: User
    assistant: User
    workspace: Workspace


def ortiz_people() -> People:
    """Dan owns Ortiz Consulting and Ava assists him (conftest's `people` fixture)."""
    owner = services.user_create(email="dan@ortiz.example", password=PASSWORD, name="Dan Ortiz")
    assistant = services.user_create(email="ava@ortiz.example", password=PASSWORD, name="Ava Brook")
    workspace = services.workspace_create(
        owner=owner, name="Ortiz Consulting", time_zone="America/Chicago"
    )
    services.member_add(workspace=workspace, user=assistant, role=Role.ASSISTANT)
    return People(owner=owner, assistant=assistant, workspace=workspace)


def fail_fast(page: Page) -> Page:
    """Wait seconds, not pytest-playwright's 30 s, for what never comes."""
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    return page


def sign_in(page: Page, base_url: str, address: str, password: str) -> None:
    """Sign in through the login page, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()
