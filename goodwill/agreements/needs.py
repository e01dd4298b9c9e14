"""The kinds of need Goodwill understands: their terms, checked and put in one shape, and the
same terms in plain words for the client.

Channels are named as interactions are: "email", "phone" (calls), "messaging" (messaging apps)
and "meeting" (in person or video).
"""

from collections.abc import Callable
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError

from goodwill.accounts.models import WEEKDAYS
from goodwill.agreements.models import NeedKind

DAYS = [day.title() for day in WEEKDAYS]
CHANNELS = {"email": "e-mail", "phone": "phone calls", "messaging": "messaging apps",
            "meeting": "meetings"}  # fmt: skip
MAX_DAYS = 90


def _clock(value: object, field: str) -> str:
    try:
        return time.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        raise ValidationError({field: "Give the time as HH:MM, e.g. 09:00."}) from None


def _calling_hours(terms: dict[str, Any]) -> dict[str, Any]:
    days = terms.get("days", [0, 1, 2, 3, 4])
    if not isinstance(days, list) or not days or not all(d in range(7) for d in days):
        raise ValidationError({"days": "Choose at least one day of the week."})
    start, end = _clock(terms.get("start", ""), "start"), _clock(terms.get("end", ""), "end")
    if end <= start:
        raise ValidationError({"end": "The calling hours must end after they start."})
    return {"days": sorted(set(days)), "start": start, "end": end}


def _channels(terms: dict[str, Any]) -> dict[str, Any]:
    allowed = terms.get("allowed", [])
    if not isinstance(allowed, list) or not allowed or any(c not in CHANNELS for c in allowed):
        raise ValidationError({"allowed": f"Choose from {', '.join(CHANNELS)}."})
    return {"allowed": [c for c in CHANNELS if c in allowed]}


def _response_window(terms: dict[str, Any]) -> dict[str, Any]:
    times = terms.get("times", [])
    if not isinstance(times, list) or not 1 <= len(times) <= 8:
        raise ValidationError({"times": "Give one to eight times of day you answer."})
    return {"times": sorted({_clock(t, "times") for t in times})}


def _days(terms: dict[str, Any]) -> dict[str, Any]:
    days = terms.get("days")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Give a whole number of days from 1 to {MAX_DAYS}."})
    return {"days": days}


def _text(terms: dict[str, Any]) -> dict[str, Any]:
    text = " ".join(str(terms.get("text", "")).split())
    if not text or len(text) > 200:
        raise ValidationError({"text": "Say what it is in up to 200 characters."})
    return {"text": text}


CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    NeedKind.CALLING_HOURS: _calling_hours,
    NeedKind.CHANNELS: _channels,
    NeedKind.RESPONSE_WINDOW: _response_window,
    NeedKind.TURNAROUND: _days,
    NeedKind.RETAINER: _text,
    NeedKind.PAYMENT_TERMS: _days,
    NeedKind.FREE: lambda terms: {},
}


def check_terms(kind: str, terms: object) -> dict[str, Any]:
    """The terms of a need of *kind*, checked and in their one shape."""
    if kind not in CHECKS:
        raise ValidationError({"kind": "Choose a kind of need."})
    if not isinstance(terms, dict):
        raise ValidationError({"terms": "Give the terms."})
    return CHECKS[kind](terms)


def in_words(kind: str, terms: dict[str, Any]) -> str:
    """The terms as a client reads them."""
    if kind == NeedKind.CALLING_HOURS:
        days = terms["days"]
        span = (f"{DAYS[days[0]]} to {DAYS[days[-1]]}" if days == list(range(days[0], days[-1] + 1))
                else ", ".join(DAYS[d] for d in days))  # fmt: skip
        return f"Calls are welcome {span}, {terms['start']} to {terms['end']}."
    if kind == NeedKind.CHANNELS:
        return "Reach me by " + " or ".join(CHANNELS[c] for c in terms["allowed"]) + "."
    if kind == NeedKind.RESPONSE_WINDOW:
        return "I answer messages at " + ", ".join(terms["times"]) + "."
    if kind == NeedKind.TURNAROUND:
        n = terms["days"]
        return f"Please answer my questions within {n} business day{'s' if n != 1 else ''}."
    if kind == NeedKind.PAYMENT_TERMS:
        return f"Invoices are paid within {terms['days']} days."
    if kind == NeedKind.RETAINER:
        return str(terms["text"])
    return ""
