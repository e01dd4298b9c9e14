import inspect
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
