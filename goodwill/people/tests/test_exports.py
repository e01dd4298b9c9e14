"""Exporting many contacts: vCard 4.0 and CSV, on the page, over the API and from the CLI."""

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import vobject
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.utils import timezone

from goodwill.core.models import AuditEvent
from goodwill.core.scoping import scoped
from goodwill.core.testing import GoodwillTestCase
from goodwill.people import exports, services
from goodwill.people.exports import (
    CSV_COLUMNS,
    WHOLE_WORKSPACE_ONLY,
    contacts_csv,
    contacts_vcards,
)
from goodwill.people.models import Contact
from goodwill.people.services import AddressInput, Labelled


def cards(text: str) -> list[Any]:
    return list(vobject.readComponents(text))


def body(response: Any) -> str:
    """A streamed download's text."""
    return b"".join(response.streaming_content).decode()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class ExportTestCase(GoodwillTestCase):
    def setUp(self):
        self.dan = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="client",
            first_name="Dan",
            last_name="Ortiz",
            nickname="Danny",
            organization="Acme",
            role="President",
            emails=[Labelled("work", "dan@acme.example"), Labelled("home", "d@home.example")],
            phones=[Labelled("mobile", "+1 415 555 0100"), Labelled("work", "+1 212 555 0199")],
            addresses=[AddressInput(label="home", street="1 Main St", city="Austin")],
            links=[Labelled("website", "https://dan.example")],
            tags=["vip", "golf"],
            how_we_met="At the trade fair",
            met_at="Expo 2024",
        )
        services.date_add(self.dan, kind="birthday", date="--04-12")
        services.fact_add(self.dan, category="like", text="Jazz")
        services.fact_add(self.dan, category="other", text="Knee surgery", private=True)
        services.note_add(self.dan, author=self.owner, body="Owes us a call")
        self.zoe = services.contact_create(
            self.workspace,
            actor=self.owner,
            kind="prospect",
            first_name="Zoë",
            last_name="Ångström",
            emails=[Labelled("", "zoe@example.org")],
            tags=["vip"],
        )
        services.date_add(self.zoe, kind="birthday", date="1984-02-29")
        self.other = services.contact_create(
            self.other_workspace,
            actor=self.outsider,
            kind="client",
            first_name="Olga",
            tags=["vip"],
        )

    def everyone(self):
        return scoped(Contact, self.workspace).order_by("sort_name", "id")


class VcardExportTests(ExportTestCase):
    def test_it_reads_back_as_one_card_per_contact_with_their_details(self):
        text = "".join(contacts_vcards(self.workspace, self.everyone()))
        dan, zoe = cards(text)
        assert dan.version.value == "4.0"
        assert (dan.n.value.family, dan.n.value.given, dan.fn.value) == (
            "Ortiz",
            "Dan",
            "Dan Ortiz",
        )
        assert [line.value for line in dan.contents["email"]] == [
            "dan@acme.example",
            "d@home.example",
        ]
        assert [line.value for line in dan.contents["tel"]] == [
            "tel:+14155550100",
            "tel:+12125550199",
        ]
        assert dan.bday.value == "--0412"
        assert sorted(dan.categories.value) == ["golf", "vip"]
        assert (zoe.fn.value, zoe.bday.value, zoe.email.value) == (
            "Zoë Ångström",
            "19840229",
            "zoe@example.org",
        )

    def test_it_never_exports_private_facts_or_notes(self):
        text = "".join(contacts_vcards(self.workspace, self.everyone()))
        assert "Likes: Jazz" in text
        assert "Knee surgery" not in text
        assert "Owes us a call" not in text

    def test_it_is_recorded_once_against_the_workspace(self):
        list(contacts_vcards(self.workspace, self.everyone(), actor=self.owner))
        event = AuditEvent.objects.get(action="export")
        assert (event.object_type, event.object_id) == (
            "accounts.workspace",
            str(self.workspace.pk),
        )
        assert event.actor == self.owner

    def test_a_queryset_of_another_workspace_yields_nothing(self):
        others = Contact.objects.filter(pk=self.other.pk)
        assert "".join(contacts_vcards(self.workspace, others)) == ""

    def test_the_one_person_vcard_is_the_same_card(self):
        one = self.client
        one.force_login(self.owner)
        response = one.get(f"/people/{self.dan.pk}/export.vcf")
        assert response.status_code == 200
        [card] = cards(response.content.decode())
        assert (card.fn.value, card.bday.value) == ("Dan Ortiz", "--0412")

    def test_chunks_keep_the_order_and_report_progress(self):
        seen = []
        with mock.patch.object(exports, "CHUNK_SIZE", 1):
            chunks = list(
                contacts_csv(
                    self.workspace,
                    self.everyone().order_by("-first_name"),
                    progress=lambda done, total: seen.append((done, total)),
                )
            )
        assert len(chunks) == 3  # the header, then one person per chunk
        assert [r["first_name"] for r in rows("".join(chunks))] == ["Zoë", "Dan"]
        assert seen == [(1, 2), (2, 2)]

    def test_the_queries_are_the_same_for_3_and_30_contacts(self):
        def queries_for(count):
            Contact.objects.filter(workspace=self.workspace).delete()
            for number in range(count):
                contact = services.contact_create(
                    self.workspace,
                    actor=self.owner,
                    kind="client",
                    first_name=f"P{number}",
                    emails=[Labelled("", f"p{number}@example.org")],
                    phones=[Labelled("", f"+1 415 555 {1000 + number}")],
                    tags=[f"t{number}"],
                )
                services.date_add(contact, kind="birthday", date="--01-02")
                services.circle_add(contact, name="Kid", relation="child")
                services.fact_add(contact, category="like", text="Tea")
            with self.assertNumQueries(22) as captured:
                text = "".join(contacts_vcards(self.workspace, self.everyone()))
                csv_text = "".join(contacts_csv(self.workspace, self.everyone()))
            assert len(cards(text)) == count
            assert len(rows(csv_text)) == count
            return len(captured)

        # Per export (two here): the ids, the audit entry and nine queries per chunk.
        assert queries_for(3) == queries_for(30) == 22


