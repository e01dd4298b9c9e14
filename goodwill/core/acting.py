"""Who is acting right now: the member behind a page request, an API token or a CLI command.

A context variable rather than an argument, because the audit trail is written where records are
saved (goodwill.core.scoping.WorkspaceOwned), far below the code that knows the person. Outside
an `acting()` block (the worker, migrations, seeding) nothing is recorded: those are the
installation's own doings, not a person's.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class Acting:
    """The current actor, how they reached us, and what has been recorded for them so far."""

    user_id: int | None
    via: str  # "web", "api", "cli" or "public" (a page anyone may use, such as a case form)
    # (action, model label, id) already in the trail, so one request records each change once.
    recorded: set[tuple[str, str, str]] = field(default_factory=set)
    # Records with a named action (merge, erase, invite…) in this request, and the first
    # automatic event (create, change, delete) of each record, which a named action replaces.
    named: set[tuple[str, str]] = field(default_factory=set)
    automatic: dict[tuple[str, str], int] = field(default_factory=dict)


_current: ContextVar[Acting | None] = ContextVar("goodwill_acting", default=None)


def current() -> Acting | None:
    return _current.get()


@contextmanager
def acting(user_id: int | None, via: str) -> Iterator[Acting]:
    state = Acting(user_id=user_id, via=via)
    reset = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(reset)


def become(user_id: int, via: str) -> None:
    """Name the actor once a request has proved who it is (an API or CardDAV token)."""
    state = _current.get()
    if state is not None:
        state.user_id, state.via = user_id, via
