"""Engagements in Chromium: a proposal lost with its reason owes the client a friendly follow-up;
it shows on the agenda and under Thanks until the follow-up written from the agenda goes out
over real SMTP, and then it is settled and gone. And another workspace cannot open it at all."""

import email
import email.policy
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from goodwill.accounts import services as accounts
from goodwill.agenda.services import today_in
from goodwill.clients import services as clients
from goodwill.clients.models import Engagement
from goodwill.core import browser_testing, worker
from goodwill.messaging.models import OutgoingMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Due, Interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WORKER = "browser-clients"
TITLE = "Website redesign"
REASON = "Went with a cheaper studio"


def sign_in(page: Page, live_server, address: str) -> None:
    browser_testing.sign_in(page, live_server.url, address, PASSWORD)


def test_a_lost_engagement_owes_a_follow_up_until_it_is_sent(page: Page, live_server, smtp):
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    # Far from the test run's Chicago, so a day taken in the wrong zone shows.
    workspace = accounts.workspace_create(owner=owner, name="Studio", time_zone="Pacific/Auckland")
    dan = people.contact_create(
        workspace,
        actor=owner,
        kind="client",
        first_name="Dan",
        last_name="Ortiz",
        emails=[Labelled("", "dan@ortiz.example")],
    )
    sign_in(page, live_server, "maya@studio.example")

    # Propose an engagement from Dan's page.
    page.goto(f"{live_server.url}/people/{dan.pk}/")
    page.locator("#business").get_by_role("link", name="New engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New engagement for Dan Ortiz")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Value").fill("4800")
    page.get_by_role("button", name="Propose it").click()
    expect(page.get_by_role("status").first).to_contain_text("Engagement proposed.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = page.locator("main")
    expect(main).to_contain_text("Proposed")
    engagement = Engagement.objects.get()
    assert (engagement.contact_id, engagement.status) == (dan.pk, "proposed")
    assert page.url == f"{live_server.url}/clients/engagements/{engagement.pk}/"
    assert not Due.objects.exists()

    # Lose it, saying why.
    page.get_by_label("Why (for a lost one)").fill(REASON)
    page.get_by_role("button", name="Lost it").click()
    expect(page.get_by_role("status").first).to_contain_text(f"{TITLE}: Lost.")
    expect(main).to_contain_text(f": {REASON}")
    expect(main.get_by_text(re.compile(r"^Lost \d{1,2} \w+ \d{4}: "))).to_be_visible()
    expect(page.get_by_role("button", name="Lost it")).to_have_count(0)
    expect(page.get_by_role("button", name="Won it")).to_have_count(0)
    expect(page.get_by_role("button", name="Back to proposed")).to_be_visible()
    engagement.refresh_from_db()
    assert (engagement.status, engagement.lost_reason) == ("lost", REASON)
    assert engagement.lost_on == today_in(workspace)
    due = Due.objects.get()
    assert (due.contact_id, due.kind, due.reason, due.state) == (
        dan.pk,
        "follow_up",
        "lost_deal",
        "open",
    )
    assert (due.about, due.source) == (TITLE, f"engagement:{engagement.pk}:lost")

    # The follow-up is due on the agenda today, and listed under Thanks.
    page.goto(f"{live_server.url}/agenda/")
    item = page.locator("li.agenda-item").filter(has_text="Follow-up to Dan Ortiz")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Follow-up after a lost deal: {TITLE}")
    expect(item).not_to_have_class(re.compile(r"\boverdue\b"))
    expect(page.locator(".agenda-day").first).to_have_text("Today")
    page.goto(f"{live_server.url}/thanks/")
    row = page.get_by_role("row").filter(has_text="Dan Ortiz")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Follow-up after a lost deal: {TITLE}")
    expect(row.get_by_role("button", name="Followed up")).to_be_visible()

    # Write it from the agenda item: the follow-up template, filled in for Dan and the deal.
    page.goto(f"{live_server.url}/agenda/")
    item = page.locator("li.agenda-item").filter(has_text="Follow-up to Dan Ortiz")
    item.get_by_role("link", name=re.compile(r"^Write")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to Dan Ortiz")
    expect(page.get_by_label("To")).to_have_value("dan@ortiz.example")
    expect(page.get_by_label("Subject")).to_have_value("Thank you for considering us, Dan")
    body = page.get_by_label("Message")
    expect(body).to_have_value(re.compile(r"^Dear Dan,"))
    expect(body).to_have_value(re.compile(re.escape(f"consider Studio for {TITLE}.")))
    expect(body).not_to_have_value(re.compile(r"\{\{"))
    page.get_by_role("button", name="Send", exact=True).click()

    # Queued by the web request, not sent by it: still owed until it has gone.
    expect(page.get_by_role("status").first).to_contain_text(
        "Your message to Dan Ortiz is on its way."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for considering us, Dan")
    expect(page.locator(".message-state")).to_have_text("Waiting to be sent")
    message_url = page.url
    message = OutgoingMessage.objects.get()
    assert (message.contact_id, message.occasion, message.state) == (dan.pk, "follow_up", "queued")
    assert smtp.envelopes == []
    due.refresh_from_db()
    assert due.state == "open"
    page.goto(f"{live_server.url}/agenda/")
    expect(page.locator("li.agenda-item").filter(has_text="Follow-up to Dan Ortiz")).to_have_count(
        1
    )

    # The worker sends it over real SMTP.
    assert worker.jobs_run_ready(WORKER) == 1
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["dan@ortiz.example"]
    sent = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert sent["Subject"] == "Thank you for considering us, Dan"
    assert sent["Reply-To"] == "maya@studio.example"
    part = sent.get_body(preferencelist=("plain",))
    assert part is not None
    text = str(part.get_content())
    assert text.startswith("Dear Dan,")
    assert f"consider Studio for {TITLE}." in text
    page.goto(message_url)
    expect(page.locator(".message-state")).to_have_text("Sent")

    # Sent: gone from the agenda and from Thanks.
    page.goto(f"{live_server.url}/agenda/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("li.agenda-item").filter(has_text="Dan Ortiz")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Follow-up")
    page.goto(f"{live_server.url}/thanks/")
    expect(page.get_by_role("row").filter(has_text="Dan Ortiz")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Nobody is waiting for a thank-you.")

    # The message is logged as Dan's touch, and that touch settled the follow-up.
    message.refresh_from_db()
    assert message.state == "sent"
    assert message.interaction_id is not None
    touch = Interaction.objects.get()
    assert (touch.pk, touch.kind, touch.direction) == (message.interaction_id, "email", "ours")
    assert list(touch.participations.values_list("contact_id", flat=True)) == [dan.pk]
    due.refresh_from_db()
    assert (due.state, due.settled_by_id) == ("settled", touch.pk)
    assert due.closed_at is not None
    assert Due.objects.count() == 1

    # Dan's page says so too: nothing owed, the loss and the e-mail on his timeline, and the
    # lost engagement no longer among his open ones.
    page.goto(f"{live_server.url}/people/{dan.pk}/")
    expect(page.locator("#thanks")).to_contain_text("Nothing owed right now")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(f"Lost: {TITLE}")
    expect(timeline).to_contain_text("Thank you for considering us, Dan")
    expect(page.locator("#business").get_by_role("link", name=TITLE)).to_have_count(0)

    # Nothing more goes out.
    assert worker.jobs_run_ready(WORKER) == 0
    assert len(smtp.envelopes) == 1


def test_another_workspace_cannot_open_the_engagement(page: Page, browser: Browser, live_server):
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    studio = accounts.workspace_create(owner=owner, name="Studio", time_zone="America/Chicago")
    dan = people.contact_create(
        studio, actor=owner, kind="client", first_name="Dan", last_name="Ortiz"
    )
    engagement = clients.engagement_create(
        dan, actor=owner, title=TITLE, value="4800", currency=studio.currency
    )
    outsider = accounts.user_create(email="olly@elsewhere.example", password=PASSWORD, name="Olly")
    accounts.workspace_create(owner=outsider, name="Elsewhere", time_zone="America/Chicago")
    url = f"{live_server.url}/clients/engagements/{engagement.pk}/"

    sign_in(page, live_server, "olly@elsewhere.example")
    for address in (url, f"{url}edit/", f"{live_server.url}/people/{dan.pk}/engagements/new/"):
        response = page.goto(address)
        assert response is not None, address
        assert response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
        main = page.locator("main")
        for secret in (TITLE, "Dan", "Ortiz", "4,800", "4800", "Studio"):
            expect(main).not_to_contain_text(secret)
        expect(page.get_by_role("button", name="Lost it")).to_have_count(0)

    # The owner does open it (so the 404s above were about the workspace alone).
    context = browser.new_context()
    try:
        mine = context.new_page()
        mine.set_default_timeout(5_000)
        sign_in(mine, live_server, "maya@studio.example")
        response = mine.goto(url)
        assert response is not None
        assert response.status == 200
        expect(mine.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(mine.get_by_role("button", name="Lost it")).to_be_visible()
    finally:
        context.close()
    engagement.refresh_from_db()
    assert engagement.status == "proposed"
