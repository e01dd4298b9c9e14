"""Browser tests of the account-security pages: two-factor sign-in, sessions, password reset,
invitations and the audit trail, as a person uses them, in Debian's Chromium through Playwright.

E-mail goes through a real SMTP server (conftest's `smtp`) and the worker runs in the test's
thread, as in test_password_reset.py. Run them with `make test-browser` (marker `browser`).
"""

import email
import email.policy
import re
import time

import pyotp
import pytest
import segno
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, expect

from goodwill.accounts import services
from goodwill.accounts.models import TwoFactor, UserSession
from goodwill.core import acting, worker
from goodwill.core.browser_testing import PASSWORD, People
from goodwill.core.tests.test_browser import (
    CSP_RECORDER,
    DESKTOP,
    SCREENSHOTS,
    log_in,
    main_nav,
    messages,
)
from goodwill.people import services as people_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a new and long passphrase"
QR_ALT = "QR code of your two-factor secret"


@pytest.fixture
def mail(smtp, settings, live_server):
    """A real SMTP server, with the links in e-mails pointing at the live server."""
    settings.SITE_URL = live_server.url
    return smtp


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def sign_out(page: Page) -> None:
    main_nav(page).get_by_role("button", name="Sign out").click()
    expect(messages(page)).to_contain_text("You are signed out.")


def enter_code(page: Page, code: str) -> None:
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Sign in").click()


def next_code(totp: pyotp.TOTP) -> str:
    """The code the app shows in the next 30-second step.

    A code is accepted once per step, and the step of the set-up may still be the current one;
    the server accepts one step either side for clock drift, so the next step's code is both
    fresh and valid now, and the test needs no 30-second wait."""
    return totp.at(time.time() + totp.interval)


def never_valid(totp: pyotp.TOTP) -> str:
    """Six digits that are not a code of the steps around now (so a wrong code for certain)."""
    now = time.time()
    valid = {totp.at(now + offset * totp.interval) for offset in (-2, -1, 0, 1, 2)}
    return next(code for code in ("123456", "654321", "111111") if code not in valid)


def switch_two_factor_on(people: People) -> tuple[pyotp.TOTP, list[str]]:
    """Two-factor on for the owner, as if done on the set-up page long enough ago."""
    device = services.two_factor_begin(people.owner)
    totp = pyotp.TOTP(device.secret)
    codes = services.two_factor_confirm(people.owner, totp.now())
    # The confirming code's step would otherwise count as used.
    TwoFactor.objects.update(last_used_step=0)
    return totp, codes


def reset_link_sent(mail, address: str) -> str:
    """Run the worker once and read the reset link from the e-mail it sent over SMTP."""
    assert worker.jobs_run_ready("browser-test") == 1
    assert len(mail.envelopes) == 1
    sent = email.message_from_bytes(mail.envelopes[0].content, policy=email.policy.default)
    assert sent["To"] == address
    assert sent["Subject"] == "Reset your Goodwill password"
    link = re.search(r"http://\S+/accounts/password/reset/\S+/", sent.get_content())
    assert link, sent.get_content()
    return link.group(0)


# --- Two-factor sign-in -----------------------------------------------------------------------


def test_turning_on_two_factor_then_signing_in_with_a_code(page, live_server, people):
    log_in(page, live_server.url, "dan@ortiz.example")
    main_nav(page).get_by_role("link", name="Dan").click()
    expect(h1(page)).to_have_text("Your account")
    expect(page.get_by_text("Off. With it on, a stolen password alone")).to_be_visible()
    page.get_by_role("link", name="Set up two-factor sign-in").click()

    expect(h1(page)).to_have_text("Set up two-factor sign-in")
    qr = page.get_by_role("img", name=QR_ALT)
    expect(qr).to_be_visible()
    # Rendered, not a broken image: the browser decoded it.
    assert qr.evaluate("img => img.complete && img.naturalWidth") > 0
    secret = page.locator("code.token").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    # The QR code holds that same key (segno draws the same picture for the same text).
    uri = pyotp.TOTP(secret).provisioning_uri(name="dan@ortiz.example", issuer_name="Goodwill")
    assert qr.get_attribute("src") == segno.make(uri, error="m").svg_data_uri(scale=4, border=2)

    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/me/two-factor/codes/")
    expect(messages(page)).to_contain_text("Two-factor sign-in is on.")
    expect(page.get_by_text("They are shown only this once.")).to_be_visible()
    shown = page.locator("main code.token")
    expect(shown).to_have_count(10)
    codes = [code.strip() for code in shown.all_inner_texts()]
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code) for code in codes), codes
    # Shown once: a reload tells how many are left, and no code.
    page.reload()
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    expect(page.locator("main code.token")).to_have_count(0)
    for code in codes:
        assert code not in page.content()

    sign_out(page)
    log_in(page, live_server.url, "dan@ortiz.example")
    # The password alone does not sign in.
    expect(page).to_have_url(f"{live_server.url}/accounts/login/code/")
    expect(h1(page)).to_have_text("One more step")
    expect(main_nav(page)).to_have_count(0)

    enter_code(page, next_code(totp))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(h1(page)).to_have_text("Welcome, Dan")
    page.goto(f"{live_server.url}/accounts/me/")
    expect(page.get_by_text("On: signing in asks for a code")).to_contain_text(
        "10 recovery codes left"
    )


