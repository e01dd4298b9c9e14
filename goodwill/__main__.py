"""The `goodwill` command: every Django management command, with Goodwill's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodwill.settings")
    from django.core.management import execute_from_command_line

    argv = sys.argv[:]
    argv[0] = "goodwill"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
