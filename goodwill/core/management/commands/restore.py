import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from goodwill.accounts import services
from goodwill.accounts.models import Membership, User, Workspace
from goodwill.core.backup import RestoreReport, workspace_restore
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Restore a JSON backup (made by `goodwill export --format json` or the Backup
    settings page) into a workspace that holds no data yet, all or nothing: a file that cannot
    be restored completely changes nothing and the reason is printed. The workspace keeps its
    name, slug and members; add the members first, so that what they wrote stays theirs
    (docs/backup.md). --create makes the workspace, owned by the --as user, in the same
    transaction. "-" reads the backup from standard input.

    Example: goodwill restore ortiz-backup.json --workspace ortiz-copy
    Example: goodwill restore backup.json --workspace ortiz-copy --create --as dan@ortiz.example
    Example: goodwill restore - --workspace ortiz-copy --as dan@ortiz.example < backup.json
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file, or - for standard input.")
        parser.add_argument("--workspace", required=True, help="The empty workspace's slug.")
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