class CsvExportTests(ExportTestCase):
    def test_it_has_a_header_and_a_row_per_contact(self):
        text = "".join(contacts_csv(self.workspace, self.everyone()))
        assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
        dan, zoe = rows(text)
        assert dan["first_name"] == "Dan"
        assert dan["nickname"] == "Danny"
        assert (dan["kind"], dan["organization"], dan["role"]) == ("client", "Acme", "President")
        assert dan["emails"] == "dan@acme.example; d@home.example"
        assert dan["phones"] == "'+14155550100; +12125550199"
        assert (dan["street"], dan["city"]) == ("1 Main St", "Austin")
        # A year-less date starts with "-", so it is neutralised like any other cell.
        assert dan["birthday"] == "'--04-12"
        assert dan["tags"] == "golf; vip"
        assert dan["websites"] == "https://dan.example"
        assert (dan["how_we_met"], dan["met_at"]) == ("At the trade fair", "Expo 2024")
        assert (zoe["first_name"], zoe["last_name"], zoe["birthday"]) == (
            "Zoë",
            "Ångström",
            "1984-02-29",
        )
        assert zoe["phones"] == zoe["street"] == ""

    def test_formulas_are_neutralised(self):
        services.contact_update(
            self.zoe,
            actor=self.owner,
            how_we_met='=HYPERLINK("http://evil.example","click")',
            met_at="@SUM(1+1)",
            role="-2+3",
            organization="+cmd",
        )
        [_, zoe] = rows("".join(contacts_csv(self.workspace, self.everyone())))
        assert zoe["how_we_met"] == '\'=HYPERLINK("http://evil.example","click")'
        assert (zoe["met_at"], zoe["role"], zoe["organization"]) == ("'@SUM(1+1)", "'-2+3", "'+cmd")
        assert exports.neutralised("a=b") == "a=b"
        assert exports.neutralised("\tx") == "'\tx"

    def test_private_facts_and_notes_are_not_in_it(self):
        text = "".join(contacts_csv(self.workspace, self.everyone()))
        assert "Knee surgery" not in text
        assert "Owes us a call" not in text

    def test_json_is_the_backup_and_refused_for_a_selection(self):
        selection = self.everyone().filter(kind="prospect")
        with pytest.raises(ValidationError, match="whole workspace"):
            exports.contacts_export(self.workspace, selection, format="json")
        assert not AuditEvent.objects.exists()
        text = "".join(exports.contacts_export(self.workspace, self.everyone(), format="json"))
        assert json.loads(text)["format"] == "goodwill-backup"


