import time
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from goodwill.core import snapshot
from goodwill.core.commands import GoodwillCommand


class Command(GoodwillCommand):
    help = """Copy the whole installation (every workspace, user and setting) to one file, while
    Goodwill runs: SQLite's online backup on SQLite, pg_dump on PostgreSQL. The copy is of one
    moment, never half a change. Without --output it goes to DATA_DIR/backups/ under the date and
    time. `goodwill restore FILE --replace` brings it back (docs/operations.md).

    Example: goodwill backup
    Example: goodwill backup --output /srv/backups/goodwill-monday.sqlite3
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="", help="Where to write the backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        database = snapshot.current_database()
        target = Path(options["output"] or snapshot.default_path(database, timezone.now()))
        started = time.perf_counter()
        try:
            size = snapshot.backup(database, target)
        except (snapshot.SnapshotError, OSError) as error:
            raise CommandError(f"No backup was made: {error}") from None
        seconds = time.perf_counter() - started
        self.stdout.write(f"Backed up to {target} ({size / 1e6:,.1f} MB in {seconds:.1f} s).")