def test_a_wrong_code_is_refused_and_a_recovery_code_works_once(page, live_server, people):
    totp, codes = switch_two_factor_on(people)
    log_in(page, live_server.url, "dan@ortiz.example")
    expect(h1(page)).to_have_text("One more step")

    enter_code(page, never_valid(totp))
    expect(page).to_have_url(f"{live_server.url}/accounts/login/code/")
    expect(h1(page)).to_have_text("One more step")
    expect(page.get_by_role("alert")).to_have_text("That code is not right, or was already used.")
    expect(main_nav(page)).to_have_count(0)

    # Typed in capitals, with spaces for the dashes: still the same code.
    enter_code(page, codes[0].upper().replace("-", " "))
    expect(page).to_have_url(f"{live_server.url}/")
    expect(h1(page)).to_have_text("Welcome, Dan")
    page.goto(f"{live_server.url}/accounts/me/")
    expect(page.get_by_text("9 recovery codes left")).to_be_visible()

    sign_out(page)
    log_in(page, live_server.url, "dan@ortiz.example")
    enter_code(page, codes[0])
    expect(page).to_have_url(f"{live_server.url}/accounts/login/code/")
    expect(page.get_by_role("alert")).to_have_text("That code is not right, or was already used.")
    enter_code(page, codes[1])
    expect(h1(page)).to_have_text("Welcome, Dan")


# --- Sessions ---------------------------------------------------------------------------------


