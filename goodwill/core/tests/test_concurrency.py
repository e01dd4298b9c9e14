"""Many writers on one SQLite file: two servers (gunicorn, several processes and threads each),
the worker sending mail, and CLI commands, all at once. Every write must succeed: no error page,
no "database is locked", and exactly the rows asked for.

SQLite allows one writer at a time; Goodwill relies on WAL, IMMEDIATE transactions (the write
lock taken up front, so a writer waits on the busy timeout instead of failing when it upgrades
a read lock) and a busy timeout on every connection. This test is what shows they hold.
"""

import json
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from conftest import free_port
from goodwill.accounts import services as accounts
from goodwill.accounts.models import TOKEN_PREFIX, ApiToken, User
from goodwill.core.tests.processes import (
    Processes,
    process_env,
    processes,
    slow_smtp,
    wait_until,
)
from goodwill.core.tests.test_crash_safety import a_vcard_file
from goodwill.messaging import services as messaging
from goodwill.messaging.models import MessageState, OutgoingMessage
from goodwill.messaging.tasks import send_message
from goodwill.people import services as people
from goodwill.people.models import Contact, Organization
from goodwill.people.services import Labelled
from goodwill.touchpoints.models import Interaction

pytestmark = pytest.mark.django_db(transaction=True)

THREADS_PER_KIND = 2
REQUESTS_PER_THREAD = 15
MESSAGES = 20
IMPORTED = 200
LOCKED = "database is locked"