class ExportPageTests(ExportTestCase):
    def test_owners_download_every_contact_as_vcard_and_csv(self):
        self.login(self.owner)
        today = timezone.localdate(timezone=self.workspace.zone).isoformat()
        vcf = self.client.get("/people/export.vcf")
        assert vcf.status_code == 200
        assert vcf["Content-Type"] == "text/vcard; charset=utf-8"
        assert vcf["Content-Disposition"] == (
            f'attachment; filename="{self.workspace.slug}-contacts-{today}.vcf"'
        )
        assert len(cards(body(vcf))) == 2
        response = self.client.get("/people/export.csv")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].endswith(f'-contacts-{today}.csv"')
        names = [r["first_name"] for r in rows(body(response))]
        assert sorted(names) == ["Dan", "Zoë"]

    def test_the_list_filters_choose_who_is_exported(self):
        self.login(self.owner)

        def names(query):
            response = self.client.get(f"/people/export.csv?{query}")
            return [r["first_name"] for r in rows(body(response))]

        assert names("kind=prospect") == ["Zoë"]
        assert names("tag=golf") == ["Dan"]
        assert names("q=acme") == ["Dan"]
        assert names("q=zoe&kind=client") == []
        assert names("tag=nosuchtag") == []
        assert sorted(names("")) == ["Dan", "Zoë"]

    def test_the_list_offers_the_export_with_its_filters_to_owners_only(self):
        self.login(self.owner)
        page = self.client.get("/people/?kind=prospect").content.decode()
        assert 'href="/people/export.vcf?kind=prospect"' in page
        assert 'href="/people/export.csv?kind=prospect"' in page
        self.login(self.assistant)
        assert "/people/export.vcf" not in self.client.get("/people/").content.decode()

    def test_assistants_may_not_export(self):
        self.login(self.assistant)
        assert self.client.get("/people/export.vcf").status_code == 403
        assert self.client.get("/people/export.csv").status_code == 403
        assert not AuditEvent.objects.filter(action="export").exists()

    def test_signed_out_visitors_go_to_the_login(self):
        response = self.client.get("/people/export.csv")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_an_outsider_exports_only_their_own_workspace(self):
        self.login(self.outsider)
        for query in ("", "tag=golf", "q=dan", "kind=client"):
            text = body(self.client.get(f"/people/export.vcf?{query}"))
            assert "Dan" not in text
        [olga] = cards(body(self.client.get("/people/export.vcf")))
        assert olga.fn.value == "Olga"
        text = body(self.client.get("/people/export.csv?tag=golf"))
        assert rows(text) == []


class ExportApiTests(ExportTestCase):
    def test_owners_export_over_the_api_with_the_list_filters(self):
        response = self.api("GET", "contacts/export?format=vcf")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/vcard; charset=utf-8"
        assert len(cards(body(response))) == 2
        response = self.api("GET", "contacts/export?format=csv&kind=prospect")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = body(response)
        assert [r["first_name"] for r in rows(text)] == ["Zoë"]

    def test_assistants_and_a_json_backup_of_a_selection_are_refused(self):
        assert self.api("GET", "contacts/export", token=self.assistant_token).status_code == 403
        response = self.api("GET", "contacts/export?format=json&kind=prospect")
        assert response.status_code == 422
        assert response.json()["detail"] == WHOLE_WORKSPACE_ONLY

    def test_json_is_the_backup_of_the_whole_workspace(self):
        response = self.api("GET", "contacts/export?format=json")
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert json.loads(body(response))["format"] == "goodwill-backup"

    def test_an_outsiders_token_exports_their_own_workspace_only(self):
        response = self.api("GET", "contacts/export?format=csv", token=self.outsider_token)
        text = body(response)
        assert [r["first_name"] for r in rows(text)] == ["Olga"]


class ExportCommandTests(ExportTestCase):
    def test_it_writes_vcards_to_stdout(self):
        out = io.StringIO()
        call_command("export", "--workspace", self.workspace.slug, "--format", "vcf", stdout=out)
        assert [card.fn.value for card in cards(out.getvalue())] == ["Dan Ortiz", "Zoë Ångström"]
        assert AuditEvent.objects.get(action="export").actor is None

    def test_it_writes_csv_to_a_file(self):
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "people.csv"
        call_command(
            "export", "--workspace", self.workspace.slug, "--format", "csv", "--output", str(path)
        )
        assert [r["first_name"] for r in rows(path.read_text(encoding="utf-8"))] == ["Dan", "Zoë"]

    def test_unknown_workspaces_are_refused_clearly(self):
        with pytest.raises(CommandError, match="No workspace"):
            call_command("export", "--workspace", "nope", "--format", "csv")

    def test_its_help_has_an_example(self):
        command = load_command_class(get_commands()["export"], "export")
        assert "Example: goodwill export --workspace" in command.help
