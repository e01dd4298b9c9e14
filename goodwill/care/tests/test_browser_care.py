"""Customer care in Chromium, as the customer lives it: file a complaint on the public form, get
the acknowledgement over real SMTP, open its link, see the owner's reply appear, accept the
resolution and rate it with one click. And a wrong link shows nothing at all."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import Page, expect

from goodwill.accounts import services as accounts
from goodwill.care import intake, links
from goodwill.care.models import Case, Status
from goodwill.care.services import case_reply
from goodwill.core import worker
from goodwill.touchpoints.models import Due, Interaction, InteractionKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WORKER = "browser-care"


@pytest.fixture
def no_wait(monkeypatch):
    """The public form refuses what was sent within intake.MIN_SECONDS of being shown; a browser
    is that fast, so the wait is taken away (the live server reads the same module)."""
    monkeypatch.setattr(intake, "MIN_SECONDS", 0)


def mails(smtp) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(envelope.content, policy=email.policy.default)
        for envelope in smtp.envelopes
    ]


def text_of(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def status_link(body: str, site_url: str) -> str:
    found = re.search(re.escape(site_url) + r"/p/[^/\s]+/case/[^/\s]+/", body)
    assert found is not None, body
    return found.group(0)


def test_a_customer_files_a_complaint_follows_it_accepts_and_rates(
    page: Page, live_server, smtp, settings, no_wait
):
    settings.SITE_URL = live_server.url
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    workspace = accounts.workspace_create(owner=owner, name="Studio", time_zone="America/Chicago")

    # The customer files a complaint on the public form.
    page.goto(f"{live_server.url}/p/{workspace.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell Studio")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your e-mail address").fill("ada@example.org")
    page.get_by_label("This is").select_option("complaint")
    page.get_by_label("About (an order, a date…)").fill("Order 1042")
    page.get_by_label("What happened").fill("The mug arrived broken.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — it is case #1")
    expect(page.locator("main")).to_contain_text("We are sorry this happened.")
    case = Case.objects.get()
    assert (case.number, case.type, case.status, case.source) == (1, "complaint", "new", "public")
    assert (case.contact.first_name, case.contact.last_name) == ("Ada", "Lovelace")

    # The acknowledgement goes out through the outbox and the worker, over real SMTP.
    assert smtp.envelopes == []  # queued, not sent by the web request
    assert worker.jobs_run_ready(WORKER) == 1
    [ack] = mails(smtp)
    assert smtp.envelopes[0].rcpt_tos == ["ada@example.org"]
    assert ack["Subject"] == "We have your complaint (case #1)"
    body = text_of(ack)
    assert "Dear Ada" in body
    assert "We are sorry this happened, and we will put it right." in body
    assert "expect our first answer by" in body
    link = status_link(body, live_server.url)

    # The link in the e-mail opens the case, in plain words.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Case #1: Order 1042")
    expect(page.locator("main")).to_contain_text("Your complaint to Studio is received.")
    expect(page.locator(".case-entries")).to_contain_text("No answer yet. We will answer by")
    expect(page.get_by_role("button", name="It is solved: thank you")).to_have_count(0)
    expect(page.get_by_role("heading", name="How did we do?")).to_have_count(0)

    # The owner notes something for the team only, then replies and resolves it.
    case_reply(case, actor=owner, body="Supplier packed it badly again.", public=False)
    case_reply(
        case,
        actor=owner,
        body="So sorry, Ada: a new mug left today, well packed.",
        public=True,
        status=Status.RESOLVED,
    )
    page.reload()
    entries = page.locator(".case-entries")
    expect(entries).to_contain_text("So sorry, Ada: a new mug left today, well packed.")
    expect(entries).to_contain_text("Studio")
    expect(page.locator("main")).not_to_contain_text("Supplier packed it badly")
    expect(page.locator("main")).to_contain_text("Your complaint to Studio is resolved.")

    # The update arrives over SMTP too, with the same link; the note never leaves.
    assert worker.jobs_run_ready(WORKER) == 1
    [_, update] = mails(smtp)
    assert update["Subject"] == "Case #1: resolved"
    update_body = text_of(update)
    assert "So sorry, Ada: a new mug left today, well packed." in update_body
    assert "Supplier" not in update_body
    assert status_link(update_body, live_server.url) == link

    # The customer accepts the resolution with one click, and rates it with another.
    page.goto(link)
    page.get_by_role("button", name="It is solved: thank you").click()
    expect(page.locator("main")).to_contain_text("Your complaint to Studio is closed.")
    expect(page.get_by_role("button", name="It is solved: thank you")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen the case")).to_be_visible()
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    page.get_by_role("button", name="5 · excellent").click()
    expect(page.locator("#rate-heading")).to_have_text("You rated us 5 of 5. Change it?")
    expect(page.get_by_role("button", name="5 · excellent")).to_have_attribute(
        "aria-pressed", "true"
    )

    case.refresh_from_db()
    assert (case.status, case.close_reason, case.rating) == ("closed", "resolved", 5)
    assert case.resolved_at is not None
    assert case.closed_at is not None
    assert case.first_response_at is not None
    due = Due.objects.get(contact=case.contact)
    assert (due.state, due.about) == ("open", "accepting the resolution of case #1")
    assert case.resolved_at <= case.due_at  # put right within its target, so it was logged
    put_right = Interaction.objects.get(kind=InteractionKind.PUT_RIGHT)
    assert list(put_right.participations.values_list("contact_id", flat=True)) == [case.contact_id]
    assert "Complaint #1 put right in time" in put_right.note

    # Accepting and rating send nothing more.
    assert worker.jobs_run_ready(WORKER) == 0
    assert len(smtp.envelopes) == 2


def test_a_wrong_link_shows_not_found_and_nothing_about_any_case(
    page: Page, live_server, settings, no_wait
):
    settings.SITE_URL = live_server.url
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    studio = accounts.workspace_create(owner=owner, name="Studio", time_zone="America/Chicago")
    other = accounts.workspace_create(owner=owner, name="Other Shop", time_zone="America/Chicago")
    filed = intake.file_public(
        studio,
        name="Ada Lovelace",
        email="ada@example.org",
        type="complaint",
        subject="Order 1042",
        text="The mug arrived broken.",
        stamp=intake.form_stamp(),
    )
    token = links.case_token(filed.case)
    assert token

    for url in (
        f"{live_server.url}/p/{studio.slug}/case/{token[:-3]}xyz/",  # a mistyped token
        f"{live_server.url}/p/{studio.slug}/case/not-a-token/",
        f"{live_server.url}/p/{other.slug}/case/{token}/",  # a real token, another workspace
    ):
        response = page.goto(url)
        assert response is not None, url
        assert response.status == 404, url
        expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
        main = page.locator("main")
        for secret in ("Case #", "Order 1042", "mug", "Ada", "complaint", "How did we do?"):
            expect(main).not_to_contain_text(secret)
        expect(page.get_by_role("button", name="It is solved: thank you")).to_have_count(0)

    # The right link does open it (so the 404s above were about the token alone).
    page.goto(f"{live_server.url}/p/{studio.slug}/case/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case #1: Order 1042")