def session_cookie(user: User) -> str:
    """A signed-in session, as the login page would make it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}"


class Load:
    """Client threads writing through the servers; every answer that is not the expected one is
    kept, with its body, for the assertion to show."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.problems: list[str] = []
        self.done = 0
        self.lock = threading.Lock()

    def request(
        self,
        n: int,
        path: str,
        *,
        data: bytes,
        headers: dict[str, str],
        expect: int,
        method: str = "POST",
    ) -> str:
        url = f"http://127.0.0.1:{self.ports[n % len(self.ports)]}{path}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=60) as response:
                status, body = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
        with self.lock:
            if status != expect or LOCKED in body:
                self.problems.append(f"{path} {status}: {body[:300]}")
            else:
                self.done += 1
        return body

    def run(self, workers: list[Callable[[int], None]]) -> None:
        threads = [
            threading.Thread(target=self._repeat, args=(worker,))
            for worker in workers
            for _ in range(THREADS_PER_KIND)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a client thread hung"

    def _repeat(self, worker: Callable[[int], None]) -> None:
        for n in range(REQUESTS_PER_THREAD):
            try:
                worker(n)
            except Exception as error:  # a refused or dropped connection is a failure too
                with self.lock:
                    self.problems.append(f"{type(error).__name__}: {error}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def api_writers(load: Load, token: str, contact_ids: list[int]) -> list[Callable[[int], None]]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def contact(n: int) -> None:
        body = {"first_name": f"Api {threading.get_ident()} {n}", "tags": ["load"]}
        load.request(
            n, "/api/v1/contacts", data=json.dumps(body).encode(), headers=headers, expect=201
        )

    def interaction(n: int) -> None:
        body = {"kind": "call", "contacts": [contact_ids[n % len(contact_ids)]], "note": "load"}
        load.request(
            n, "/api/v1/interactions", data=json.dumps(body).encode(), headers=headers, expect=201
        )

    def change(n: int) -> None:
        # Reads (is there an organisation of that name?) then writes, in one transaction, on
        # rows the other threads change too: the read must not turn into "database is locked"
        # when it becomes a write, nor two threads create the same organisation.
        body = {"organization": f"Org {n % 3}", "role": f"Role {n}"}
        load.request(
            n,
            f"/api/v1/contacts/{contact_ids[n % len(contact_ids)]}",
            data=json.dumps(body).encode(),
            headers=headers,
            expect=200,
            method="PATCH",
        )

    return [contact, interaction, change]


def page_writer(load: Load, cookie: str) -> Callable[[int], None]:
    forms = threading.local()

    def csrf(port: int) -> tuple[str, str]:
        """The form's CSRF token and cookie, fetched once per thread: like a person who opens the
        form once and adds one person after another."""
        page = urllib.request.Request(
            f"http://127.0.0.1:{port}/people/new/", headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(page, timeout=60) as response:
            form = response.read().decode()
            cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        cookie_token = re.search(r"csrftoken=([^;]+)", cookies)
        assert token, "the form has no CSRF token"
        assert cookie_token, "the form set no CSRF cookie"
        return token[1], cookie_token[1]

    def contact(n: int) -> None:
        if not hasattr(forms, "csrf"):
            forms.csrf = csrf(load.ports[0])
        token, cookie_token = forms.csrf
        name = f"Page+{threading.get_ident()}+{n}"
        load.request(
            n,
            "/people/new/",
            data=f"kind=client&first_name={name}&csrfmiddlewaretoken={token}".encode(),
            headers={
                "Cookie": f"{cookie}; csrftoken={cookie_token}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            expect=302,
        )

    return contact


def start_servers(started: Processes, env: dict[str, str], count: int) -> list[int]:
    ports = [free_port() for _ in range(count)]
    for n, port in enumerate(ports):
        args = ["serve", "--no-migrate", "--port", str(port), "--workers", "2", "--threads", "4"]
        started.start(f"server{n}", args, env)
    for port in ports:
        wait_until(partial(healthy, port), seconds=60, what=f"the server on {port}", every=0.2)
    return ports


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


def test_servers_worker_and_cli_write_at_once_without_a_locked_database(tmp_path: Path) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("About SQLite's single writer; PostgreSQL locks rows, not the database.")
    owner = accounts.user_create(email="owner@load.example", password=None, name="Owner")
    workspace = accounts.workspace_create(owner=owner, name="Load Test")
    token = accounts.token_create(workspace=workspace, user=owner, name="load")[1]
    contacts = []
    for n in range(MESSAGES):
        address = f"friend{n}@load.example"
        contact = people.contact_create(
            workspace, actor=owner, first_name=f"Friend {n}", emails=[Labelled("work", address)]
        )
        message, _ = messaging.message_queue(
            contact, actor=owner, to_address=address, subject="Hi", body="Hello", key=str(n)
        )
        send_message.enqueue(message.pk)
        contacts.append(contact.pk)
    vcards = tmp_path / "people.vcf"
    vcards.write_bytes(a_vcard_file(IMPORTED))
    load_kinds = 4
    with slow_smtp(delay=0.05) as smtp, processes(tmp_path) as started:
        env = process_env(EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}")
        ports = start_servers(started, env, count=2)
        load = Load(ports)
        cli: list[str] = []
        cli_thread = threading.Thread(
            target=lambda: cli.extend(run_cli(started, env, vcards, workspace.slug))
        )
        cli_thread.start()
        started.worker(env)
        load.run([*api_writers(load, token, contacts), page_writer(load, session_cookie(owner))])
        cli_thread.join(timeout=120)
        assert not cli_thread.is_alive(), "a CLI command hung"
        wait_until(
            lambda: OutgoingMessage.objects.filter(state=MessageState.SENT).count() == MESSAGES,
            seconds=60,
            what="the worker to send every message",
        )
        logs = "\n".join(started.output(name) for name in ("server0", "server1", "worker"))
    assert load.problems == []
    asked = load_kinds * THREADS_PER_KIND * REQUESTS_PER_THREAD
    assert load.done == asked
    per_kind = THREADS_PER_KIND * REQUESTS_PER_THREAD
    assert Contact.objects.filter(first_name__startswith="Api ").count() == per_kind
    assert Contact.objects.filter(first_name__startswith="Page ").count() == per_kind
    assert Contact.objects.filter(emails__address__endswith="@import.example").count() == IMPORTED
    assert Interaction.objects.filter(note="load").count() == per_kind
    assert sorted(Organization.objects.values_list("name", flat=True)) == [
        "Org 0",
        "Org 1",
        "Org 2",
    ]
    assert Interaction.objects.count() == per_kind + MESSAGES  # each message sent is logged
    assert ApiToken.objects.filter(name="cli").count() == 1
    assert len(smtp.received) == MESSAGES
    assert LOCKED not in logs, logs[-3000:]
    assert "Traceback" not in logs, logs[-3000:]
    assert f"Imported {IMPORTED} new people" in cli[0], cli
    assert cli[1].startswith(TOKEN_PREFIX), cli
    assert "Friend 0" in cli[2], cli  # the export, read while everyone writes


def run_cli(started: Processes, env: dict[str, str], vcards: Path, slug: str) -> list[str]:
    """The commands an operator might run meanwhile, all at once; what each printed, or why it
    failed."""
    commands = [
        ["import", str(vcards), "--workspace", slug, "--duplicates", "keep"],
        ["token", "create", "owner@load.example", "--name", "cli"],
        ["export", "--workspace", slug, "--format", "csv"],
    ]
    out = [""] * len(commands)

    def run(n: int) -> None:
        try:
            out[n] = started.run(commands[n], env)
        except (AssertionError, subprocess.TimeoutExpired) as error:
            out[n] = f"FAILED: {error}"

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out
