"""Engagements and purchases, one function per change; each keeps the contact's spend current
and raises (or takes back) what is owed through the touchpoints' appreciation.

Winning an engagement owes the client a thank-you for choosing you, delivering it another, and
losing it a friendly follow-up ("thank them even when they don't buy"). A purchase owes a
thank-you as the workspace chooses: for every purchase, the first, those above an amount, or
never. Only what happened in the last APPRECIATION_WINDOW raises anything, so entering last
year's history does not fill the Thanks page.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.services import today_in
from goodwill.clients.economics import spend_refresh
from goodwill.clients.fit import fit_refresh
from goodwill.clients.models import (
    ClientSettings,
    Engagement,
    EngagementKind,
    EngagementStatus,
    Purchase,
    PurchaseThanks,
)
from goodwill.core.money import check_amount, check_currency
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact, Kind, TimelineEntry
from goodwill.people.services import contact_update, timeline_add
from goodwill.touchpoints.appreciation import owe, withdraw
from goodwill.touchpoints.models import DueReason

APPRECIATION_WINDOW = timedelta(days=30)

# Where an engagement may go from each status.
MOVES: dict[str, set[str]] = {
    EngagementStatus.PROPOSED: {EngagementStatus.WON, EngagementStatus.LOST},
    EngagementStatus.WON: {
        EngagementStatus.DELIVERED,
        EngagementStatus.LOST,
        EngagementStatus.PROPOSED,
    },
    EngagementStatus.DELIVERED: {EngagementStatus.WON},
    EngagementStatus.LOST: {EngagementStatus.PROPOSED},
}
# What each status owes, and the source that raises it once.
OWED: dict[str, tuple[str, str]] = {
    EngagementStatus.WON: (DueReason.WON, "won"),
    EngagementStatus.DELIVERED: (DueReason.DELIVERY, "delivered"),
    EngagementStatus.LOST: (DueReason.LOST_DEAL, "lost"),
}


def client_settings(workspace: Workspace) -> ClientSettings:
    """The workspace's settings, or the defaults (unsaved) until it saves its own."""
    found = scoped(ClientSettings, workspace).first()
    return found or ClientSettings(workspace=workspace)


def _moment(workspace: Workspace, day: date) -> datetime:
    """When something that happened on *day* counts as having happened: the end of that day,
    or now if that is still to come."""
    end = datetime.combine(day, time(23, 59), tzinfo=workspace.zone)
    return min(end, timezone.now())


def _recent(workspace: Workspace, day: date) -> bool:
    return _moment(workspace, day) >= timezone.now() - APPRECIATION_WINDOW


# -- Engagements ---------------------------------------------------------------------------


def _check_engagement(fields: dict[str, Any]) -> dict[str, Any]:
    title = " ".join(str(fields.get("title", "")).split())
    if not title or len(title) > 200:
        raise ValidationError({"title": "Give it a title of up to 200 characters."})
    fields["title"] = title
    if fields.get("kind", EngagementKind.PROJECT) not in EngagementKind.values:
        raise ValidationError({"kind": "Choose a project or a retainer."})
    fields["value"] = check_amount(fields.get("value", ""), "value")
    fields["currency"] = check_currency(str(fields.get("currency", "")))
    starts, ends = fields.get("starts_on"), fields.get("ends_on")
    if starts and ends and ends < starts:
        raise ValidationError({"ends_on": "The end cannot be before the start."})
    work = " ".join(str(fields.get("work", "")).split())
    if len(work) > 80:
        raise ValidationError({"work": "Keep the kind of work under 80 characters."})
    fields["work"] = work
    if len(fields.get("notes", "")) > 20000:
        raise ValidationError({"notes": "Keep the notes under 20,000 characters."})
    return fields


def engagement_create(
    contact: Contact,
    *,
    actor: User | None,
    title: str,
    value: Decimal | str,
    currency: str,
    kind: str = EngagementKind.PROJECT,
    work: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    notes: str = "",
) -> Engagement:
    """Propose an engagement to a client; move it on with engagement_move()."""
    fields = _check_engagement(
        {"title": title, "value": value, "currency": currency, "kind": kind, "work": work,
         "starts_on": starts_on, "ends_on": ends_on, "notes": notes.strip()}
    )  # fmt: skip
    with transaction.atomic():
        engagement = Engagement.objects.create(
            workspace=contact.workspace, contact=contact, created_by=actor, **fields
        )
        timeline_add(
            contact,
            kind="engagement",
            title=f"Proposed: {engagement.title}",
            data={"engagement_id": engagement.pk},
        )
    return engagement


