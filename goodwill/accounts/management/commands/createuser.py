import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from goodwill.accounts import services
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Create a user, and optionally a workspace they own.

    The password is asked for (or read from standard input with --password-stdin).
    Example: goodwill createuser ana@example.com --name "Ana Ruiz" --workspace "Ruiz Bookkeeping"
    Example: echo 'a long passphrase' | goodwill createuser ops@example.com --staff --password-stdin
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="The user's name.")
        parser.add_argument("--workspace", default="", help="Create a workspace with this name.")
        parser.add_argument("--time-zone", default="", help="The workspace's time zone.")
        parser.add_argument(
            "--staff", action="store_true", help="An operator (system pages, admin)."
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options["password_stdin"])
        details = {"email": options["email"], "password": password, "name": options["name"]}
        try:
            if options["workspace"]:
                membership = services.signup(
                    **details,
                    workspace_name=options["workspace"],
                    time_zone=options["time_zone"],
                    is_staff=options["staff"],
                )
                user, workspace = membership.user, membership.workspace
                self.stdout.write(f"Created workspace {workspace.name} ({workspace.slug}).")
            else:
                user = services.user_create(**details, is_staff=options["staff"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Created user {user.email}.")

    def _password(self, from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for a password: use --password-stdin.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
