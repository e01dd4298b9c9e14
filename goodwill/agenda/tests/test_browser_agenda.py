"""The agenda in Chromium: Leo's birthday with the gift idea on the dashboard, and a reminder
done from it."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from goodwill.accounts import services as accounts
from goodwill.agenda import services
from goodwill.people import services as people
from goodwill.people.dates import PartialDate
from goodwill.people.models import CircleMember, Gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_the_dashboard_agenda_shows_the_birthday_and_a_reminder_is_done(page: Page, live_server):
    page.set_default_timeout(5_000)
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    workspace = accounts.workspace_create(owner=owner, name="Studio", time_zone="Europe/Stockholm")
    dan = people.contact_create(
        workspace, actor=owner, kind="client", first_name="Dan", last_name="Ortiz"
    )
    today = services.today_in(workspace)
    soon = today + timedelta(days=3)
    leo = CircleMember(workspace=workspace, contact=dan, name="Leo", relation="child")
    leo.set_partial_date(PartialDate(month=soon.month, day=soon.day, year=soon.year - 9))
    leo.save()
    Gift.objects.create(workspace=workspace, contact=dan, for_member=leo, description="Rookie card")
    services.reminder_create(dan, actor=owner, title="Call Dan about March", due_on=today)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("maya@studio.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    agenda = page.locator("#agenda")
    expect(agenda).to_contain_text("Leo, Dan Ortiz's child, turns 9")
    expect(agenda).to_contain_text("gift ideas: Rookie card")
    reminder = agenda.get_by_role("listitem").filter(has_text="Call Dan about March")
    reminder.get_by_role("button", name="Done").click()
    expect(page.get_by_role("status").first).to_contain_text("Call Dan about March: Done.")
    expect(page.locator("#agenda")).not_to_contain_text("Call Dan about March")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agenda").click()
    page.get_by_role("link", name="30 days").click()
    expect(page.get_by_text("Today and the next 30 days")).to_be_visible()