def engagement_update(engagement: Engagement, **changes: Any) -> Engagement:
    """Change what it is (title, value, dates, notes…); its status moves with engagement_move()."""
    editable = {"title", "value", "currency", "kind", "work", "starts_on", "ends_on", "notes"}
    unknown = set(changes) - editable
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}.")
    current = {name: getattr(engagement, name) for name in editable}
    fields = _check_engagement({**current, **changes})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(engagement, name, value)
        engagement.updated_at = timezone.now()
        engagement.save()
        _spend(engagement.contact)
    return engagement


def engagement_move(
    engagement: Engagement, status: str, *, on: date | None = None, reason: str = ""
) -> Engagement:
    """Move it to *status* on the day *on* (today by default). Winning owes a thank-you,
    delivering another, losing (with a reason) a follow-up; moving back takes back what is
    still open."""
    workspace = engagement.workspace
    if status not in MOVES.get(engagement.status, set()):
        raise ValidationError(
            {"status": f"A {engagement.status} engagement cannot become {status}."}
        )
    on = on or today_in(workspace)
    if on > today_in(workspace):
        raise ValidationError({"on": "That day is still to come."})
    reason = " ".join(reason.split())
    if len(reason) > 200:
        raise ValidationError({"reason": "Keep the reason under 200 characters."})
    before = engagement.status
    with transaction.atomic():
        engagement.status = status
        _dates(engagement, before, status, on, reason)
        engagement.updated_at = timezone.now()
        engagement.save()
        _settle_moves(engagement, before, status, on)
        _spend(engagement.contact)
        timeline_add(
            engagement.contact,
            kind="engagement",
            title=f"{engagement.get_status_display()}: {engagement.title}",
            data={"engagement_id": engagement.pk},
        )
    return engagement


def _dates(engagement: Engagement, before: str, status: str, on: date, reason: str) -> None:
    if status == EngagementStatus.WON and before == EngagementStatus.PROPOSED:
        engagement.won_on = on
    if status == EngagementStatus.DELIVERED:
        engagement.delivered_on = on
    if status == EngagementStatus.LOST:
        engagement.lost_on, engagement.lost_reason = on, reason
    if status == EngagementStatus.PROPOSED:
        engagement.won_on = engagement.lost_on = None
        engagement.lost_reason = ""
    if before == EngagementStatus.DELIVERED:
        engagement.delivered_on = None


def _source(engagement: Engagement, what: str) -> str:
    return f"engagement:{engagement.pk}:{what}"


def _settle_moves(engagement: Engagement, before: str, status: str, on: date) -> None:
    """Owe what the new status owes (if recent); take back what the old one owed and is still
    open, except the thanks for choosing you when the work is delivered (both are owed)."""
    delivered = before == EngagementStatus.WON and status == EngagementStatus.DELIVERED
    if before in OWED and not delivered:
        withdraw(engagement.workspace, _source(engagement, OWED[before][1]))
    if status in OWED and _recent(engagement.workspace, on):
        reason, what = OWED[status]
        owe(
            engagement.contact,
            reason=reason,
            about=engagement.title[:200],
            source=_source(engagement, what),
            event_at=_moment(engagement.workspace, on),
        )


def engagement_delete(engagement: Engagement) -> None:
    contact = engagement.contact
    with transaction.atomic():
        for _, what in OWED.values():
            withdraw(engagement.workspace, _source(engagement, what))
        # Its lines on the timeline would link to nothing.
        scoped(TimelineEntry, engagement.workspace).filter(
            contact=contact, kind="engagement", data__engagement_id=engagement.pk
        ).delete()
        engagement.delete()
        _spend(contact)


# -- Purchases -----------------------------------------------------------------------------


