"""The people list and forms in Chromium: add a client through the form, see him on the list,
find him by typing part of his name; pick an introducer and file a mental note with the lookup
box (htmx); bulk-tag a page; and the list on a phone, without a CSP violation anywhere."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from goodwill.accounts import services as accounts
from goodwill.accounts.models import Workspace
from goodwill.people import services
from goodwill.people.models import Contact, Note

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
SCREENSHOTS = Path(tempfile.gettempdir())
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const what = event.blockedURI || "inline";
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${what}`);
});
"""


@pytest.fixture
def workspace() -> Workspace:
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    return accounts.workspace_create(owner=owner, name="Lindqvist Design", time_zone="UTC")


@pytest.fixture
def signed_in(page: Page, live_server, workspace: Workspace) -> Iterator[Page]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.add_init_script(CSP_RECORDER)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("maya@studio.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Maya")).to_be_visible()
    yield page
    assert problems == []


def csp_violations(page: Page) -> list[str]:
    page.wait_for_load_state("load")
    return list(page.evaluate("window.__cspViolations"))


def test_add_a_client_see_him_on_the_list_and_find_him_by_part_of_his_name(signed_in: Page):
    page = signed_in
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_text("Nobody here yet.")).to_be_visible()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name").fill("Hector")
    page.get_by_label("Last name").fill("Villanueva")
    page.get_by_label("Organisation").fill("Villanueva Hardware")
    page.get_by_label("Role").fill("Owner")
    page.get_by_label("E-mail 1").fill("hector@villanueva.example")
    page.get_by_label("Phone 1").fill("+1 312 555 0147")
    page.get_by_label("Tags").fill("hardware, regular")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", name="Hector Villanueva")).to_be_visible()
    expect(page.get_by_text("Hector Villanueva is added.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    row = page.get_by_role("row").filter(has_text="Hector Villanueva")
    expect(row).to_contain_text("Client")
    expect(row).to_contain_text("Villanueva Hardware")
    expect(row).to_contain_text("Owner")
    expect(row).to_contain_text("hector@villanueva.example")
    expect(row).to_contain_text("+1 312-555-0147")
    expect(row).to_contain_text("regular")
    assert csp_violations(page) == []

    search = page.get_by_role("searchbox", name="Search")
    search.fill("villa")
    search.press("Enter")
    expect(page.get_by_text("1 match for “villa”")).to_be_visible()
    expect(page.get_by_role("link", name="Hector Villanueva")).to_be_visible()
    page.get_by_role("link", name="Hector Villanueva").click()
    expect(page.get_by_role("heading", name="Hector Villanueva")).to_be_visible()


def test_a_bad_phone_is_shown_on_its_field_and_the_rest_is_kept(signed_in: Page, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("First name").fill("Hector")
    page.get_by_label("E-mail 1").fill("hector@villanueva.example")
    page.get_by_label("Phone 1").fill("555")
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_text("Nothing is saved yet")).to_be_visible()
    expect(page.locator(".field.has-error")).to_contain_text("“555” is not")
    expect(page.get_by_label("E-mail 1")).to_have_value("hector@villanueva.example")
    assert not Contact.objects.exists()


def test_pick_an_introducer_and_file_a_mental_note_with_the_lookup_box(
    signed_in: Page, live_server, workspace: Workspace
):
    page = signed_in
    eve = services.contact_create(
        workspace, actor=None, kind="friend", first_name="Eve", last_name="Adams"
    )
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("First name").fill("Dan")
    finder = page.get_by_label("Find who introduced them")
    finder.fill("adam")
    page.get_by_role("button", name="Eve Adams").click()
    expect(page.get_by_label("Introduced by")).to_have_value(str(eve.pk))
    expect(page.get_by_text(f"Introduced by Eve Adams (#{eve.pk}).")).to_be_visible()
    page.get_by_role("button", name="Add client").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dan")
    dan = Contact.objects.get(first_name="Dan")
    assert dan.introduced_by == eve

    page.goto(f"{live_server.url}/orgs/")
    page.get_by_text("Mental note").click()
    page.get_by_label("About whom").fill("eve")
    expect(page.get_by_role("radio", name="Eve Adams")).to_be_checked()
    page.get_by_label("Note", exact=True).fill("Her daughter starts school in **August**")
    page.get_by_role("button", name="File note").click()
    expect(page.get_by_text("Note filed on Eve Adams.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/orgs/")
    assert Note.objects.get().contact == eve
    assert csp_violations(page) == []


def test_select_a_page_and_tag_everyone_then_save_the_view(
    signed_in: Page, live_server, workspace: Workspace
):
    page = signed_in
    for first in ("Ann", "Bo", "Cy"):
        services.contact_create(workspace, actor=None, kind="customer", first_name=first)
    page.goto(f"{live_server.url}/people/?kind=customer")
    page.get_by_label("Select everyone on this page").check()
    expect(page.get_by_label("Select Cy")).to_be_checked()
    page.get_by_label("Add tag").fill("Regulars")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("Updated 3 people.")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/people/?kind=customer")

    page.get_by_label("Tag", exact=True).select_option("Regulars")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Name of this view").fill("Regular customers")
    page.get_by_role("button", name="Save this view").click()
    expect(page.get_by_text("Saved the view “Regular customers”.")).to_be_visible()
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Regular customers").click()
    expect(page.get_by_text("3 people")).to_be_visible()


def test_the_list_fits_a_phone(signed_in: Page, live_server, workspace: Workspace):
    page = signed_in
    services.contact_create(
        workspace, actor=None, kind="client",
        first_name="Maximiliana", last_name="Oberholzer-Vanderbilt",
        organization="Oberholzer International Holdings", role="Chief purchasing officer",
        emails=[services.Labelled("", "maximiliana.oberholzer-vanderbilt@international.example")],
        tags=["vip", "quarterly review", "golf"],
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    for path in ["/people/", "/people/new/", "/orgs/"]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{path} scrolls sideways: {width}"
        assert csp_violations(page) == [], path
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("link", name="Maximiliana Oberholzer-Vanderbilt")).to_be_in_viewport()
    page.screenshot(path=SCREENSHOTS / "goodwill-people-phone.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / "goodwill-people-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/people/new/")
    page.screenshot(path=SCREENSHOTS / "goodwill-person-form-desktop.png", full_page=True)
