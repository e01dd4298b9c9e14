import inspect
import sys
from argparse import RawDescriptionHelpFormatter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, DjangoHelpFormatter


class HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    """Keeps the line breaks of a command's help, so each example stands on its own line."""


class GoodwillCommand(BaseCommand):
    """Base for Goodwill's own commands: `help` is shown as written, examples included."""

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = inspect.cleandoc(self.help)
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)


def progress_bar(label: str, done: int, total: int, *, width: int = 30) -> None:
    """Draw `label [####......]  done/total` over the previous one on standard error, for the
    long runs of seed, import and export."""
    filled = width * done // max(total, 1)
    bar = "#" * filled + "." * (width - filled)
    sys.stderr.write(f"\r{label} [{bar}] {done:>9,}/{total:,}")
    sys.stderr.flush()