def _owes_thanks(purchase: Purchase, settings: ClientSettings) -> bool:
    policy = settings.purchase_thanks
    if policy == PurchaseThanks.NEVER:
        return False
    if policy == PurchaseThanks.FIRST:
        earlier = scoped(Purchase, purchase.workspace).filter(
            contact=purchase.contact, purchased_on__lte=purchase.purchased_on
        )
        return not earlier.exclude(pk=purchase.pk).exists()
    if policy == PurchaseThanks.ABOVE:
        threshold = settings.purchase_thanks_above or Decimal(0)
        # A threshold is in the workspace's currency; another currency cannot be compared,
        # so it is thanked rather than forgotten.
        if purchase.currency == purchase.workspace.currency:
            return purchase.amount > threshold
    return True


def purchase_create(
    contact: Contact,
    *,
    actor: User | None,
    amount: Decimal | str,
    currency: str = "",
    purchased_on: date | None = None,
    description: str = "",
) -> Purchase:
    """Record a purchase (today, in the workspace's currency, unless told otherwise)."""
    workspace = contact.workspace
    amount = check_amount(amount)
    currency = check_currency(currency or workspace.currency)
    purchased_on = purchased_on or today_in(workspace)
    if purchased_on > today_in(workspace):
        raise ValidationError({"purchased_on": "That day is still to come."})
    if purchased_on.year < 1900:
        raise ValidationError({"purchased_on": "That is too long ago."})
    description = " ".join(description.split())
    if len(description) > 500:
        raise ValidationError({"description": "Keep the description under 500 characters."})
    with transaction.atomic():
        purchase = Purchase.objects.create(
            workspace=workspace, contact=contact, amount=amount, currency=currency,
            purchased_on=purchased_on, description=description, created_by=actor,
        )  # fmt: skip
        if _recent(workspace, purchased_on) and _owes_thanks(purchase, client_settings(workspace)):
            owe(
                contact,
                reason=DueReason.PURCHASE,
                about=(description or f"{amount} {currency}")[:200],
                source=f"purchase:{purchase.pk}",
                event_at=_moment(workspace, purchased_on),
            )
        _spend(contact)
    return purchase


def purchase_delete(purchase: Purchase) -> None:
    contact = purchase.contact
    with transaction.atomic():
        withdraw(purchase.workspace, f"purchase:{purchase.pk}")
        purchase.delete()
        _spend(contact)


def _spend(contact: Contact) -> None:
    """Their spend, and so their fit, follow at once (the ranking reads both)."""
    today = today_in(contact.workspace)
    spend_refresh(contact.workspace, [contact.pk], today)
    fit_refresh(contact.workspace, [contact.pk], today)


# -- Settings ------------------------------------------------------------------------------


def purchase_thanks_set(
    workspace: Workspace, policy: str, above: Decimal | str | None = None
) -> ClientSettings:
    """When a purchase earns a thank-you: every, first, above (an amount in the workspace's
    currency) or never. It applies to purchases recorded from now on."""
    if policy not in PurchaseThanks.values:
        raise ValidationError({"purchase_thanks": "Choose every, first, above or never."})
    threshold = None
    if policy == PurchaseThanks.ABOVE:
        if above in (None, ""):
            raise ValidationError({"purchase_thanks_above": "Give the amount."})
        threshold = check_amount(above, "purchase_thanks_above")
    settings = client_settings(workspace)
    settings.purchase_thanks, settings.purchase_thanks_above = policy, threshold
    settings.save()
    return settings


# -- Prospects -----------------------------------------------------------------------------

CONVERTIBLE = {Kind.CLIENT, Kind.CUSTOMER}


def prospect_convert(contact: Contact, *, actor: User | None, kind: str) -> Contact:
    """A prospect becomes a client or a customer: the same person, with all their history."""
    if kind not in CONVERTIBLE:
        raise ValidationError({"kind": "A prospect becomes a client or a customer."})
    if contact.kind != Kind.PROSPECT:
        raise ValidationError({"kind": f"{contact.display_name} is not a prospect."})
    with transaction.atomic():
        contact_update(contact, actor=actor, kind=kind)
        label = Kind(kind).label.lower()
        timeline_add(contact, kind="became", title=f"Became a {label}")
    return contact
