from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from goodwill.core.worker import WorkerLoop


class Command(BaseCommand):
    help = """Run background jobs and periodic sweeps until stopped (Ctrl-C or SIGTERM).

    Several workers may run at once, on one machine or many, against the same database.
    Example: goodwill worker
    Example: goodwill worker --once      (one round, then exit; for cron or a check)
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument(
            "--poll", type=float, default=None, help="Seconds to wait when idle (default 2)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loop = WorkerLoop(poll_seconds=options["poll"])
        if options["once"]:
            jobs = loop.run_once()
            self.stdout.write(f"Ran {jobs} job(s).")
            return
        loop.run_forever()
