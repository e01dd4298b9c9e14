"""The rapport index: how close a relationship is, from 0 to 100, and why.

Four parts, each with its own ceiling, all over the last 365 days (docs/rapport.md explains them):

- recency, up to 30: full right after a touch, falling to nothing at twice the cadence;
- frequency, up to 25: touches counted against the cadence (12 a year for a 30-day cadence);
- depth, up to 30: each touch weighs by kind, an e-mail 1, a meal 6, a visit to your home 10,
  and a gift given to someone in their circle 5; 30 weight points fill the part;
- reciprocity, up to 15: the share of touches they started, full at one in two.

It is a pure function of the touches, so it is computed the same way for any day in the past, which
draws the 12-month chart.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(days=365)
DEPTH_WEIGHTS = {
    "email": 1,
    "message": 1,
    "call": 2,
    "meeting": 3,
    "event": 3,
    "thank_you": 3,
    "put_right": 3,
    "gift": 5,
    "meal": 6,
    "visit_theirs": 7,
    "visit_home": 10,
}
CIRCLE_GIFT_WEIGHT = 5
DEPTH_FULL = 30
RECIPROCITY_FULL_SHARE = 0.5


@dataclass(frozen=True)
class Touch:
    occurred_at: datetime
    kind: str
    theirs: bool


@dataclass(frozen=True)
class Part:
    name: str
    points: int
    ceiling: int
    why: str


@dataclass(frozen=True)
class Rapport:
    score: int
    parts: tuple[Part, ...]


def _recency(touches: Sequence[Touch], now: datetime, cadence_days: int) -> Part:
    if not touches:
        return Part("Recency", 0, 30, "No touch in the last year.")
    days = max(0.0, (now - max(t.occurred_at for t in touches)).total_seconds() / 86400)
    points = round(30 * max(0.0, 1 - days / (2 * cadence_days)))
    return Part(
        "Recency",
        points,
        30,
        f"Last touch {int(days)} days ago; the cadence is {cadence_days} days.",
    )


def _frequency(touches: Sequence[Touch], cadence_days: int) -> Part:
    expected = 365 / cadence_days
    points = round(25 * min(1.0, len(touches) / expected))
    return Part(
        "Frequency", points, 25, f"{len(touches)} touches in a year, {expected:.0f} expected."
    )


def _depth(touches: Sequence[Touch], circle_gifts: int) -> Part:
    weight = sum(DEPTH_WEIGHTS.get(t.kind, 1) for t in touches) + CIRCLE_GIFT_WEIGHT * circle_gifts
    points = round(30 * min(1.0, weight / DEPTH_FULL))
    deep = sum(1 for t in touches if t.kind in {"meal", "visit_home", "visit_theirs", "gift"})
    why = f"{deep} meals, visits or gifts"
    if circle_gifts:
        why += f", {circle_gifts} gift{'s' if circle_gifts != 1 else ''} for their family"
    return Part("Depth", points, 30, f"{why} ({weight} of {DEPTH_FULL} weight points).")


def _reciprocity(touches: Sequence[Touch]) -> Part:
    if not touches:
        return Part("Reciprocity", 0, 15, "Nobody reached out yet.")
    theirs = sum(1 for t in touches if t.theirs)
    points = round(15 * min(1.0, theirs / len(touches) / RECIPROCITY_FULL_SHARE))
    return Part("Reciprocity", points, 15, f"They reached out {theirs} of {len(touches)} times.")


def rapport(
    touches: Iterable[Touch], *, now: datetime, cadence_days: int, circle_gifts: int = 0
) -> Rapport:
    """The rapport on *now*, from the touches (only those of the year before *now* count)."""
    recent = [t for t in touches if now - WINDOW < t.occurred_at <= now]
    parts = (
        _recency(recent, now, cadence_days),
        _frequency(recent, cadence_days),
        _depth(recent, circle_gifts),
        _reciprocity(recent),
    )
    return Rapport(score=sum(part.points for part in parts), parts=parts)


def monthly(
    touches: Sequence[Touch], *, now: datetime, cadence_days: int, months: int = 12
) -> list[tuple[datetime, int]]:
    """The score at the same day of each of the last *months* months, oldest first."""
    points = []
    for back in range(months - 1, -1, -1):
        moment = now - timedelta(days=round(back * 30.44))
        points.append((moment, rapport(touches, now=moment, cadence_days=cadence_days).score))
    return points
