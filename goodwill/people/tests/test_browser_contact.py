"""The contact page as a person uses it, in Chromium: a client's child with a birthday and
interests, a fact added in place and made private, presentation mode on and off; the same page
on a phone, by keyboard, without a Content-Security-Policy violation."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from goodwill.accounts import services as accounts
from goodwill.people import services
from goodwill.people.models import Contact, Fact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${blocked}`);
});
"""


@pytest.fixture
def client_page(page: Page, live_server) -> tuple[Page, Contact, list[str]]:
    """Signed in as the owner, on the page of a client, recording script errors and CSP
    violations."""
    owner = accounts.user_create(email="dan@ortiz.example", password=PASSWORD, name="Dan Ortiz")
    workspace = accounts.workspace_create(
        owner=owner, name="Ortiz Consulting", time_zone="America/Chicago"
    )
    contact = services.contact_create(
        workspace, actor=owner, kind="client", first_name="Ray", last_name="Hale",
        organization="Hale Hardware", role="President",
    )  # fmt: skip
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A form refused with 400 is logged by Chromium as a failed resource; that is expected.
        if message.type == "error" and "status of 400" not in message.text:
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.add_init_script(CSP_RECORDER)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("dan@ortiz.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Dan")).to_be_visible()
    page.goto(f"{live_server.url}/people/{contact.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ray Hale")
    return page, contact, problems


def csp_violations(page: Page) -> list[str]:
    page.wait_for_load_state("load")
    return list(page.evaluate("window.__cspViolations"))


def test_a_childs_birthday_and_a_private_fact_hidden_in_presentation_mode(client_page) -> None:
    page, contact, problems = client_page
    soon = timezone.localdate(timezone=contact.workspace.zone) + timedelta(days=10)
    birthday = f"{soon.year - 9}-{soon.month:02d}-{soon.day:02d}"

    page.get_by_text("Add someone").click()
    circle = page.locator("#circle")
    circle.get_by_label("Name").fill("Leo")
    circle.get_by_label("Relation").select_option("child")
    circle.get_by_label("Birthday").fill(birthday)
    circle.get_by_label("Interests").fill("collects baseball cards")
    circle.get_by_role("button", name="Add to circle").click()
    expect(circle).to_contain_text("Leo")
    expect(circle).to_contain_text(f"Birthday {soon.day} {soon:%B} {soon.year - 9}")
    expect(circle).to_contain_text(f"turns 9 on {soon.day} {soon:%B} {soon.year}")
    expect(circle).to_contain_text("collects baseball cards")

    # A gift idea for him, and the birthday ten days away brings it to the top of the page.
    page.get_by_text("Add a gift idea").click()
    gifts = page.locator("#gifts")
    gifts.get_by_label("Description").fill("a rookie card")
    gifts.get_by_label("For").select_option(label="Leo (child)")
    gifts.get_by_role("button", name="Add gift").click()
    banner = page.locator(".birthday-soon")
    expect(banner).to_contain_text("Leo turns 9 on")
    expect(banner).to_contain_text("gift ideas: a rookie card")

    # A fact is added in place (htmx): the page is not reloaded.
    page.evaluate("window.__stayed = true")
    facts = page.locator("#facts")
    facts.get_by_label("Category").select_option("other")
    facts.get_by_label("Text").fill("Recovering from knee surgery")
    facts.get_by_role("button", name="Add fact").click()
    expect(facts).to_contain_text("Recovering from knee surgery")
    assert page.evaluate("window.__stayed") is True
    facts.get_by_role("button", name="Make private").click()
    expect(facts.locator(".badge.private")).to_be_visible()
    assert Fact.objects.get().private is True

    page.get_by_role("button", name="Presentation mode off").click()
    expect(page.get_by_text("Presentation mode: private facts are hidden")).to_be_visible()
    expect(page.locator("#facts")).not_to_contain_text("knee surgery")
    expect(page.locator("#circle")).to_contain_text("baseball cards")
    page.get_by_role("button", name="Presentation mode on").click()
    expect(page.locator("#facts")).to_contain_text("knee surgery")
    expect(page.get_by_text("Presentation mode: private facts are hidden")).to_have_count(0)

    assert csp_violations(page) == []
    assert problems == []


def test_bad_input_is_explained_in_place_and_notes_are_added_in_place(client_page) -> None:
    page, _, problems = client_page
    facts = page.locator("#facts")
    facts.get_by_label("Text").fill("x" * 20)
    facts.get_by_label("Text").fill("")
    facts.get_by_role("button", name="Add fact").click()
    expect(facts.get_by_role("alert")).to_contain_text("This field is required.")
    expect(facts.get_by_label("Text")).to_be_focused()
    assert not Fact.objects.exists()

    notes = page.locator("#notes")
    notes.get_by_label("Note", exact=True).fill("Prefers **short** calls")
    notes.get_by_role("button", name="Add note").click()
    expect(notes.locator("strong")).to_have_text("short")
    expect(notes.get_by_label("Note", exact=True)).to_have_value("")

    page.get_by_text("Add a date").click()
    dates = page.locator("#dates")
    dates.get_by_label("Date", exact=True).fill("2023-02-30")
    dates.get_by_role("button", name="Add date").click()
    expect(page.locator("#dates")).to_contain_text("February 2023 has no day 30")
    assert csp_violations(page) == []
    assert problems == []


def test_on_a_phone_the_page_fits_and_works_by_keyboard(client_page, live_server) -> None:
    page, contact, problems = client_page
    for n in range(25):
        services.timeline_add(contact, kind="note", title=f"Entry {n}")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/people/{contact.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide"

    # By keyboard: focus the fact's text, type, and Enter submits the form.
    page.locator("#fact_text").focus()
    page.keyboard.type("Loves jazz")
    page.keyboard.press("Enter")
    expect(page.locator("#facts")).to_contain_text("Loves jazz")

    # "Show older" brings the older entries under the newer ones, in place.
    timeline = page.locator("#timeline")
    expect(timeline.locator("ol.timeline li")).to_have_count(20)
    timeline.get_by_role("link", name="Show older").click()
    expect(timeline.locator("ol.timeline li")).to_have_count(26)
    expect(timeline.get_by_role("link", name="Show older")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/contact-phone.png", full_page=True)
    assert csp_violations(page) == []
    assert problems == []
