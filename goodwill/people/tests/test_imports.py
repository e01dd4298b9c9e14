import io
import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from goodwill.core.testing import GoodwillTestCase
from goodwill.core.worker import jobs_run_ready
from goodwill.people import imports, search, services
from goodwill.people.cards import CardWriter, cards_unpack
from goodwill.people.models import (
    Contact,
    ContactImport,
    Email,
    ImportStatus,
    Note,
    Phone,
    TimelineEntry,
)
from goodwill.people.services import Labelled


def vcard(first: str, last: str, *, email: str = "", tel: str = "", extra: str = "") -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{first} {last}"]
    if email:
        lines.append(f"EMAIL;TYPE=WORK:{email}")
    if tel:
        lines.append(f"TEL;TYPE=CELL:{tel}")
    if extra:
        lines.append(extra)
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def many(count: int, prefix: str = "Person") -> bytes:
    return "".join(
        vcard(f"{prefix}{n}", "Importer", email=f"{prefix.lower()}{n}@import.example")
        for n in range(count)
    ).encode()


FILE = (
    vcard("Tom", "Hale", email="tom@hale.example", tel="+1 415 555 0100", extra="BDAY:--0412")
    + vcard("Maja", "Berg", email="MAJA@berg.example")
    + vcard("Dan", "Ortiz", extra="NOTE:Met at the fair.")
    + vcard("New", "Person", email="new@person.example", extra="EMAIL:not-an-address")
    + "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+14155550199\r\nEND:VCARD\r\n"
    + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n"
).encode()


