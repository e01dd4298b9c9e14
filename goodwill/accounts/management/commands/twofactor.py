from typing import Any

from django.core.management.base import CommandError, CommandParser

from goodwill.accounts import services
from goodwill.accounts.models import User
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Switch off a user's two-factor sign-in, for someone who lost both their phone and
    their recovery codes. Their password stays; they can set two-factor up again.

    Example: goodwill twofactor off ana@example.com
    """

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        off = actions.add_parser("off", help="Switch two-factor sign-in off for a user.")
        off.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {options['email']}.")
        if not services.two_factor_is_on(user):
            raise CommandError(f"Two-factor sign-in is not on for {user.email}.")
        services.two_factor_reset(user)
        self.stdout.write(f"Two-factor sign-in is off for {user.email}.")
