"""Every change to interactions and to the keep-in-touch clock, one function each.

Logging an interaction puts it on each participant's timeline and resets their keep-in-touch
clock (any touch counts). Editing or deleting one sets the clock back to the latest touch left.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.core import bulk
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact, Gift, GiftStatus, TimelineEntry
from goodwill.people.services import timeline_add
from goodwill.touchpoints import appreciation
from goodwill.touchpoints.models import (
    Direction,
    Interaction,
    InteractionKind,
    LadderTotal,
    Participation,
    RapportScore,
)
from goodwill.touchpoints.rapport import WINDOW, Rapport, Touch, monthly, rapport
from goodwill.touchpoints.signals import interaction_logged

# A touch logged for later than this is a typo, not a plan (plans are reminders, issue 5).
FUTURE_SLACK = timedelta(days=1)
MAX_PARTICIPANTS = 50
MAX_SNOOZE_DAYS = 365


def _participants(workspace: Workspace, contact_ids: Iterable[int]) -> list[Contact]:
    wanted = list(dict.fromkeys(contact_ids))
    if not wanted:
        raise ValidationError({"contacts": "Choose at least one person who took part."})
    if len(wanted) > MAX_PARTICIPANTS:
        raise ValidationError({"contacts": f"At most {MAX_PARTICIPANTS} people per interaction."})
    found = scoped(Contact, workspace).in_bulk(wanted)
    for contact in found.values():
        contact.workspace = workspace  # the timeline and the cadence read it: no query each
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"contacts": f"No contact #{', #'.join(missing)} in this workspace."})
    return [found[pk] for pk in wanted]


def _check(kind: str, direction: str, occurred_at: datetime, note: str) -> None:
    if kind not in InteractionKind.values:
        raise ValidationError({"kind": f"Kind must be one of {', '.join(InteractionKind.values)}."})
    if direction not in Direction.values:
        raise ValidationError({"direction": "Direction must be ours or theirs."})
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "Give the time with its time zone."})
    if occurred_at > timezone.now() + FUTURE_SLACK:
        raise ValidationError(
            {"occurred_at": "That is in the future: log a touch once it happened."}
        )
    if occurred_at.year < 1900:
        raise ValidationError({"occurred_at": "That is too long ago."})
    if len(note) > 5000:
        raise ValidationError({"note": "Keep the note under 5,000 characters."})


def _write_timeline(interaction: Interaction, people: Sequence[Contact]) -> None:
    kind = interaction.get_kind_display()
    for contact in people:
        others = [p.display_name for p in people if p.pk != contact.pk]
        title = f"{kind} with {', '.join(others)}" if others else kind
        timeline_add(
            contact,
            kind="interaction",
            title=title,
            occurred_at=interaction.occurred_at,
            data={
                "interaction_id": interaction.pk,
                "kind": interaction.kind,
                "direction": interaction.direction,
                "note": interaction.note[:300],
            },
        )


def touch_clocks_refresh(
    workspace: Workspace, contact_ids: Iterable[int], now: datetime | None = None
) -> None:
    """Set each contact's last touch to their latest interaction, the next due date with it, and
    their rapport (as of *now*) and dues; after any change to their touches."""
    ids = list(set(contact_ids))
    latest = dict(
        scoped(Participation, workspace)
        .filter(contact_id__in=ids)
        .values("contact_id")
        .annotate(last=Max("occurred_at"))
        .values_list("contact_id", "last")
    )
    clocks = ["last_touch_at", "touch_snoozed_until", "touch_due_at"]
    changed = []
    for contact in scoped(Contact, workspace).filter(pk__in=ids):
        contact.workspace = workspace  # one loaded workspace, not a query per contact
        before = [getattr(contact, name) for name in clocks]
        new_last = latest.get(contact.pk)
        if new_last != contact.last_touch_at:
            # A new touch ends any snooze: the clock starts again from the touch.
            if new_last and (contact.last_touch_at is None or new_last > contact.last_touch_at):
                contact.touch_snoozed_until = None
            contact.last_touch_at = new_last
        contact.touch_due_at = contact.compute_touch_due_at()
        after = [getattr(contact, name) for name in clocks]
        if after != before:
            values = (bulk.prepared(Contact, n, v) for n, v in zip(clocks, after, strict=True))
            changed.append((*values, contact.pk))
    bulk.update(Contact, clocks, changed)
    rapport_refresh(workspace, ids, now)
    appreciation.reconcile(workspace, ids)


def interaction_log(
    workspace: Workspace,
    *,
    actor: User | None,
    kind: str,
    contact_ids: Iterable[int],
    occurred_at: datetime | None = None,
    direction: str = Direction.OURS,
    note: str = "",
) -> Interaction:
    occurred_at = occurred_at or timezone.now()
    note = note.strip()
    _check(kind, direction, occurred_at, note)
    people = _participants(workspace, contact_ids)
    with transaction.atomic():
        interaction = Interaction.objects.create(
            workspace=workspace,
            kind=kind,
            direction=direction,
            occurred_at=occurred_at,
            note=note,
            created_by=actor,
        )
        Participation.objects.bulk_create(
            [
                Participation(
                    workspace=workspace, interaction=interaction, contact=c, occurred_at=occurred_at
                )
                for c in people
            ]
        )
        _write_timeline(interaction, people)
        appreciation.raise_first_meetings(interaction, people)
        touch_clocks_refresh(workspace, [c.pk for c in people])
        interaction_logged.send(Interaction, interaction=interaction, people=people)
    return interaction


def interaction_participants(interaction: Interaction) -> list[Contact]:
    parts = scoped(Participation, interaction.workspace).filter(interaction=interaction)
    return [p.contact for p in parts.select_related("contact").order_by("id")]


def _forget_timeline(interaction: Interaction) -> None:
    scoped(TimelineEntry, interaction.workspace).filter(
        kind="interaction", data__interaction_id=interaction.pk
    ).delete()


def interaction_update(interaction: Interaction, **changes: Any) -> Interaction:
    """Change kind, direction, time, note or participants (`contact_ids`, the whole list)."""
    workspace = interaction.workspace
    for key in ("kind", "direction", "occurred_at", "note"):
        if key in changes and changes[key] is not None:
            setattr(interaction, key, changes[key].strip() if key == "note" else changes[key])
    _check(interaction.kind, interaction.direction, interaction.occurred_at, interaction.note)
    before = [c.pk for c in interaction_participants(interaction)]
    people = (
        _participants(workspace, changes["contact_ids"])
        if changes.get("contact_ids") is not None
        else scoped(Contact, workspace).filter(pk__in=before)
    )
    people = list(people)
    with transaction.atomic():
        interaction.save()
        scoped(Participation, workspace).filter(interaction=interaction).delete()
        Participation.objects.bulk_create(
            [
                Participation(
                    workspace=workspace,
                    interaction=interaction,
                    contact=c,
                    occurred_at=interaction.occurred_at,
                )
                for c in people
            ]
        )
        _forget_timeline(interaction)
        _write_timeline(interaction, people)
        touch_clocks_refresh(workspace, [*before, *(c.pk for c in people)])
    return interaction


def interaction_delete(interaction: Interaction) -> None:
    workspace = interaction.workspace
    with transaction.atomic():
        before = [c.pk for c in interaction_participants(interaction)]
        _forget_timeline(interaction)
        appreciation.withdraw(workspace, f"interaction:{interaction.pk}")
        interaction.delete()
        touch_clocks_refresh(workspace, before)


def touch_snooze(contact: Contact, *, days: int) -> Contact:
    """Put off the next touch by *days* from now, without logging one."""
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise ValidationError({"days": f"Snooze for 1 to {MAX_SNOOZE_DAYS} days."})
    contact.touch_snoozed_until = timezone.now() + timedelta(days=days)
    contact.save(update_fields=["touch_snoozed_until"])
    return contact


def overdue(workspace: Workspace, now: datetime | None = None) -> QuerySet[Contact]:
    """Contacts whose next touch is due, the most overdue first (one indexed range scan)."""
    return (
        scoped(Contact, workspace)
        .filter(touch_due_at__lte=now or timezone.now())
        .order_by("touch_due_at", "id")
    )


@dataclass(frozen=True)
class Ladder:
    """The depth ladder of the last 365 days: the touches that make a relationship deep."""

    meals: int = 0
    home_visits: int = 0
    gifts: int = 0
    circle_gifts: int = 0  # gifts given to someone in their circle: a child's birthday remembered
    people: int = 0  # across a workspace: how many people had any of these


@dataclass(frozen=True)
class RapportView:
    """A contact's rapport now, its parts, the depth ladder, and the score over 12 months."""

    now: Rapport
    chart: list[tuple[datetime, int]]
    ladder: Ladder


