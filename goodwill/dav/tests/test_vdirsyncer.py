"""The CardDAV server against a real client: vdirsyncer syncing a folder of .vcf files with a
live server on 127.0.0.1, both ways: create, edit and delete on each side."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import LiveServerTestCase

from conftest import missing
from goodwill.accounts import services as accounts
from goodwill.people import services
from goodwill.people.models import Contact, Fact
from goodwill.people.services import Labelled

ANNA = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:anna-from-the-phone\r\nFN:Anna Berg\r\n"
    "N:Berg;Anna;;;\r\nEMAIL:anna@berg.example\r\nEND:VCARD\r\n"
)


def vdirsyncer() -> str:
    """The vdirsyncer beside this Python (the project's venv), or on the PATH."""
    beside = Path(sys.executable).with_name("vdirsyncer")
    found = str(beside) if beside.exists() else shutil.which("vdirsyncer")
    if found is None:
        missing(
            "vdirsyncer is not installed (pip install -e '.[dev]'): CardDAV client tests skipped."
        )
    return str(found)


class VdirsyncerTests(LiveServerTestCase):
    def setUp(self) -> None:
        self.program = vdirsyncer()
        self.owner = accounts.user_create(email="dan@ortiz.example", password="x" * 20, name="Dan")
        self.workspace = accounts.workspace_create(
            owner=self.owner, name="Ortiz Consulting", time_zone="America/Chicago"
        )
        token = accounts.token_create(workspace=self.workspace, user=self.owner, name="laptop")[1]
        self.tom = services.contact_create(
            self.workspace,
            actor=self.owner,
            first_name="Tom",
            last_name="Hale",
            emails=[Labelled("work", "tom@hale.example")],
        )
        services.fact_add(self.tom, category="like", text="sailing")
        self.dir = Path(tempfile.mkdtemp(prefix="goodwill-vdirsyncer-"))
        self.addCleanup(shutil.rmtree, self.dir)
        self.config = self.dir / "config"
        # Only the server's root: vdirsyncer finds the book through /.well-known/carddav.
        self.config.write_text(
            f"""[general]
status_path = "{self.dir}/status/"

[pair goodwill]
a = "phone"
b = "server"
collections = ["from b"]
conflict_resolution = "b wins"

[storage phone]
type = "filesystem"
path = "{self.dir}/cards/"
fileext = ".vcf"

[storage server]
type = "carddav"
url = "{self.live_server_url}/"
username = "{self.owner.email}"
password = "{token}"
"""
        )
        self.cards = self.dir / "cards" / self.workspace.slug

    def run_vdirsyncer(self, *args: str) -> str:
        done = subprocess.run(
            [self.program, "-c", str(self.config), *args],
            input="y\n" * 5,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    def sync(self) -> None:
        self.run_vdirsyncer("sync")

    def local(self) -> dict[str, str]:
        return {path.name: path.read_text() for path in sorted(self.cards.glob("*.vcf"))}

    def local_card(self, text: str) -> Path:
        (path,) = [path for path in self.cards.glob("*.vcf") if text in path.read_text()]
        return path

    def test_it_syncs_both_ways(self):
        self.run_vdirsyncer("discover")
        self.sync()
        (tom_card,) = self.local().values()
        assert "FN:Tom Hale" in tom_card
        assert "Likes: sailing" in tom_card

        # Created on the phone: a new contact in Goodwill.
        (self.cards / "anna.vcf").write_text(ANNA)
        self.sync()
        anna = Contact.objects.get(first_name="Anna", last_name="Berg")
        assert [e.address for e in anna.emails.all()] == ["anna@berg.example"]

        # Edited on the phone: the contact's card fields change, its facts stay.
        path = self.local_card("FN:Tom Hale")
        path.write_text(path.read_text().replace("tom@hale.example", "tom@roofing.example"))
        self.sync()
        assert [e.address for e in self.tom.emails.all()] == ["tom@roofing.example"]
        assert Fact.objects.get(contact=self.tom).text == "sailing"

        # Edited and created in Goodwill: the phone has them after the next sync.
        services.contact_update(anna, actor=self.owner, last_name="Lind")
        services.contact_create(
            self.workspace, actor=self.owner, first_name="Vera", last_name="Kim"
        )
        self.sync()
        assert "FN:Anna Lind" in self.local_card("anna-from-the-phone").read_text()
        assert "FN:Vera Kim" in self.local_card("FN:Vera Kim").read_text()

        # Deleted on the phone: erased in Goodwill.
        self.local_card("anna-from-the-phone").unlink()
        self.sync()
        assert not Contact.objects.filter(pk=anna.pk).exists()

        # Deleted in Goodwill: gone from the phone.
        services.contact_erase(self.tom, actor=self.owner)
        self.sync()
        names = list(self.local().values())
        assert len(names) == 1
        assert "FN:Vera Kim" in names[0]