def test_signing_out_everywhere_else_ends_the_other_browsers_session(
    page, live_server, people, browser: Browser
):
    other_context = browser.new_context()
    try:
        other = other_context.new_page()
        other.set_default_timeout(5_000)
        log_in(other, live_server.url, "dan@ortiz.example")
        expect(h1(other)).to_have_text("Welcome, Dan")

        log_in(page, live_server.url, "dan@ortiz.example")
        page.goto(f"{live_server.url}/accounts/me/")
        sessions = page.locator("section").filter(
            has=page.get_by_role("heading", name="Your sessions")
        )
        rows = sessions.locator("tbody tr")
        expect(rows).to_have_count(2)
        this = rows.filter(has_text="(this session)")
        expect(this).to_have_count(1)
        expect(this).to_contain_text("Chrome on Linux")
        expect(this.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
        expect(rows.filter(has_not_text="(this session)")).to_contain_text("127.0.0.1")

        sessions.get_by_role("button", name="Sign out everywhere else").click()

        expect(messages(page)).to_contain_text("Signed out everywhere else")
        expect(rows).to_have_count(1)
        expect(rows).to_contain_text("(this session)")
        assert UserSession.objects.filter(user=people.owner).count() == 1

        # The other browser finds itself signed out on its next page.
        other.goto(f"{live_server.url}/accounts/me/")
        expect(other).to_have_url(re.compile(r"/accounts/login/\?next=/accounts/me/$"))
        expect(h1(other)).to_have_text("Sign in")
        # This one is still signed in.
        page.goto(f"{live_server.url}/")
        expect(h1(page)).to_have_text("Welcome, Dan")
    finally:
        other_context.close()


# --- Password reset ---------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_e_mailed_link(page, live_server, people, mail):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(h1(page)).to_have_text("Forgot your password?")
    page.get_by_label("E-mail").fill("Dan@Ortiz.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(h1(page)).to_have_text("Check your e-mail")
    expect(page.get_by_role("status")).to_contain_text("It works once")

    link = reset_link_sent(mail, "dan@ortiz.example")
    page.goto(link)
    expect(h1(page)).to_have_text("Choose a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(messages(page)).to_contain_text("Your password is changed. Sign in with it.")
    log_in(page, live_server.url, "dan@ortiz.example", password=PASSWORD)
    expect(page.get_by_role("alert")).to_have_text("That e-mail address and password do not match.")
    log_in(page, live_server.url, "dan@ortiz.example", password=NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(h1(page)).to_have_text("Welcome, Dan")

    # The link worked once.
    sign_out(page)
    page.goto(link)
    expect(page.get_by_text("This link no longer works")).to_be_visible()


# --- No CSP violations or script errors -------------------------------------------------------


def test_account_security_pages_have_no_csp_violations_or_script_errors(
    page, live_server, people, mail
):
    problems: list[str] = []
    # Pages that answer 4xx on purpose: Chromium logs the document's own status as an error.
    refused: set[str] = set()

    def on_console(message: ConsoleMessage) -> None:
        own_status = message.text.startswith("Failed to load resource: the server responded")
        if own_status and message.location["url"] in refused:
            return
        if message.type == "error":
            problems.append(f"{page.url}: console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: pageerror: {error}"))
    page.add_init_script(CSP_RECORDER)
    page.set_viewport_size(DESKTOP)
    seen: list[str] = []

    def here(*ready: Locator) -> None:
        """Check the page the browser is on now."""
        for locator in ready:
            expect(locator).to_be_visible()
        # Scripts are deferred: let them run before reading the violations.
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        path = page.url.removeprefix(live_server.url)
        problems.extend(f"{path}: CSP: {violation}" for violation in violations)
        seen.append(path)

    def visit(path: str, *ready: Locator, status: int = 200) -> None:
        if status != 200:
            refused.add(f"{live_server.url}{path}")
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == status, f"{path} answered {response.status}"
        here(*ready)

    def named(text: str) -> Locator:
        return h1(page).filter(has_text=text)

    # Signed out: the login page and the password-reset pages.
    visit("/accounts/login/", named("Sign in"))
    page.get_by_role("link", name="Forgot your password?").click()
    here(named("Forgot your password?"))
    page.get_by_label("E-mail").fill("dan@ortiz.example")
    page.get_by_role("button", name="Send me a link").click()
    here(named("Check your e-mail"))
    link = reset_link_sent(mail, "dan@ortiz.example")
    visit(link.removeprefix(live_server.url), named("Choose a new password"))
    visit(
        "/accounts/password/reset/MQ/1-2/",
        page.get_by_text("This link no longer works"),
        status=400,
    )

    # Signed in: set up two-factor, see the codes, the account page with its sessions.
    log_in(page, live_server.url, "dan@ortiz.example")
    expect(h1(page)).to_have_text("Welcome, Dan")
    visit("/accounts/me/two-factor/", page.get_by_role("img", name=QR_ALT))
    assert page.get_by_role("img", name=QR_ALT).evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=SCREENSHOTS / "goodwill-two-factor-setup.png", full_page=True)
    secret = page.locator("code.token").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    here(page.get_by_text("They are shown only this once."))
    visit("/accounts/me/", page.get_by_role("heading", name="Your sessions"))
    expect(page.get_by_text("(this session)")).to_be_visible()

    # The members page with an invitation pending, sent from the page itself.
    visit("/settings/members/", page.get_by_role("heading", name="Invite someone"))
    page.get_by_label("E-mail address to invite").fill("sam@ortiz.example")
    page.get_by_role("button", name="Send invitation").click()
    here(page.get_by_role("heading", name="Open invitations"))
    expect(page.get_by_role("row").filter(has_text="sam@ortiz.example")).to_contain_text(
        "Valid until"
    )

    # The audit trail, with the invitation and a contact someone added.
    with acting.acting(people.assistant.pk, "web"):
        people_services.contact_create(people.workspace, actor=people.assistant, first_name="Lena")
    visit("/settings/audit/", page.get_by_role("heading", name="Audit trail"))
    rows = page.locator("main table tbody tr")
    expect(rows.filter(has_text="sent an invitation")).to_contain_text("Dan Ortiz")
    expect(rows.filter(has_text="Contact #")).to_contain_text("Ava Brook")
    page.screenshot(path=SCREENSHOTS / "goodwill-audit.png", full_page=True)

    # The code page of the next sign-in.
    sign_out(page)
    log_in(page, live_server.url, "dan@ortiz.example")
    here(named("One more step"), page.get_by_label("Code"))

    assert problems == []
    assert len(seen) == 12, seen