def contact_rapport(contact: Contact, now: datetime | None = None) -> RapportView:
    """Computed from the contact's touches of the last two years, in two queries."""
    now = now or timezone.now()
    since = now - 2 * WINDOW
    touches = [
        Touch(
            occurred_at=p.occurred_at,
            kind=p.interaction.kind,
            theirs=p.interaction.direction == Direction.THEIRS,
        )
        for p in scoped(Participation, contact.workspace)
        .filter(contact=contact, occurred_at__gte=since)
        .select_related("interaction")
    ]
    circle_gifts = (
        scoped(Gift, contact.workspace)
        .filter(
            contact=contact,
            status=GiftStatus.GIVEN,
            for_member__isnull=False,
            given_on__gte=(now - WINDOW).date(),
        )
        .count()
    )
    cadence = contact.effective_cadence_days
    year = [t.kind for t in touches if now - WINDOW < t.occurred_at <= now]
    return RapportView(
        now=rapport(touches, now=now, cadence_days=cadence, circle_gifts=circle_gifts),
        chart=monthly(touches, now=now, cadence_days=cadence),
        ladder=Ladder(
            meals=year.count("meal"),
            home_visits=year.count("visit_home"),
            gifts=year.count("gift"),
            circle_gifts=circle_gifts,
        ),
    )


