import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from goodwill.accounts.models import User, Workspace
from goodwill.core.commands import GoodwillCommand, progress_bar
from goodwill.people import imports
from goodwill.people.card_reading import CARD_FIELDS
from goodwill.people.models import ContactImport, DuplicateChoice, ImportStatus, Kind

# Problems and duplicates printed by the preview; the rest are counted.
SHOWN = 20


class Command(GoodwillCommand):
    help = """Import people from a vCard (.vcf) or CSV file (Google, Outlook, LinkedIn, Goodwill;
    any other CSV with --map). Prints the preview (new people, likely duplicates, what cannot be
    read, with line numbers), then imports, with a progress bar; --dry-run only previews and
    changes nothing. Likely duplicates (same e-mail, phone, or first and last name) are merged
    into the person already here unless --duplicates says otherwise. The import can be undone
    for 7 days on its page (People, Import) or over the API.

    Example: goodwill import contacts.vcf --workspace ortiz --dry-run
    Example: goodwill import google.csv --workspace ortiz --duplicates skip --kind friend
    Example: goodwill import list.csv --workspace ortiz --map "Full name=name" --map "Mail=email"
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .vcf or .csv file.")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the preview; import nothing."
        )
        parser.add_argument(
            "--duplicates",
            choices=DuplicateChoice.values,
            default=DuplicateChoice.MERGE,
            help="What to do with likely duplicates (default: merge).",
        )
        parser.add_argument(
            "--kind", choices=Kind.values, default=Kind.CLIENT, help="New people's kind."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"What a CSV column holds; FIELD is one of {', '.join(CARD_FIELDS)}.",
        )
        parser.add_argument(
            "--as", dest="actor", default="", help="The member's e-mail to record as importer."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        actor = _actor(workspace, options["actor"])
        mapping = _mapping(options["map"])
        started = time.monotonic()
        try:
            # Read and checked outside any transaction: on SQLite one would hold the write lock
            # all that time (7 s for 10,000 cards), and the app's writes would fail with
            # "database is locked" after the busy timeout.
            imported = imports.import_read(
                workspace,
                actor=actor,
                filename=path.name,
                data=path.read_bytes(),
                mapping=mapping,
                kind=options["kind"],
            )
            self._preview(imported)
            sys.stderr.write(f"Read and checked in {time.monotonic() - started:.1f} s.\n")
            # Nothing is stored before this: not even the file, when its columns need mapping.
            if not imported.total:
                raise CommandError("Say what the columns hold with --map COLUMN=FIELD.")
            if options["dry_run"]:
                return
            imported = imports.import_save(imported)
            imports.import_choose(imported, default=options["duplicates"])
            started = time.monotonic()
            imported = imports.import_confirm(imported, actor=actor, at_once=True, progress=_bar)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self._result(imported, time.monotonic() - started)

    def _preview(self, imported: ContactImport) -> None:
        write = self.stdout.write
        if not imported.total:
            write(f"{imported.filename} is a CSV of no known exporter. Its columns:")
            for column in imported.preview.get("columns", []):
                write(f"  {column}")
            return
        counts = imports.counts(imported)
        write(f"{imported.filename}: {imported.format}, {counts['total']} people")
        write(f"  new: {counts['new']}")
        write(f"  likely already here: {counts['duplicates']}")
        write(f"  cannot be imported: {counts['skipped']}")
        problems = imported.preview.get("problems", [])
        for line, reason, skipped in problems[:SHOWN]:
            write(f"  line {line}: {reason}{'' if skipped else ' (the rest is imported)'}")
        if len(problems) > SHOWN:
            write(f"  … and {len(problems) - SHOWN} more problems")
        duplicates = imported.preview.get("duplicates", [])
        for _, contact_id, reason, name, _email in duplicates[:SHOWN]:
            write(f"  {name}: like contact #{contact_id} ({reason})")
        if len(duplicates) > SHOWN:
            write(f"  … and {len(duplicates) - SHOWN} more likely duplicates")

    def _result(self, imported: ContactImport, seconds: float) -> None:
        if imported.status == ImportStatus.FAILED:
            raise CommandError(f"The import failed; nothing was imported: {imported.error}")
        created, merged = imported.created, imported.merged
        sys.stderr.write("\n")
        self.stdout.write(
            f"Imported {created} new people and added details to {merged} in {seconds:.1f} s "
            f"(import #{imported.pk}; undo it within {imports.UNDO_DAYS} days on its page)."
        )


def _actor(workspace: Workspace, email: str) -> User | None:
    if not email:
        return None
    user = User.objects.filter(email=email.lower(), memberships__workspace=workspace).first()
    if user is None:
        raise CommandError(f"{email} is not a member of {workspace.slug}.")
    return user


def _mapping(pairs: list[str]) -> dict[str, str] | None:
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, separator, field = pair.rpartition("=")
        if not separator or not column:
            raise CommandError(f"--map {pair!r}: write COLUMN=FIELD.")
        mapping[column] = field.strip()
    return mapping or None


def _bar(done: int, total: int) -> None:
    progress_bar("Importing", done, total)
