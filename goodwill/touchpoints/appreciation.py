"""Appreciation (B4): what is owed to whom, raised by any app and settled by the touch it calls for.

A thank-you is owed after a purchase, a delivery, a referral or a first meeting; a friendly
follow-up after a lost deal ("thank them even when they don't buy") or after meeting someone new
at an event. Other capabilities raise
one with `owe()` (engagements when won or lost, purchases when made) and take it back with
`withdraw()` when what raised it is deleted. A thank-you interaction logged at or after the
event settles a thank-you; any touch you make at or after the event settles a follow-up.
Editing or deleting that touch opens it again, since `reconcile()` decides from the touches.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.touchpoints.models import (
    Direction,
    Due,
    DueKind,
    DueReason,
    DueState,
    Interaction,
    InteractionKind,
    Participation,
)

# Meeting in person: the first one with someone earns a thank-you.
IN_PERSON = {
    InteractionKind.MEETING,
    InteractionKind.MEAL,
    InteractionKind.VISIT_HOME,
    InteractionKind.VISIT_THEIRS,
}
# A first meeting logged from long ago (an import, catching up) owes nothing any more.
FIRST_MEETING_WINDOW = timedelta(days=30)
FUTURE_SLACK = timedelta(days=1)


# Reasons that call for getting back in touch rather than for thanks.
FOLLOW_UP_REASONS = {DueReason.LOST_DEAL, DueReason.EVENT}


def kind_for(reason: str) -> str:
    return DueKind.FOLLOW_UP if reason in FOLLOW_UP_REASONS else DueKind.THANK_YOU


def settles(due_kind: str, kind: str, direction: str) -> bool:
    """Whether a touch of this kind and direction settles a due of *due_kind*."""
    if due_kind == DueKind.THANK_YOU:
        return kind == InteractionKind.THANK_YOU
    return direction == Direction.OURS


def _check(reason: str, kind: str, about: str, event_at: datetime) -> None:
    if reason not in DueReason.values:
        raise ValidationError({"reason": f"Reason must be one of {', '.join(DueReason.values)}."})
    if kind not in DueKind.values:
        raise ValidationError({"kind": "Kind must be thank_you or follow_up."})
    if len(about) > 200:
        raise ValidationError({"about": "Keep it under 200 characters."})
    if timezone.is_naive(event_at):
        raise ValidationError({"event_at": "Give the time with its time zone."})
    if event_at > timezone.now() + FUTURE_SLACK:
        raise ValidationError({"event_at": "That is in the future: raise it once it happened."})
    if event_at.year < 1900:
        raise ValidationError({"event_at": "That is too long ago."})


def owe(
    contact: Contact,
    *,
    reason: str,
    about: str = "",
    source: str = "",
    event_at: datetime | None = None,
    kind: str | None = None,
) -> tuple[Due, bool]:
    """Record that *contact* is owed a thank-you (or, after a lost deal, a follow-up); returns it
    and whether it is new, like get_or_create.

    *source* names what raised it ("engagement:12"); the same source raises it once only, so
    callers may call this again safely. A fitting touch already logged since the event settles
    it at once.
    """
    about = about.strip()
    kind = kind or kind_for(reason)
    event_at = event_at or timezone.now()
    _check(reason, kind, about, event_at)
    workspace = contact.workspace
    if source:
        existing = scoped(Due, workspace).filter(contact=contact, kind=kind, source=source).first()
        if existing is not None:
            return existing, False
    due = Due.objects.create(
        workspace=workspace,
        contact=contact,
        kind=kind,
        reason=reason,
        about=about,
        source=source[:64],
        event_at=event_at,
    )
    reconcile(workspace, [contact.pk])
    due.refresh_from_db()
    return due, True


def withdraw(workspace: Workspace, source: str) -> int:
    """Take back what *source* raised and is still open (it was deleted); returns how many."""
    if not source:
        return 0
    deleted, _ = scoped(Due, workspace).filter(source=source, state=DueState.OPEN).delete()
    return deleted


def dismiss(due: Due) -> Due:
    """Not needed after all: it leaves the lists and no touch reopens it."""
    if due.state != DueState.OPEN:
        raise ValidationError({"state": "Only an open thank-you or follow-up can be dismissed."})
    due.state = DueState.DISMISSED
    due.closed_at = timezone.now()
    due.save(update_fields=["state", "closed_at"])
    return due


def reconcile(workspace: Workspace, contact_ids: Iterable[int]) -> None:
    """Settle each due of these contacts that a fitting touch since its event answers, and open
    again the ones whose touch was edited away or deleted: two queries, then the changes."""
    dues = list(
        scoped(Due, workspace)
        .filter(contact_id__in=list(set(contact_ids)))
        .exclude(state=DueState.DISMISSED)
    )
    if not dues:
        return
    touches = (
        scoped(Participation, workspace)
        .filter(
            contact_id__in={due.contact_id for due in dues},
            occurred_at__gte=min(due.event_at for due in dues),
        )
        .order_by("occurred_at", "id")
        .values_list(
            "contact_id", "interaction_id", "occurred_at", "interaction__kind",
            "interaction__direction",
        )
    )  # fmt: skip
    by_contact: dict[int, list[tuple[int, datetime, str, str]]] = {}
    for contact_id, interaction_id, occurred_at, kind, direction in touches:
        by_contact.setdefault(contact_id, []).append((interaction_id, occurred_at, kind, direction))
    changed = []
    for due in dues:
        answer = next(
            (
                interaction_id
                for interaction_id, occurred_at, kind, direction in by_contact.get(
                    due.contact_id, []
                )
                if occurred_at >= due.event_at
                and due.source != f"interaction:{interaction_id}"
                and settles(due.kind, kind, direction)
            ),
            None,
        )
        state = DueState.SETTLED if answer else DueState.OPEN
        if (state, answer) != (due.state, due.settled_by_id):
            due.state, due.settled_by_id = state, answer
            due.closed_at = timezone.now() if answer else None
            changed.append(due)
    Due.objects.bulk_update(changed, ["state", "settled_by", "closed_at"])


def raise_first_meetings(interaction: Interaction, people: Iterable[Contact]) -> None:
    """A first meeting in person with someone, logged within a month, owes them a thank-you."""
    if interaction.kind not in IN_PERSON:
        return
    if interaction.occurred_at < timezone.now() - FIRST_MEETING_WINDOW:
        return
    people = list(people)
    met_before = set(
        scoped(Participation, interaction.workspace)
        .filter(
            contact_id__in=[c.pk for c in people],
            occurred_at__lt=interaction.occurred_at,
            interaction__kind__in=IN_PERSON,
        )
        .values_list("contact_id", flat=True)
    )
    label = InteractionKind(interaction.kind).label.lower()
    for contact in people:
        if contact.pk not in met_before:
            owe(
                contact,
                reason=DueReason.FIRST_MEETING,
                about=f"{label} on {timezone.localtime(interaction.occurred_at):%-d %b %Y}",
                source=f"interaction:{interaction.pk}",
                event_at=interaction.occurred_at,
            )


def open_dues(workspace: Workspace) -> QuerySet[Due]:
    """What is owed, the oldest event first (one indexed range)."""
    return (
        scoped(Due, workspace)
        .filter(state=DueState.OPEN)
        .select_related("contact")
        .order_by("event_at", "id")
    )


def contact_dues(contact: Contact) -> QuerySet[Due]:
    """What *contact* is owed now, the oldest first."""
    return (
        scoped(Due, contact.workspace)
        .filter(contact=contact, state=DueState.OPEN)
        .order_by("event_at", "id")[:20]
    )