def rapport_refresh(
    workspace: Workspace, contact_ids: Iterable[int], now: datetime | None = None
) -> int:
    """Recompute and store the rapport of these contacts, and move the ladder totals by the
    difference, in a handful of queries for the lot."""
    now = now or timezone.now()
    contacts = scoped(Contact, workspace).in_bulk(list(set(contact_ids)))
    touches: dict[int, list[Touch]] = {pk: [] for pk in contacts}
    parts = scoped(Participation, workspace).filter(
        contact_id__in=list(contacts), occurred_at__gt=now - WINDOW, occurred_at__lte=now
    )
    for pk, occurred_at, kind, direction in parts.values_list(
        "contact_id", "occurred_at", "interaction__kind", "interaction__direction"
    ):
        touches[pk].append(
            Touch(occurred_at=occurred_at, kind=kind, theirs=direction == Direction.THEIRS)
        )
    circle_gifts = dict(
        scoped(Gift, workspace)
        .filter(contact_id__in=list(contacts), status=GiftStatus.GIVEN, for_member__isnull=False)
        .filter(given_on__gt=(now - WINDOW).date())
        .values("contact_id")
        .annotate(n=Count("id"))
        .values_list("contact_id", "n")
    )
    rows = []
    for pk, contact in contacts.items():
        contact.workspace = workspace
        mine = touches[pk]
        result = rapport(
            mine,
            now=now,
            cadence_days=contact.effective_cadence_days,
            circle_gifts=circle_gifts.get(pk, 0),
        )
        rows.append(
            RapportScore(
                workspace=workspace,
                contact=contact,
                kind=contact.kind,
                score=result.score,
                meals=sum(1 for t in mine if t.kind == "meal"),
                home_visits=sum(1 for t in mine if t.kind == "visit_home"),
                gifts=sum(1 for t in mine if t.kind == "gift"),
                circle_gifts=circle_gifts.get(pk, 0),
                computed_at=now,
            )
        )
    with transaction.atomic():
        # Locked, so two refreshes of one contact cannot both move the totals by its old score.
        before = scoped(RapportScore, workspace).filter(contact_id__in=list(contacts))
        ladder_move(workspace, removed=list(before.select_for_update()), added=rows)
        RapportScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["contact"],
            update_fields=[
                "kind", "score", "meals", "home_visits", "gifts", "circle_gifts", "computed_at",
            ],
        )  # fmt: skip
        # The contact carries its score too, for lists sorted by rapport; only changes are written.
        moved = [(row.score, row.contact.pk) for row in rows if row.contact.rapport != row.score]
        bulk.update(Contact, ["rapport"], moved)
    return len(rows)


