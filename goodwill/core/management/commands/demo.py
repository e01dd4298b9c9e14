from typing import Any

from django.core.management.base import CommandParser

from goodwill.accounts.models import User
from goodwill.core.commands import GoodwillCommand
from goodwill.core.demo import DEMO_ASSISTANT_EMAIL, DEMO_EMAIL, DEMO_PASSWORD, build_demo


class Command(GoodwillCommand):
    help = """Create or refresh the demo workspace (safe to run again: nothing is duplicated).

    Example: goodwill demo
    Example: goodwill demo --if-new     (only on a database without users, as `make run` does)
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-new", action="store_true", help="Only when the database has no users yet."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_new"] and User.objects.exists():
            if User.objects.filter(email=DEMO_EMAIL).exists():
                self.stdout.write(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
            return
        workspace = build_demo()
        self.stdout.write(f"Demo workspace: {workspace.name} ({workspace.slug})")
        self.stdout.write(f"Demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Assistant login: {DEMO_ASSISTANT_EMAIL} / {DEMO_PASSWORD}")