class ImportTests(GoodwillTestCase):
    def setUp(self) -> None:
        self.workspace.country = "US"
        self.workspace.save()
        create = services.contact_create
        self.maja = create(
            self.workspace,
            actor=self.owner,
            first_name="Maja",
            last_name="B.",
            emails=[Labelled("", "maja@berg.example")],
        )
        self.dan = create(self.workspace, actor=self.owner, first_name="Dan", last_name="Ortiz")
        # The outsider's namesake must never be taken for a duplicate.
        create(self.other_workspace, actor=self.outsider, first_name="Tom", last_name="Hale")

    def prepare(self, data: bytes = FILE, filename: str = "phone.vcf") -> ContactImport:
        return imports.import_prepare(
            self.workspace, actor=self.owner, filename=filename, data=data
        )

    def test_the_preview_counts_new_people_duplicates_and_what_cannot_be_read(self):
        before = Contact.objects.count()
        imported = self.prepare()
        assert imported.status == ImportStatus.PREVIEW
        assert imports.counts(imported) == {"total": 5, "new": 2, "duplicates": 2, "skipped": 2}
        duplicates = {row[0]: (row[1], row[2]) for row in imported.preview["duplicates"]}
        assert duplicates == {
            1: (self.maja.pk, "same e-mail maja@berg.example"),
            2: (self.dan.pk, "same name"),
        }
        problems = imported.preview["problems"]
        assert [(line, skipped) for line, _, skipped in problems] == [
            (21, False),
            (28, True),
            (32, True),
        ]
        assert "not-an-address" in problems[0][1]
        assert Contact.objects.count() == before

    def test_a_file_that_is_not_contacts_is_refused_and_leaves_no_trace(self):
        for data, message in (
            (b"", "The file is empty."),
            (b"\x89PNG\r\n\x1a\n\x00\x00binary", ""),
            (b"BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+14155550199\r\nEND:VCARD\r\n", "No one"),
        ):
            with self.subTest(data=data[:10]), self.assertRaises(ValidationError) as caught:
                self.prepare(data)
            assert message in " ".join(caught.exception.messages)
        assert not ContactImport.objects.exists()

    def test_confirming_writes_new_people_and_merges_or_skips_duplicates_as_chosen(self):
        imported = self.prepare()
        imports.import_choose(imported, default="merge", choices={2: "skip"})
        imported = imports.import_confirm(imported, actor=self.owner)
        assert imported.status == ImportStatus.DONE
        assert imported.data == b""
        tom = Contact.objects.get(workspace=self.workspace, first_name="Tom")
        assert Phone.objects.get(contact=tom).number == "+14155550100"
        assert search.search(self.workspace, "hale")[1] == 1
        self.maja.refresh_from_db()
        assert self.maja.last_name == "B."
        assert Email.objects.filter(contact=self.maja).count() == 1
        assert TimelineEntry.objects.filter(contact=self.maja, kind="imported").exists()
        assert not Note.objects.filter(contact=self.dan).exists()
        assert (imported.created, imported.merged) == (2, 1)
        assert Contact.objects.filter(workspace=self.workspace).count() == 4

    def test_keeping_both_creates_a_second_record(self):
        imported = self.prepare()
        imports.import_choose(imported, default="keep")
        imports.import_confirm(imported, actor=self.owner)
        assert Contact.objects.filter(workspace=self.workspace, first_name="Dan").count() == 2

    def test_undo_takes_back_the_whole_import_for_seven_days(self):
        imported = imports.import_confirm(self.prepare(), actor=self.owner)
        imports.import_undo(imported, actor=self.owner)
        assert imported.status == ImportStatus.UNDONE
        assert set(Contact.objects.filter(workspace=self.workspace)) == {self.maja, self.dan}
        assert not Note.objects.filter(contact=self.dan).exists()
        assert not TimelineEntry.objects.filter(contact=self.maja, kind="imported").exists()
        assert search.search(self.workspace, "hale")[1] == 0
        with self.assertRaises(ValidationError):
            imports.import_undo(imported, actor=self.owner)

        late = imports.import_confirm(self.prepare(), actor=self.owner)
        ContactImport.objects.filter(pk=late.pk).update(
            finished_at=timezone.now() - timedelta(days=8)
        )
        late.refresh_from_db()
        with self.assertRaisesMessage(ValidationError, "7 days"):
            imports.import_undo(late, actor=self.owner)

    def test_a_failed_import_changes_nothing(self):
        before = Contact.objects.count()
        imported = self.prepare(many(30))
        original = CardWriter.write
        calls = []

        def fail_on_the_third_batch(writer, cards):
            calls.append(len(cards))
            if len(calls) == 3:
                raise RuntimeError("disk full")
            return original(writer, cards)

        with (
            mock.patch.object(imports, "BATCH", 10),
            mock.patch.object(CardWriter, "write", fail_on_the_third_batch),
        ):
            imported = imports.import_confirm(imported, actor=self.owner)
        assert imported.status == ImportStatus.FAILED
        assert imported.error == "disk full"
        assert Contact.objects.count() == before
        assert search.search(self.workspace, "importer")[1] == 0

    def test_a_large_import_runs_in_the_worker_and_a_stopped_one_carries_on(self):
        imported = self.prepare(many(25))
        with mock.patch.object(imports, "AT_ONCE", 10), mock.patch.object(imports, "BATCH", 10):
            with self.captureOnCommitCallbacks(execute=True):
                imported = imports.import_confirm(imported, actor=self.owner)
            assert imported.status == ImportStatus.QUEUED
            # The worker stops after one batch (a deploy), holding the import as running.
            claimed = imports._claim(imported.pk)
            assert claimed is not None
            imports._write_batch(
                claimed,
                cards_unpack(bytes(claimed.cards)),
                {},
                CardWriter(self.workspace, actor=None),
            )
            assert Contact.objects.filter(last_name="Importer").count() == 10
            assert jobs_run_ready("test-worker") == 1
        imported.refresh_from_db()
        assert imported.status == ImportStatus.DONE
        assert imported.done == 25
        # No one written twice, no one skipped.
        names = list(
            Contact.objects.filter(last_name="Importer").values_list("first_name", flat=True)
        )
        assert sorted(names) == sorted(f"Person{n}" for n in range(25))

    def test_the_resume_sweep_queues_stalled_imports_and_those_without_a_job(self):
        stalled = self.prepare(many(3))
        orphan = self.prepare(many(3, "Orphan"))
        fresh = self.prepare(many(3, "Other"))
        long_ago = timezone.now() - timedelta(hours=1)
        ContactImport.objects.filter(pk=stalled.pk).update(status="running", updated_at=long_ago)
        # Its worker died and its job was failed as WorkerDied: nothing would ever run it.
        ContactImport.objects.filter(pk=orphan.pk).update(status="running")
        # Running, with its job still queued: a worker will take it; it is left alone.
        ContactImport.objects.filter(pk=fresh.pk).update(status="running")
        job = imports.import_run_task.enqueue(fresh.pk)
        assert imports.imports_resume(timezone.now()) == 2
        DBTaskResult.objects.filter(pk=job.id).delete()
        jobs_run_ready("test-worker")
        for each in (stalled, orphan, fresh):
            each.refresh_from_db()
        assert (stalled.status, orphan.status, fresh.status) == (
            ImportStatus.DONE,
            ImportStatus.DONE,
            ImportStatus.RUNNING,
        )

    def test_a_csv_of_no_known_exporter_is_read_after_mapping_its_columns(self):
        data = b"Full name;Mail;Notes\nAnna Lind;anna@lind.example;likes tea\n"
        imported = self.prepare(data, "list.csv")
        assert (imported.total, imported.preview["columns"]) == (0, ["Full name", "Mail", "Notes"])
        with self.assertRaises(ValidationError):
            imports.import_confirm(imported, actor=self.owner)
        with self.assertRaisesMessage(ValidationError, "no column"):
            imports.import_map(imported, {"Nope": "email"})
        imports.import_map(imported, {"Full name": "name", "Mail": "email", "Notes": ""})
        imported = imports.import_confirm(imported, actor=self.owner)
        anna = Contact.objects.get(workspace=self.workspace, first_name="Anna")
        assert (anna.last_name, Email.objects.get(contact=anna).address) == (
            "Lind",
            "anna@lind.example",
        )