LADDER = ("meals", "home_visits", "gifts", "circle_gifts")


def _rungs(row: RapportScore) -> dict[str, int]:
    return {**{name: getattr(row, name) for name in LADDER}, "people": int(row.deep)}


def ladder_move(
    workspace: Workspace, *, removed: Iterable[RapportScore], added: Iterable[RapportScore]
) -> None:
    """Take the *removed* scores out of the ladder totals and put the *added* ones in: one
    UPDATE per kind that changed."""
    change: dict[str, dict[str, int]] = {}
    for sign, rows in ((-1, removed), (1, added)):
        for row in rows:
            totals = change.setdefault(row.kind, dict.fromkeys((*LADDER, "people"), 0))
            for name, value in _rungs(row).items():
                totals[name] += sign * value
    for kind, totals in change.items():
        if not any(totals.values()):
            continue
        LadderTotal.objects.bulk_create(
            [LadderTotal(workspace=workspace, kind=kind)], ignore_conflicts=True
        )
        scoped(LadderTotal, workspace).filter(kind=kind).update(
            **{name: F(name) + value for name, value in totals.items()}
        )


def ladder_recompute(workspace: Workspace) -> None:
    """Sum the ladder totals afresh from the stored scores (the daily sweep corrects any drift,
    say from two refreshes of one contact at the same moment)."""
    deep = Q(meals__gt=0) | Q(home_visits__gt=0) | Q(gifts__gt=0) | Q(circle_gifts__gt=0)
    # Aliased, since an aggregate named like a field hides the field from the filter.
    sums = (
        scoped(RapportScore, workspace)
        .values("kind")
        .annotate(
            **{f"sum_{name}": Sum(name) for name in LADDER}, sum_people=Count("id", filter=deep)
        )
    )
    with transaction.atomic():
        scoped(LadderTotal, workspace).delete()
        LadderTotal.objects.bulk_create(
            [
                LadderTotal(
                    workspace=workspace,
                    kind=row["kind"],
                    **{name: row[f"sum_{name}"] or 0 for name in (*LADDER, "people")},
                )
                for row in map(dict[str, Any], sums)
            ]
        )


def best_relationships(workspace: Workspace, kind: str = "") -> QuerySet[RapportScore]:
    """Contacts (of one *kind*, if given) ranked by rapport, with the depth ladder beside them."""
    ranking = scoped(RapportScore, workspace).filter(score__gt=0)
    if kind:
        ranking = ranking.filter(kind=kind)
    # Only what a ranking shows: a contact row is wide, and 50 of them are read per page.
    shown = ["first_name", "last_name", "nickname", "kind", "organization__name"]
    return (
        ranking.select_related("contact", "contact__organization")
        .only(*(f"contact__{name}" for name in shown), *LADDER, "score", "kind", "workspace_id")
        .order_by("-score", "contact_id")
    )


def depth_totals(workspace: Workspace, kind: str = "") -> Ladder:
    """The depth ladder summed over the workspace (or one kind of contact): a few stored rows."""
    rows = scoped(LadderTotal, workspace)
    if kind:
        rows = rows.filter(kind=kind)
    sums = dict.fromkeys((*LADDER, "people"), 0)
    for row in rows:
        for name in sums:
            sums[name] += getattr(row, name)
    return Ladder(**sums)
