"""Importing a phone's contacts as a person does it, in Chromium: upload a vCard file, read the
preview (one person already here, one card cut short), skip the duplicate, import, find the new
people, and undo the whole import."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from goodwill.accounts import services as accounts
from goodwill.core.browser_testing import sign_in
from goodwill.people import services
from goodwill.people.services import Labelled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Hale;Tom;;;\r\nFN:Tom Hale\r\n"
    "EMAIL;TYPE=WORK:tom@hale.example\r\nBDAY:--0412\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Berg;Maja;;;\r\nFN:Maja Berg\r\n"
    "EMAIL:maja@berg.example\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lind;Anna;;;\r\nFN:Anna Lind\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n"
)


def test_upload_preview_skip_a_duplicate_import_and_undo(page: Page, live_server, tmp_path: Path):
    owner = accounts.user_create(email="maya@studio.example", password=PASSWORD, name="Maya")
    workspace = accounts.workspace_create(
        owner=owner, name="Lindqvist", time_zone="Europe/Stockholm"
    )
    services.contact_create(
        workspace, actor=owner, first_name="Maja", emails=[Labelled("", "maja@berg.example")]
    )
    file = tmp_path / "phone.vcf"
    file.write_text(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, "maya@studio.example", PASSWORD)

    page.goto(f"{live_server.url}/people/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(file)
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", name="Import of phone.vcf")).to_be_visible()
    expect(page.get_by_text("This card has no END:VCARD")).to_be_visible()
    duplicates = page.get_by_role("table").filter(has_text="same e-mail maja@berg.example")
    duplicates.get_by_label("Skip").check()
    page.get_by_role("button", name="Import now").click()

    expect(page.get_by_role("status")).to_contain_text("Imported: 2 new people")
    page.get_by_role("link", name="See everyone").click()
    expect(page.get_by_role("link", name="Tom Hale")).to_be_visible()
    expect(page.get_by_role("link", name="Anna Lind")).to_be_visible()

    page.go_back()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.get_by_text("The import is undone.")).to_be_visible()
    page.goto(f"{live_server.url}/people/")
    expect(page.get_by_role("link", name="Tom Hale")).to_have_count(0)
    expect(page.get_by_role("link", name="Maja", exact=True)).to_be_visible()
    assert errors == []
