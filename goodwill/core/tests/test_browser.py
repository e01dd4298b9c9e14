"""Browser tests: the pages as a person uses them, in Debian's Chromium through Playwright.

They run against pytest-django's live server, so the database is transactional and every test
makes its own people. Run them with `make test-browser` (marker `browser`).
"""

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Locator, Page, expect

from goodwill.accounts import services
from goodwill.accounts.models import ApiToken
from goodwill.core.browser_testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(tempfile.gettempdir())

# Records Content-Security-Policy violations in the page itself, as well as in the console.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}` +
    ` at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def messages(page: Page) -> Locator:
    """The flash messages at the top of the page (other role=status regions exist too)."""
    return page.locator("main > ul.messages")


def test_login_lands_on_dashboard_and_sign_out_returns_to_login(page, live_server, people):
    log_in(page, live_server.url, "Dan@Ortiz.example")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dan")
    expect(page.locator(".workspace-name")).to_have_text("Ortiz Consulting")
    expect(page.locator(".lead")).to_contain_text("Ortiz Consulting")

    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / "goodwill-dashboard-desktop.png", full_page=True)

    main_nav(page).get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(messages(page)).to_contain_text("You are signed out.")
    expect(main_nav(page)).to_have_count(0)
    # Signed out for real: the dashboard sends us back to the login page.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_shows_error_and_stays_on_login(page, live_server, people):
    log_in(page, live_server.url, "dan@ortiz.example", password="not the right password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("alert")).to_have_text("That e-mail address and password do not match.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("E-mail")).to_have_value("dan@ortiz.example")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(main_nav(page)).to_have_count(0)


def test_pages_have_no_csp_violations_or_script_errors(page, live_server, people):
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: pageerror: {error}"))
    page.add_init_script(CSP_RECORDER)

    def check(path: str, *ready: Locator) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.ok, f"{path} answered {response.status}"
        for locator in ready:
            expect(locator).to_be_visible()
        # Scripts are deferred: let them run before reading the violations.
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        problems.extend(f"{path}: CSP: {violation}" for violation in violations)

    h1 = page.get_by_role("heading", level=1)
    check("/accounts/login/", h1.filter(has_text="Sign in"))
    page.get_by_label("E-mail").fill("dan@ortiz.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(h1).to_have_text("Welcome, Dan")

    check("/", h1.filter(has_text="Welcome, Dan"))
    check("/settings/", page.get_by_label("Friday closes"))
    check("/settings/members/", page.get_by_text("Members of Ortiz Consulting"))
    check("/settings/tokens/", page.get_by_role("button", name="Create token"))
    check("/accounts/me/", page.get_by_role("button", name="Change password"))
    # Swagger UI, from static files, must render under the same policy: the page's frame, the
    # title from the OpenAPI document, and the operations (so the document loaded too).
    check(
        "/api/v1/docs",
        page.locator(".swagger-ui .info .title").filter(has_text="Goodwill API"),
        page.locator(".swagger-ui .opblock").first,
    )

    assert problems == []


def test_api_token_is_shown_once_and_can_be_revoked(page, live_server, people):
    log_in(page, live_server.url, "dan@ortiz.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()

    page.get_by_label("Name").fill("backup script")
    page.get_by_role("button", name="Create token").click()

    raw = page.locator("#new-token")
    expect(raw).to_have_text(re.compile(r"^gw_\S{20,}$"))
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    raw_token = raw.inner_text().strip()
    token = ApiToken.objects.get(workspace=people.workspace, name="backup script")
    assert services.token_authenticate(raw_token) == token

    row = page.get_by_role("row").filter(has_text="backup script")
    expect(row).to_contain_text(token.prefix)
    expect(row).to_contain_text("Read and write")

    # Dismissing the confirmation keeps the token.
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    row.get_by_role("button", name="Revoke").click()
    expect(row.get_by_role("button", name="Revoke")).to_be_visible()
    assert dialogs == ["Revoke “backup script”? Scripts using it stop working at once."]
    token.refresh_from_db()
    assert token.revoked_at is None

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()

    expect(messages(page)).to_contain_text("Token “backup script” is revoked.")
    row = page.get_by_role("row").filter(has_text="backup script")
    expect(row).to_contain_text("Revoked")
    expect(row).to_have_class(re.compile(r"\brevoked\b"))
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    # The raw token is never shown again.
    expect(page.locator("#new-token")).to_have_count(0)
    assert raw_token not in page.content()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert services.token_authenticate(raw_token) is None


def test_phone_sized_dashboard_fits_and_works_with_keyboard(page, live_server, people):
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "dan@ortiz.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dan")

    nav = main_nav(page)
    for control in (
        nav.get_by_role("link", name="Dashboard"),
        nav.get_by_role("link", name="Settings"),
        nav.get_by_role("button", name="Sign out"),
    ):
        expect(control).to_be_visible()
        expect(control).to_be_in_viewport()
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0, f"{control} starts off-screen: {box}"
        assert box["x"] + box["width"] <= PHONE["width"], f"{control} ends off-screen: {box}"
    overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"page scrolls sideways: {overflow}"

    page.screenshot(path=SCREENSHOTS / "goodwill-dashboard-phone.png", full_page=True)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_owner_changes_business_hours_assistant_may_not(page, live_server, people):
    log_in(page, live_server.url, "dan@ortiz.example")
    page.goto(f"{live_server.url}/settings/")
    friday_closes = page.get_by_label("Friday closes")
    expect(friday_closes).to_have_value("17:00")

    friday_closes.fill("13:00")
    page.get_by_role("button", name="Save settings").click()

    expect(messages(page)).to_contain_text("Workspace settings saved")
    expect(page.get_by_label("Friday closes")).to_have_value("13:00")
    expect(page.get_by_label("Friday opens")).to_have_value("09:00")
    people.workspace.refresh_from_db()
    assert people.workspace.business_hours["friday"] == ["09:00", "13:00"]
    assert people.workspace.business_hours["thursday"] == ["09:00", "17:00"]

    main_nav(page).get_by_role("button", name="Sign out").click()
    log_in(page, live_server.url, "ava@ortiz.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ava")
    page.goto(f"{live_server.url}/settings/")

    expect(page.get_by_text("Only owners can change these settings")).to_be_visible()
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    expect(page.get_by_label("Friday closes")).to_have_value("13:00")