class ImportPageTests(GoodwillTestCase):
    def upload(self, data: bytes = FILE, name: str = "phone.vcf"):
        return self.client.post(
            "/people/import/", {"file": SimpleUploadedFile(name, data), "kind": "friend"}
        )

    def test_upload_preview_choose_confirm_and_undo(self):
        self.login(self.assistant)
        assert self.client.get("/people/import/").status_code == 200
        response = self.upload()
        imported = ContactImport.objects.get()
        self.assertRedirects(response, f"/people/imports/{imported.pk}/")
        page = self.client.get(f"/people/imports/{imported.pk}/")
        self.assertContains(page, "new")
        self.assertContains(page, "This card has no END:VCARD")
        response = self.client.post(f"/people/imports/{imported.pk}/confirm", {"default": "skip"})
        self.assertRedirects(response, f"/people/imports/{imported.pk}/")
        imported.refresh_from_db()
        assert imported.status == ImportStatus.DONE
        assert Contact.objects.filter(workspace=self.workspace, kind="friend").count() == 4
        self.assertContains(self.client.get(f"/people/imports/{imported.pk}/"), "Undo this import")
        self.client.post(f"/people/imports/{imported.pk}/undo")
        assert not Contact.objects.filter(workspace=self.workspace).exists()

    def test_bad_files_and_bad_choices_are_answered_with_400_and_change_nothing(self):
        self.login(self.owner)
        response = self.upload(b"%PDF-1.4 not contacts", "notes.pdf")
        assert response.status_code == 400
        self.assertContains(response, "Nothing was imported", status_code=400)
        assert not ContactImport.objects.exists()
        self.upload()
        imported = ContactImport.objects.get()
        response = self.client.post(f"/people/imports/{imported.pk}/confirm", {"choice-0": "burn"})
        assert response.status_code == 400
        imported.refresh_from_db()
        assert imported.status == ImportStatus.PREVIEW
        assert not Contact.objects.exists()

    def test_an_outsider_gets_404_everywhere(self):
        self.login(self.owner)
        self.upload()
        imported = ContactImport.objects.get()
        self.login(self.outsider)
        for url in (f"/people/imports/{imported.pk}/",):
            assert self.client.get(url).status_code == 404
        for action in ("confirm", "cancel", "undo", "choices", "columns"):
            assert self.client.post(f"/people/imports/{imported.pk}/{action}").status_code == 404
        self.assertNotContains(self.client.get("/people/import/"), "phone.vcf")
        imported.refresh_from_db()
        assert imported.status == ImportStatus.PREVIEW


