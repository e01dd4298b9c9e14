"""Log a meal with two people in Chromium: it lands on both timelines, the overdue list shrinks,
the rapport score rises with its explanation, and the first meeting's thank-you is owed until
it is given."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from goodwill.accounts import services as accounts
from goodwill.people import services as people
from goodwill.people.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def test_a_meal_with_two_contacts_reaches_both_and_clears_the_overdue_list(page: Page, live_server):
    page.set_default_timeout(5_000)
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    workspace = accounts.workspace_create(owner=owner, name="Studio", time_zone="Europe/Stockholm")
    dan = people.contact_create(
        workspace, actor=owner, kind="client", first_name="Dan", last_name="Ortiz"
    )
    priya = people.contact_create(
        workspace, actor=owner, kind="client", first_name="Priya", last_name="Raman"
    )
    Contact.objects.update(created_at=timezone.now() - timedelta(days=90))
    for contact in Contact.objects.all():
        contact.save()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("maya@studio.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Keep in touch").click()
    expect(page.get_by_role("link", name="Dan Ortiz")).to_be_visible()
    expect(page.get_by_role("link", name="Priya Raman")).to_be_visible()

    page.get_by_role("link", name="Dan Ortiz").click()
    rapport = page.locator("#rapport")
    expect(rapport.get_by_role("heading")).to_have_text("Rapport: 0 of 100")
    expect(rapport).to_contain_text("0 meals, visits or gifts")
    page.get_by_text("Log a touch with details").click()
    touch = page.locator("#touch")
    touch.get_by_label("Kind").select_option("meal")
    touch.get_by_label("Who else took part").fill(str(priya.pk))
    touch.get_by_label("Note").fill("Lunch at the taqueria")
    touch.get_by_role("button", name="Log touch").click()
    expect(page.locator("#timeline")).to_contain_text("Meal with Priya Raman")
    expect(page.locator("#touch")).to_contain_text("Last touch")
    expect(rapport.get_by_role("heading")).not_to_have_text("Rapport: 0 of 100")
    expect(rapport).to_contain_text("1 meals, visits or gifts")
    expect(rapport).to_contain_text("Last touch 0 days ago")
    thanks = page.locator("#thanks")
    expect(thanks).to_contain_text("Thank-you for a first meeting")

    page.goto(f"{live_server.url}/people/{priya.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Meal with Dan Ortiz")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Keep in touch").click()
    expect(page.get_by_text("Nobody is overdue")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Thanks").click()
    rows = page.get_by_role("row").filter(has_text="first meeting")
    expect(rows).to_have_count(2)
    rows.filter(has_text="Dan Ortiz").get_by_role("button", name="Thanked").click()
    expect(page.get_by_role("row").filter(has_text="first meeting")).to_have_count(1)
    page.goto(f"{live_server.url}/people/{dan.pk}/")
    expect(page.locator("#timeline")).to_contain_text("Thank-you")
    expect(page.locator("#thanks")).to_contain_text("Nothing owed right now")
