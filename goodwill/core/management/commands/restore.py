import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from goodwill.accounts import services
from goodwill.accounts.models import Membership, User, Workspace
from goodwill.core import snapshot
from goodwill.core.backup import RestoreReport, workspace_restore
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Restore a workspace's JSON backup (made by `goodwill export --format json` or the
    Backup settings page) into a workspace that holds no data yet, all or nothing: a file that
    cannot be restored completely changes nothing and the reason is printed. The workspace keeps
    its name, slug and members; add the members first, so that what they wrote stays theirs
    (docs/backup.md). --create makes the workspace, owned by the --as user, in the same
    transaction. "-" reads the backup from standard input.

    A backup of the whole installation (made by `goodwill backup`) replaces everything in the
    database instead, so it needs --replace; stop the app servers and workers first, and the
    schema is migrated forward afterwards (docs/operations.md).

    Example: goodwill restore ortiz-backup.json --workspace ortiz-copy
    Example: goodwill restore backup.json --workspace ortiz-copy --create --as dan@ortiz.example
    Example: goodwill restore - --workspace ortiz-copy --as dan@ortiz.example < backup.json
    Example: goodwill restore data/backups/goodwill-20261130-0200.sqlite3 --replace
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file, or - for standard input.")
        parser.add_argument(
            "--workspace", default="", help="The empty workspace's slug (JSON backups)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the whole database with an installation backup.",
        )
        parser.add_argument(
            "--as",
            dest="actor",
            default="",
            help="The e-mail of the member restoring it, for the audit trail (default: none).",
        )
        parser.add_argument(
            "--create", action="store_true", help="Create the workspace, owned by --as."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"] != "-" and self._installation(Path(options["file"]), options):
            return
        if not options["workspace"]:
            raise CommandError("Name the empty workspace to restore into with --workspace.")
        try:
            # The workspace made by --create goes too when the restore is refused.
            with transaction.atomic():
                workspace, actor = self._target(options)
                report = self._restore(workspace, actor, options["file"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Restored {report.total:,} records into {workspace.slug} in {report.seconds:.1f} s."
        )
        if report.unknown_users:
            listed = ", ".join(sorted(report.unknown_users))
            self.stdout.write(f"Not members here, so their records have no author: {listed}.")
        for label, count in sorted(report.left_out.items()):
            self.stdout.write(f"Left out {count:,} {label} of people who are not members here.")

    def _installation(self, path: Path, options: dict[str, Any]) -> bool:
        """Restore *path* if it is a backup of a whole installation; False for a JSON one."""
        try:
            kind = snapshot.kind_of(path)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        if not kind:
            return False
        if options["workspace"]:
            raise CommandError(
                f"{path} is a backup of the whole installation, not of one workspace; "
                "restore it with --replace and without --workspace."
            )
        if not options["replace"]:
            raise CommandError(
                f"{path} is a backup of the whole installation: restoring it replaces every "
                "workspace, user and setting here with the file's. Add --replace to do so."
            )
        started = time.perf_counter()
        try:
            snapshot.restore(snapshot.current_database(), path)
        except snapshot.SnapshotError as error:
            raise CommandError(str(error)) from None
        call_command("migrate", interactive=False, verbosity=0)
        seconds = time.perf_counter() - started
        self.stdout.write(f"Restored the installation from {path} in {seconds:.1f} s.")
        return True

    def _target(self, options: dict[str, Any]) -> tuple[Workspace, User | None]:
        slug, email = options["workspace"], options["actor"].strip().lower()
        actor = User.objects.filter(email=email).first() if email else None
        if email and actor is None:
            raise CommandError(f"No user {email}.")
        if options["create"]:
            if actor is None:
                raise CommandError("--create needs --as, the e-mail of the new workspace's owner.")
            if slug != slugify(slug) or Workspace.objects.filter(slug=slug).exists():
                raise CommandError(f"{slug!r} is taken or not a slug such as ortiz-copy.")
            return services.workspace_create(owner=actor, name=slug), actor
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace {slug!r} (--create makes it).")
        if actor and not Membership.objects.filter(workspace=workspace, user=actor).exists():
            raise CommandError(f"{email} is not a member of {slug}.")
        return workspace, actor

    def _restore(self, workspace: Workspace, actor: User | None, file: str) -> RestoreReport:
        if file == "-":
            return workspace_restore(workspace, sys.stdin.buffer, actor=actor)
        try:
            with Path(file).open("rb") as data:
                return workspace_restore(workspace, data, actor=actor)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