class ImportApiTests(GoodwillTestCase):
    def upload(self, token: str | None = None, **fields: object):
        return self.client.post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile("phone.vcf", FILE), **fields},
            headers={"Authorization": f"Bearer {token or self.owner_token}"},
        )

    def test_upload_preview_confirm_and_undo(self):
        response = self.upload(kind="prospect")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["counts"] == {"total": 5, "new": 4, "duplicates": 0, "skipped": 2}
        preview = self.api("GET", f"imports/{body['id']}/preview").json()
        assert preview["problems"][1]["line"] == 28
        response = self.api("POST", f"imports/{body['id']}/confirm", body={"duplicates": "skip"})
        assert response.status_code == 202
        assert response.json()["status"] == "done"
        assert response.json()["created"] == 4
        assert Contact.objects.filter(workspace=self.workspace, kind="prospect").count() == 4
        response = self.api("POST", f"imports/{body['id']}/undo", body={})
        assert response.json()["status"] == "undone"

    def test_bad_input_gets_a_clear_answer_and_changes_nothing(self):
        response = self.client.post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile("x.vcf", b"")},
            headers={"Authorization": f"Bearer {self.owner_token}"},
        )
        assert response.status_code == 422
        assert "empty" in json.dumps(response.json())
        assert self.upload(mapping="{not json").status_code == 422
        imported = self.upload().json()
        bad = self.api("POST", f"imports/{imported['id']}/confirm", body={"choices": {"0": "x"}})
        assert bad.status_code == 422
        assert not Contact.objects.exists()

    def test_an_outsider_gets_404(self):
        imported = self.upload().json()
        for method, path in (
            ("GET", f"imports/{imported['id']}"),
            ("GET", f"imports/{imported['id']}/preview"),
            ("POST", f"imports/{imported['id']}/confirm"),
            ("POST", f"imports/{imported['id']}/mapping"),
            ("POST", f"imports/{imported['id']}/cancel"),
            ("POST", f"imports/{imported['id']}/undo"),
        ):
            body: dict[str, object] | None = (
                {"mapping": {"a": "email"}} if path.endswith("mapping") else {}
            )
            if method == "GET":
                body = None
            response = self.api(method, path, token=self.outsider_token, body=body)
            assert response.status_code == 404, (path, response.status_code)
        assert ContactImport.objects.get().status == ImportStatus.PREVIEW


class ImportCommandTests(GoodwillTestCase):
    def run_import(self, *args: str) -> str:
        out = io.StringIO()
        call_command(
            "import", *args, "--workspace", self.workspace.slug, stdout=out, stderr=io.StringIO()
        )
        return out.getvalue()

    def test_a_dry_run_prints_the_preview_and_changes_nothing(self):
        path = self.write_file(FILE)
        output = self.run_import(path, "--dry-run")
        assert "vCard, 5 people" in output
        assert "line 32: This card has no END:VCARD" in output
        assert not ContactImport.objects.exists()
        assert not Contact.objects.exists()

    def test_it_imports_with_the_chosen_kind(self):
        output = self.run_import(self.write_file(FILE), "--kind", "partner")
        assert "Imported 4 new people" in output
        assert Contact.objects.filter(workspace=self.workspace, kind="partner").count() == 4

    def test_bad_input_is_refused(self):
        with self.assertRaisesMessage(CommandError, "No file"):
            self.run_import("/nonexistent.vcf")
        with self.assertRaisesMessage(CommandError, "--map"):
            self.run_import(self.write_file(b"Full name;Mail\nAnna Lind;anna@lind.example\n"))
        output = self.run_import(
            self.write_file(b"Full name;Mail\nAnna Lind;anna@lind.example\n"),
            "--map",
            "Full name=name",
            "--map",
            "Mail=email",
        )
        assert "Imported 1 new people" in output
        assert ContactImport.objects.count() == 1

    def write_file(self, data: bytes) -> str:
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        path = Path(directory) / ("contacts.vcf" if data.startswith(b"BEGIN") else "list.csv")
        path.write_bytes(data)
        return str(path)
