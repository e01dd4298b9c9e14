from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from goodwill.accounts import services
from goodwill.accounts.models import Membership, User
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Create an API token for a user and print it (it is shown only once).

    Example: goodwill token create demo@goodwill.local --name "my script"
    Example: goodwill token create ana@example.com --name backup --workspace ruiz --read-only
    """

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it.")
        create.add_argument("email")
        create.add_argument("--name", required=True, help="What will use the token.")
        create.add_argument("--workspace", default="", help="Workspace slug (needed with several).")
        create.add_argument("--read-only", action="store_true", help="Allow reading only.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {options['email']}.")
        memberships = Membership.objects.filter(user=user).select_related("workspace")
        if options["workspace"]:
            memberships = memberships.filter(workspace__slug=options["workspace"])
        found = list(memberships[:2])
        if not found:
            raise CommandError(f"{user.email} is not a member of that workspace.")
        if len(found) > 1:
            raise CommandError(
                f"{user.email} is in several workspaces: choose one with --workspace."
            )
        try:
            _, raw = services.token_create(
                workspace=found[0].workspace,
                user=user,
                name=options["name"],
                read_only=options["read_only"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)
