from typing import Any

from django.core.management.base import CommandParser

from goodwill.core.commands import GoodwillCommand
from goodwill.core.worker import WorkerLoop, heartbeat_stop


class Command(GoodwillCommand):
    help = """Run background jobs and periodic sweeps until stopped (Ctrl-C or SIGTERM).

    Several workers may run at once, on one machine or many, against the same database.
    Example: goodwill worker
    Example: goodwill worker --once      (one round, then exit; for cron or a check)
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument(
            "--poll",
            type=float,
            default=None,
            help="Seconds to wait when idle (default: $WORKER_POLL_SECONDS or 2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loop = WorkerLoop(poll_seconds=options["poll"])
        if options["once"]:
            try:
                jobs = loop.run_once()
            finally:
                heartbeat_stop(loop.worker_id)
            self.stdout.write(f"Ran {jobs} job(s).")
            return
        loop.run_forever()
