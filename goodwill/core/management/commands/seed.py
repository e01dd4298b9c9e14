import sys
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from goodwill.core.commands import GoodwillCommand, progress_bar
from goodwill.core.seed import seed, seeded


class Command(GoodwillCommand):
    help = """Fill a workspace with realistic scale data for the benchmark: people with facts,
    circles, dates, notes and tags, about 10 interactions each over three years, and their
    rapport, keep-in-touch clocks and thanks owed. The same --seed gives the same data.
    The workspace is created if it does not exist and must hold no contacts yet.

    Example: goodwill seed --workspace bench --contacts 100000
    Example: goodwill seed --workspace small --contacts 10000 --seed 7
    Example: goodwill seed --if-new --workspace bench --contacts 10000   (as `make bench` does)
    Example: goodwill seed --workspace bench --contacts 1000000 --database postgres://…/bench
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            metavar="URL",
            help="Another database than DATABASE_URL's; its migrations are applied first.",
        )
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument("--contacts", type=int, required=True, help="How many people.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-new", action="store_true", help="Do nothing if the workspace holds contacts."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database"]:
            call_command("migrate", interactive=False, verbosity=0)
        if options["if_new"] and seeded(options["workspace"]):
            self.stdout.write(f"{options['workspace']} is seeded already.")
            return
        started = time.monotonic()
        last_stage = ""

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal last_stage
            if stage != last_stage and last_stage:
                sys.stderr.write("\n")
            last_stage = stage
            progress_bar(f"{stage:<14}", done, total)

        try:
            run = seed(
                options["workspace"],
                contacts=options["contacts"],
                seed=options["seed"],
                progress=progress,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        sys.stderr.write("\n")
        seconds = time.monotonic() - started
        counts = ", ".join(f"{n:,} {name}" for name, n in run.shared.get("counts", {}).items())
        self.stdout.write(f"Seeded {run.workspace.slug} in {seconds:.0f} s: {counts}.")
