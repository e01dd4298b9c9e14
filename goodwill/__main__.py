"""The `goodwill` command: every Django management command, with Goodwill's settings."""

import os
import sys

# Commands that take `--database URL`: another database than DATABASE_URL's, for measuring the
# same workspace on SQLite and PostgreSQL. (Django's own commands use --database for an alias.)
DATABASE_URL_COMMANDS = ("seed", "bench")


def database_url_option(argv: list[str]) -> str | None:
    """The URL of `--database URL` (or `--database=URL`) given to one of DATABASE_URL_COMMANDS.
    It must be known before Django reads its settings, so it is read here, from the raw
    arguments; the command declares the option too, for its help."""
    if len(argv) < 2 or argv[1] not in DATABASE_URL_COMMANDS:
        return None
    for index, arg in enumerate(argv):
        if arg == "--database" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--database="):
            return arg.partition("=")[2]
    return None


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodwill.settings")
    if url := database_url_option(sys.argv):
        os.environ["DATABASE_URL"] = url
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    argv[0] = "goodwill"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
