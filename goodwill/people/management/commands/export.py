import sys
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from goodwill.accounts.models import Workspace
from goodwill.core.commands import GoodwillCommand, progress_bar
from goodwill.core.scoping import scoped
from goodwill.people.exports import contacts_export
from goodwill.people.models import Contact


class Command(GoodwillCommand):
    help = """Export every contact of a workspace as vCard 4.0 (one .vcf of many cards) or as CSV,
    or back up the whole workspace as JSON, to standard output or to a file, with progress on
    standard error. Private facts and notes are never in a vCard or CSV; docs/people.md (Export)
    describes the CSV columns. The JSON backup holds everything of the workspace, private facts
    included, and `goodwill restore` brings it back (docs/backup.md). Each export is recorded
    in the workspace's audit trail.

    Example: goodwill export --workspace ortiz --format vcf > contacts.vcf
    Example: goodwill export --workspace ortiz --format csv --output contacts.csv
    Example: goodwill export --workspace ortiz --format json --output ortiz-backup.json
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--format", required=True, choices=["vcf", "csv", "json"], help="vcf, csv or json."
        )
        parser.add_argument("--output", default="", help="The file to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        contacts = scoped(Contact, workspace).order_by("sort_name", "id")
        started = time.monotonic()
        try:
            chunks = contacts_export(
                workspace, contacts, format=options["format"], progress=_progress
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            for text in chunks:
                self.stdout.write(text, ending="")
        seconds = time.monotonic() - started
        sys.stderr.write(f"\nExported {workspace.slug} in {seconds:.1f} s.\n")


def _progress(done: int, total: int) -> None:
    progress_bar("Exporting", done, total)
