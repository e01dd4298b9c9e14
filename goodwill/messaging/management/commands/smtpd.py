import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from goodwill.core.commands import GoodwillCommand
from goodwill.messaging.inbound import start_receiver


class Command(GoodwillCommand):
    help = """Receive e-mail for the workspaces' logging addresses (log+…@INBOUND_DOMAIN) and file
    it on the contacts it names. Run it beside the worker, behind your mail server (see
    docs/messages.md for pointing a domain or a forwarding rule at it).

    Example: goodwill smtpd                       (127.0.0.1, port 2525)
    Example: goodwill smtpd --host 0.0.0.0 --port 25
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on.")

    def handle(self, *args: Any, **options: Any) -> None:
        controller = start_receiver(options["host"], options["port"])
        self.stdout.write(
            f"Receiving mail for log+…@{settings.INBOUND_DOMAIN} on "
            f"{options['host']}:{options['port']} (Ctrl-C stops it)"
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        controller.stop()
