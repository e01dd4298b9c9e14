"""What browser tests share (only tests import this: Playwright is a development dependency)."""

from playwright.sync_api import Page, expect


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
