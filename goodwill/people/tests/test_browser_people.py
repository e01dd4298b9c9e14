"""The people flow of issue 3 as a person does it, in Chromium: add a client with a child who
collects baseball cards, find him by typing "baseb", see the child's birthday, and hide a
private fact in presentation mode."""

import pytest
from playwright.sync_api import Page, expect

from goodwill.accounts import services as accounts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def signed_in(page: Page, live_server) -> Page:
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    accounts.workspace_create(owner=owner, name="Lindqvist Design", time_zone="Europe/Stockholm")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("maya@studio.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    return page


def test_add_a_client_with_a_child_find_him_and_hide_a_private_fact(signed_in: Page, live_server):
    page = signed_in
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name").fill("Dan")
    page.get_by_label("Last name").fill("Ortiz")
    page.get_by_label("Organisation").fill("Ortiz Outdoor Supply")
    page.get_by_label("E-mail 1").fill("dan@ortiz.example")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name="Dan Ortiz")).to_be_visible()

    page.get_by_text("Add someone").click()
    circle = page.locator("#circle")
    circle.get_by_label("Name").fill("Leo")
    circle.get_by_label("Relation").select_option("child")
    circle.get_by_label("Birthday").fill("2017-11-27")
    circle.get_by_label("Interests").fill("Collects baseball cards")
    circle.get_by_role("button", name="Add to circle").click()
    expect(page.locator("#circle")).to_contain_text("Birthday 27 November 2017")
    expect(page.locator("#circle")).to_contain_text("turns")

    facts = page.locator("#facts")
    facts.get_by_label("Category").select_option("other")
    facts.get_by_label("Text").fill("Recovering from knee surgery")
    facts.get_by_role("button", name="Add fact").click()
    expect(facts).to_contain_text("Recovering from knee surgery")
    facts.get_by_role("button", name="Make private").click()
    expect(page.locator("#facts .badge.private")).to_be_visible()

    page.get_by_role("button", name="Presentation mode off").click()
    expect(page.get_by_text("Presentation mode: private facts are hidden").first).to_be_visible()
    expect(page.locator("#facts")).not_to_contain_text("knee surgery")
    page.get_by_role("button", name="Presentation mode on").click()
    expect(page.locator("#facts")).to_contain_text("knee surgery")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.get_by_role("searchbox", name="Search").fill("baseb")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page.get_by_role("link", name="Dan Ortiz")).to_be_visible()
    expect(page.locator(".snippet")).to_contain_text("baseball cards")
    assert errors == []
