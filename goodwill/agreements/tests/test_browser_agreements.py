"""Working agreements in Chromium: a calling-hours need added from the catalogue, proposed to a
client and agreed; a call they start at 21:10 (in the workspace's Stockholm time, while the run
is in Chicago) is a breach, a call at 10:00 is not; the gentle reminder, prefilled with the need,
goes out over real SMTP and the breach is marked reminded. Another workspace sees none of it."""

import email
import email.policy
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from goodwill.accounts import services as accounts
from goodwill.agenda.services import today_in
from goodwill.agreements import breaches
from goodwill.agreements import services as agreements
from goodwill.agreements.models import Agreement, Breach, Need
from goodwill.core import browser_testing, worker
from goodwill.messaging.models import OutgoingMessage
from goodwill.people import services as people
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
WORKER = "browser-agreements"
ZONE = "Europe/Stockholm"
THEIR_ZONE = "America/New_York"  # where Dan's +1 212 number places him
TITLE = "Calls on weekdays, 9 to 5"
WHY = "You reach me ready to talk, and I give you my full attention"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def sign_in(page: Page, live_server, address: str) -> None:
    browser_testing.sign_in(page, live_server.url, address, PASSWORD)


def last_weekday_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def log_their_call(page: Page, live_server, contact_pk: int, when: datetime) -> None:
    """Log, through the contact page's "Log a touch with details", a call they started."""
    page.goto(f"{live_server.url}/people/{contact_pk}/")
    touch = page.locator("#touch")
    touch.get_by_text("Log a touch with details").click()
    touch.get_by_label("Kind").select_option(label="Call")
    touch.get_by_label("Direction").select_option(label="They reached out")
    touch.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    touch.get_by_role("button", name="Log touch", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Call with Dan Ortiz logged.")


def test_a_late_call_is_a_breach_and_the_gentle_reminder_goes_out(page: Page, live_server, smtp):
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    # Far from the test run's Chicago, so a time read in the wrong zone shows.
    workspace = accounts.workspace_create(owner=owner, name="Studio", time_zone=ZONE)
    zone = ZoneInfo(ZONE)
    dan = people.contact_create(
        workspace,
        actor=owner,
        kind="client",
        first_name="Dan",
        last_name="Ortiz",
        emails=[Labelled("", "dan@ortiz.example")],
        phones=[Labelled("", "+1 212 555 0100")],
    )
    today = today_in(workspace)
    assert today == datetime.now(zone).date()
    proposed_on = today - timedelta(days=14)
    agreed_on = today - timedelta(days=10)
    call_day = last_weekday_before(today)  # within the 10 days since they agreed
    assert agreed_on <= call_day < today
    sign_in(page, live_server, "maya@studio.example")

    # Add the calling-hours need from the catalogue.
    page.goto(f"{live_server.url}/agreements/needs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your needs")
    expect(page.locator("main")).to_contain_text("No needs yet.")
    page.get_by_role("link", name="Calling hours", exact=True).click()
    assert page.url == f"{live_server.url}/agreements/needs/new/?kind=calling_hours"
    expect(page.get_by_role("heading", level=1)).to_have_text("A new need")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Why it is good for both of you").fill(WHY)
    for day in WEEKDAYS:
        page.get_by_label(day, exact=True).check()
    for day in ("Saturday", "Sunday"):
        page.get_by_label(day, exact=True).uncheck()
    page.get_by_label("From", exact=True).fill("09:00")
    page.get_by_label("To", exact=True).fill("17:00")
    page.get_by_role("button", name="Add the need").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Added: {TITLE}.")
    assert page.url == f"{live_server.url}/agreements/needs/"
    need = Need.objects.get()
    assert (need.workspace_id, need.kind, need.title, need.why) == (
        workspace.pk,
        "calling_hours",
        TITLE,
        WHY,
    )
    assert need.terms == {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}
    item = page.locator(f"#need-{need.pk}")
    expect(item).to_contain_text(TITLE)
    expect(item).to_contain_text("Calling hours")
    expect(item).to_contain_text("Monday to Friday, 09:00 to 17:00")

    # Propose it to Dan from his page, two weeks ago on our call.
    page.goto(f"{live_server.url}/people/{dan.pk}/")
    page.locator("#agreements").get_by_role("link", name="Propose it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreements with Dan Ortiz")
    expect(page.get_by_role("heading", name=f"Next: {TITLE}")).to_be_visible()
    expect(page.get_by_label("Need")).to_have_value(str(need.pk))
    page.get_by_label("Proposed on").fill(proposed_on.isoformat())
    page.get_by_label("How you put it to them").fill("on our kick-off call")
    page.get_by_role("button", name="Proposed", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"Proposed: {TITLE}.")
    agreement = Agreement.objects.get()
    assert (agreement.contact_id, agreement.need_id, agreement.status) == (
        dan.pk,
        need.pk,
        "proposed",
    )
    assert (agreement.proposed_on, agreement.proposed_how) == (
        proposed_on,
        "on our kick-off call",
    )
    row = page.locator(f"#agreement-{agreement.pk}")
    expect(row).to_contain_text("Proposed")
    expect(row).to_contain_text("Monday to Friday, 09:00 to 17:00")

    # They agreed, ten days ago.
    row.get_by_label("On", exact=True).fill(agreed_on.isoformat())
    row.get_by_role("button", name="Agreed", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(f"Agreed: {TITLE}.")
    row = page.locator(f"#agreement-{agreement.pk}")
    expect(row.locator(".badge")).to_have_text("Agreed")
    expect(row).to_contain_text(f"agreed {agreed_on.day} {agreed_on:%b %Y}")
    expect(row.get_by_role("button", name="Agreed", exact=True)).to_have_count(0)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.agreed_on) == ("agreed", agreed_on)

    # A call they started at 10:00 on a weekday is welcome: no breach.
    morning = datetime.combine(call_day, time(10, 0), tzinfo=zone)
    log_their_call(page, live_server, dan.pk, morning)
    first = Interaction.objects.get()
    assert (first.kind, first.direction, first.occurred_at) == ("call", "theirs", morning)
    assert not Breach.objects.exists()
    page.goto(f"{live_server.url}/people/{dan.pk}/breaches/")
    expect(page.get_by_role("heading", level=1)).to_have_text("What Dan Ortiz did not uphold")
    expect(page.locator("main")).to_contain_text("None logged. That is a good sign.")
    expect(page.get_by_role("link", name="Send a reminder")).to_have_count(0)

    # A call they started at 21:10, Stockholm time, is not.
    evening = datetime.combine(call_day, time(21, 10), tzinfo=zone)
    log_their_call(page, live_server, dan.pk, evening)
    late = Interaction.objects.exclude(pk=first.pk).get()
    assert (late.kind, late.direction, late.occurred_at) == ("call", "theirs", evening)
    weekday = WEEKDAYS[call_day.weekday()]
    note = f"Called on {weekday} at 21:10: calls are welcome 09:00 to 17:00."
    breach = Breach.objects.get()
    assert (breach.agreement_id, breach.contact_id, breach.source) == (
        agreement.pk,
        dan.pk,
        "interaction",
    )
    assert (breach.ref, breach.occurred_at, breach.note) == (
        f"interaction:{late.pk}",
        evening.astimezone(UTC),
        note,
    )
    assert breach.reminded_at is None
    expect(page.locator("#timeline")).to_contain_text(f"Not upheld: {TITLE}")

    # Dan's breaches page shows it at 21:10 in Stockholm, and on his own New York clock.
    page.locator("#agreements").get_by_role("link", name="Breaches", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What Dan Ortiz did not uphold")
    items = page.locator("main li").filter(has_text=TITLE)
    expect(items).to_have_count(1)
    item = items.first
    theirs = evening.astimezone(ZoneInfo(THEIR_ZONE))
    expect(item).to_contain_text(f"{evening:%a} {call_day.day} {evening:%b %Y}, 21:10")
    expect(item).to_contain_text(f"({theirs:%H:%M} for them, {THEIR_ZONE})")
    expect(item).to_contain_text(note)
    expect(item.get_by_role("button", name="Mark reminded")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"workspace's time zone ({ZONE})")

    # Send a reminder: the gentle template, filled in with the need and why.
    item.get_by_role("link", name="Send a reminder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to Dan Ortiz")
    assert page.url.startswith(f"{live_server.url}/people/{dan.pk}/write/?")
    assert "occasion=boundary" in page.url
    expect(page.get_by_label("To", exact=True)).to_have_value("dan@ortiz.example")
    expect(page.get_by_label("Subject")).to_have_value("A small reminder, Dan")
    body = page.get_by_label("Message")
    expect(body).to_have_value(re.compile(r"^Hi Dan,"))
    about = f"A friendly reminder of what we agreed: {TITLE}: {WHY}. It helps me"
    expect(body).to_have_value(re.compile(re.escape(about)))
    expect(body).to_have_value(re.compile(r"Maya\nStudio$"))
    expect(body).not_to_have_value(re.compile(r"\{\{|\}\}"))
    expect(page.get_by_label("Subject")).not_to_have_value(re.compile(r"\{\{|\}\}"))
    # No template problems, and an address to send to (the worker banner is not about this).
    expect(page.locator("section.card").get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Send", exact=True).click()

    # Queued by the web request; the worker sends it over real SMTP.
    expect(page.get_by_role("status").first).to_contain_text(
        "Your message to Dan Ortiz is on its way."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("A small reminder, Dan")
    expect(page.locator(".message-state")).to_have_text("Waiting to be sent")
    message_url = page.url
    message = OutgoingMessage.objects.get()
    assert (message.contact_id, message.occasion, message.state) == (dan.pk, "boundary", "queued")
    assert smtp.envelopes == []
    assert worker.jobs_run_ready(WORKER) == 1
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["dan@ortiz.example"]
    sent = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert sent["Subject"] == "A small reminder, Dan"
    assert sent["Reply-To"] == "maya@studio.example"
    part = sent.get_body(preferencelist=("plain",))
    assert part is not None
    text = str(part.get_content())
    assert text.startswith("Hi Dan,")
    assert about in text
    assert "{{" not in text
    assert "}}" not in text
    page.goto(message_url)
    expect(page.locator(".message-state")).to_have_text("Sent")
    message.refresh_from_db()
    assert message.state == "sent"

    # Sending is not marking: the breach waits for "Mark reminded", and is then reminded.
    breach.refresh_from_db()
    assert breach.reminded_at is None
    page.goto(f"{live_server.url}/people/{dan.pk}/breaches/")
    item = page.locator("main li").filter(has_text=TITLE).first
    item.get_by_role("button", name="Mark reminded").click()
    expect(page.get_by_role("status").first).to_contain_text("Marked as reminded.")
    item = page.locator("main li").filter(has_text=TITLE)
    expect(item).to_have_count(1)
    breach.refresh_from_db()
    assert breach.reminded_at is not None
    assert evening < breach.reminded_at <= datetime.now(UTC)
    shown = breach.reminded_at.astimezone(zone)
    expect(item).to_contain_text(f"Reminded {shown.day} {shown:%b %Y, %H:%M}.")
    expect(item.get_by_role("button", name="Mark reminded")).to_have_count(0)
    expect(item.get_by_role("link", name="Send a reminder")).to_be_visible()

    # Only the late call is a breach, once; the reminder e-mail (ours) is none; nothing more
    # goes out.
    assert Breach.objects.count() == 1
    assert [b.ref for b in Breach.objects.all()] == [f"interaction:{late.pk}"]
    assert breaches.reminder_about(agreement) == f"{TITLE}: {WHY}"
    assert worker.jobs_run_ready(WORKER) == 0
    assert len(smtp.envelopes) == 1


def test_another_workspace_cannot_open_the_breaches_or_agreements(
    page: Page, browser: Browser, live_server
):
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    studio = accounts.workspace_create(owner=owner, name="Studio", time_zone=ZONE)
    dan = people.contact_create(
        studio, actor=owner, kind="client", first_name="Dan", last_name="Ortiz"
    )
    need = agreements.need_create(
        studio,
        kind="calling_hours",
        title=TITLE,
        why=WHY,
        terms={"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"},
    )
    today = today_in(studio)
    agreement = agreements.agreement_propose(dan, need, on=today - timedelta(days=3))
    agreements.agreement_agree(agreement, on=today - timedelta(days=2))
    breaches.breach_log(agreement, note="called at 21:10")
    outsider = accounts.user_create(email="olly@elsewhere.example", password=PASSWORD, name="Olly")
    accounts.workspace_create(owner=outsider, name="Elsewhere", time_zone="America/Chicago")
    pages = [
        f"{live_server.url}/people/{dan.pk}/breaches/",
        f"{live_server.url}/people/{dan.pk}/agreements/",
    ]

    sign_in(page, live_server, "olly@elsewhere.example")
    for address in pages:
        response = page.goto(address)
        assert response is not None, address
        assert response.status == 404, address
        expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
        main = page.locator("main")
        for secret in (TITLE, "Dan", "Ortiz", "21:10", "Studio", "full attention"):
            expect(main).not_to_contain_text(secret)
        for button in ("Mark reminded", "Agreed", "Log it", "Proposed"):
            expect(page.get_by_role("button", name=button)).to_have_count(0)

    # The owner does open both (so the 404s above were about the workspace alone).
    context = browser.new_context()
    try:
        mine = context.new_page()
        mine.set_default_timeout(5_000)
        sign_in(mine, live_server, "maya@studio.example")
        for address, heading in zip(
            pages, ["What Dan Ortiz did not uphold", "Agreements with Dan Ortiz"], strict=True
        ):
            response = mine.goto(address)
            assert response is not None
            assert response.status == 200
            expect(mine.get_by_role("heading", level=1)).to_have_text(heading)
            expect(mine.locator("main")).to_contain_text(TITLE)
    finally:
        context.close()
    breach = Breach.objects.get()
    assert (breach.reminded_at, breach.dismissed) == (None, False)
