"""Cases, one function per change: open, reply or note, change status, assign, update, rate.

A case's service targets (first response, resolution) are counted in the workspace's business
hours from when it was filed, and stop while it waits on the customer (goodwill.care.clock). A
public reply is the first response when it is the first one.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from goodwill.accounts.models import Membership, User, Workspace
from goodwill.care import links
from goodwill.care.clock import Clock, clock_of, pause, resume
from goodwill.care.models import (
    OPEN_STATUSES,
    Case,
    CaseEntry,
    CaseType,
    EntryKind,
    Holiday,
    Priority,
    ServiceTarget,
    Status,
)
from goodwill.clients.models import Purchase
from goodwill.core.scoping import scoped
from goodwill.messaging.models import OutgoingMessage
from goodwill.messaging.services import message_queue
from goodwill.messaging.tasks import send_message
from goodwill.people.models import Contact
from goodwill.people.services import UNSET, first_email, timeline_add
from goodwill.touchpoints.appreciation import owe
from goodwill.touchpoints.models import Direction, InteractionKind
from goodwill.touchpoints.services import interaction_log

# Where a case may go from each status; a resolved or closed case reopens to in progress.
TRANSITIONS: dict[str, set[str]] = {
    Status.NEW: {
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.WAITING,
        Status.RESOLVED,
        Status.CLOSED,
    },
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.IN_PROGRESS: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.IN_PROGRESS, Status.CLOSED},
    Status.CLOSED: {Status.IN_PROGRESS},
}
CLOSE_REASONS = {"resolved", "spam", "duplicate"}


def _check(type_: str, priority: str, subject: str, description: str) -> None:
    if type_ not in CaseType.values:
        raise ValidationError({"type": "Choose complaint, return, change request or question."})
    if priority not in Priority.values:
        raise ValidationError({"priority": "Choose low, normal, high or urgent."})
    if not subject.strip() or len(subject) > 200:
        raise ValidationError({"subject": "Say what it is about in up to 200 characters."})
    if len(description) > 20000:
        raise ValidationError({"description": "Keep it under 20,000 characters."})


def case_open(
    contact: Contact,
    *,
    actor: User | None,
    type: str,
    subject: str,
    description: str = "",
    priority: str = Priority.NORMAL,
    filed_at: datetime | None = None,
    purchase: Purchase | None = None,
) -> Case:
    """Open a case for *contact*, numbered next in the workspace, with its service targets;
    a return or a complaint may say which of their purchases it is about."""
    _check(type, priority, subject, description)
    if purchase is not None and purchase.contact_id != contact.pk:
        raise ValidationError({"purchase": "That purchase is not theirs."})
    filed_at = filed_at or timezone.now()
    workspace = contact.workspace
    clock = clock_of(workspace)
    for _ in range(5):  # two cases opened at once may want the same number: try the next
        number = (scoped(Case, workspace).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                case = Case(
                    workspace=workspace,
                    number=number,
                    contact=contact,
                    type=type,
                    priority=priority,
                    subject=subject.strip(),
                    description=description.strip(),
                    created_by=actor,
                    created_at=filed_at,
                    updated_at=filed_at,
                    purchase=purchase,
                )
                case.first_response_due_at, case.due_at = clock.due_dates(case)
                case.save()
                links.case_token_new(case)  # needs the primary key
                case.save(update_fields=["public_nonce", "public_token_hash"])
                _on_timeline(case, f"{case.get_type_display()} #{number}: {case.subject}", filed_at)
                return case
        except IntegrityError:
            continue
    raise ValidationError("Could not number the case; try again.")


def _on_timeline(case: Case, title: str, occurred_at: datetime | None = None) -> None:
    """The case on its contact's timeline."""
    timeline_add(
        case.contact,
        kind="case",
        title=title[:300],
        occurred_at=occurred_at,
        data={"case_id": case.pk, "number": case.number},
    )


def _check_move(case: Case, status: str) -> None:
    if status not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            {"status": f"A {case.get_status_display().lower()} case cannot become {status}."}
        )


def _entry(case: Case, kind: str, actor: User | None, **fields: str) -> CaseEntry:
    return CaseEntry.objects.create(
        workspace=case.workspace, case=case, kind=kind, author=actor, **fields
    )


def _move(case: Case, status: str, reason: str, clock: Clock, now: datetime) -> None:
    """The fields a move changes: the clock stops while waiting on the customer, the business
    hours to resolution are kept when it is resolved, and forgotten when it is reopened."""
    before = case.status
    if status == Status.WAITING:
        pause(case, now)
    elif before == Status.WAITING:
        resume(case, clock, now)
    case.status = status
    if status in (Status.RESOLVED, Status.CLOSED) and case.resolved_at is None:
        case.resolved_at = now
        case.resolution_hours = clock.elapsed(case, now)
    if status == Status.CLOSED:
        case.closed_at, case.close_reason = now, reason or "resolved"
    if before in (Status.RESOLVED, Status.CLOSED) and status == Status.IN_PROGRESS:
        case.resolved_at = case.closed_at = case.resolution_hours = None
        case.close_reason = ""
    case.updated_at = now


def case_set_status(
    case: Case,
    status: str,
    *,
    actor: User | None,
    reason: str = "",
    now: datetime | None = None,
    inform: bool = True,
) -> Case:
    """Move a case to *status* (closing takes a reason: resolved, spam or duplicate). The
    customer is told by e-mail (*inform*), unless it was closed as spam or a duplicate."""
    now = now or timezone.now()
    _check_move(case, status)
    if status == Status.CLOSED and (reason or "resolved") not in CLOSE_REASONS:
        raise ValidationError({"reason": "Close it as resolved, spam or duplicate."})
    before = case.status
    with transaction.atomic():
        _move(case, status, reason, clock_of(case.workspace), now)
        case.save()
        entry = _entry(
            case, EntryKind.STATUS, actor, from_status=before, to_status=status, body=reason
        )
        if inform:
            inform_customer(case, entry, reply="")
        _on_timeline(case, f"Case #{case.number} {case.get_status_display().lower()}")
    return case


def case_reply(
    case: Case,
    *,
    actor: User | None,
    body: str,
    public: bool,
    status: str = "",
    now: datetime | None = None,
) -> CaseEntry:
    """A reply to the customer (public) or an internal note, and a status change with it."""
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write the reply or the note first."})
    if len(body) > 20000:
        raise ValidationError({"body": "Keep it under 20,000 characters."})
    if status and status != case.status:
        _check_move(case, status)
    with transaction.atomic():
        entry = _entry(case, EntryKind.REPLY if public else EntryKind.NOTE, actor, body=body)
        if public and case.first_response_at is None:
            case.first_response_at = now
            case.first_response_hours = clock_of(case.workspace).elapsed(case, now)
        case.updated_at = now
        case.save(update_fields=["first_response_at", "first_response_hours", "updated_at"])
        if public:
            _on_timeline(case, f"Replied on case #{case.number}")
        if status and status != case.status:
            case_set_status(case, status, actor=actor, now=now, inform=False)
        if public or status:
            # A reply and a status change with it are one e-mail, not two.
            inform_customer(case, entry, reply=body if public else "")
    return entry


def case_assign(case: Case, owner: User | None) -> Case:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=case.workspace, user=owner).exists()
    ):
        raise ValidationError({"owner": "Only a member of the workspace can own a case."})
    case.owner = owner
    case.save(update_fields=["owner"])
    return case


def case_update(
    case: Case,
    *,
    priority: str | None = None,
    category: str | None = None,
    owner: User | None = UNSET,
) -> Case:
    """Change the priority (its targets follow, still counted from when it was filed), the
    category (what it was about, which the care insight lists as things to improve) or who
    handles it (a member, or nobody)."""
    if owner is not UNSET:
        case_assign(case, owner)
    fields = ["updated_at"]
    if priority is not None and priority != case.priority:
        if priority not in Priority.values:
            raise ValidationError({"priority": "Choose low, normal, high or urgent."})
        case.priority = priority
        case.first_response_due_at, case.due_at = clock_of(case.workspace).due_dates(case)
        fields += ["priority", "first_response_due_at", "due_at"]
    if category is not None:
        category = " ".join(category.split())
        if len(category) > 80:
            raise ValidationError({"category": "Keep the category under 80 characters."})
        case.category = category
        fields.append("category")
    case.updated_at = timezone.now()
    case.save(update_fields=fields)
    return case


def case_rate(case: Case, *, rating: int, comment: str = "", now: datetime | None = None) -> Case:
    """The customer's one-click rating of a resolved case (1 to 5), with an optional comment;
    rating again replaces it."""
    if case.resolved_at is None or case.close_reason in ("spam", "duplicate"):
        raise ValidationError("You can rate the case once it is resolved.")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose from 1 to 5."})
    comment = comment.strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": "Keep the comment under 2,000 characters."})
    case.rating, case.rating_comment = rating, comment
    case.rated_at = now or timezone.now()
    with transaction.atomic():
        case.save(update_fields=["rating", "rating_comment", "rated_at"])
        _on_timeline(case, f"Rated case #{case.number}: {rating} of 5", case.rated_at)
    return case


def open_cases(contact: Contact) -> list[Case]:
    return list(
        scoped(Case, contact.workspace)
        .filter(contact=contact, status__in=OPEN_STATUSES)
        .order_by("due_at")[:20]
    )


CUSTOMER_MESSAGES_PER_HOUR = 20


def case_customer_message(case: Case, *, body: str, now: datetime | None = None) -> CaseEntry:
    """The customer writes on their status page: kept on the case, and a case that was waiting
    on them, resolved or closed is in progress again."""
    now = now or timezone.now()
    body = body.strip()
    if not body or len(body) > 10000:
        raise ValidationError({"body": "Write your message (up to 10,000 characters)."})
    recent = scoped(CaseEntry, case.workspace).filter(
        case=case, kind=EntryKind.CUSTOMER, created_at__gte=now - timedelta(hours=1)
    )
    if recent.count() >= CUSTOMER_MESSAGES_PER_HOUR:
        raise ValidationError("You have written many times in the last hour; we have it all.")
    with transaction.atomic():
        entry = _entry(case, EntryKind.CUSTOMER, None, body=body)
        _on_timeline(case, f"Wrote on case #{case.number}")
        if case.status in (Status.WAITING, Status.RESOLVED, Status.CLOSED):
            case_set_status(case, Status.IN_PROGRESS, actor=None, now=now, inform=False)
    return entry


def case_accept(case: Case) -> Case:
    """The customer accepts the resolution: the case closes, and a thank-you is owed to them
    (for their patience). A complaint put right within its target is a good touch: it is logged
    as one, and counts in rapport."""
    if case.status != Status.RESOLVED:
        raise ValidationError("Only a resolved case can be accepted.")
    with transaction.atomic():
        case_set_status(case, Status.CLOSED, actor=None, reason="resolved", inform=False)
        owe(
            case.contact,
            reason="other",
            about=f"accepting the resolution of case #{case.number}",
            source=f"case:{case.pk}",
        )
        resolved_at = case.resolved_at or timezone.now()
        if case.type == CaseType.COMPLAINT and resolved_at <= case.due_at:
            interaction_log(
                case.workspace,
                actor=None,
                kind=InteractionKind.PUT_RIGHT,
                contact_ids=[case.contact_id],
                direction=Direction.THEIRS,
                note=f"Complaint #{case.number} put right in time, and accepted: {case.subject}",
            )
    return case


def case_reopen(case: Case, *, body: str = "") -> Case:
    """The customer says it is not solved after all."""
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError("Only a resolved or closed case can be reopened.")
    if body.strip():
        case_customer_message(case, body=body)  # reopens it too
    else:
        case_set_status(
            case, Status.IN_PROGRESS, actor=None, reason="reopened by the customer", inform=False
        )
    return case


# However busy a case gets, its customer gets at most this many e-mails an hour.
INFORM_PER_HOUR = 10


def status_link(case: Case) -> str:
    """The full address of the case's status page, or "" when its link cannot be derived."""
    token = links.case_token(case)
    if not token:
        return ""
    return settings.SITE_URL + reverse("care:status_page", args=[case.workspace.slug, token])


def _follow_up(case: Case) -> str:
    link = status_link(case)
    if not link:
        lost = settings.SITE_URL + reverse("care:lost_link", args=[case.workspace.slug])
        return (
            "Reply or add details with the link in our first e-mail; if you lost it, get a "
            f"fresh one here: {lost}"
        )
    if case.status == Status.RESOLVED:
        return (
            "Is it put right? Tell us with one click, and rate how we did, on your case's "
            f"page:\n{link}"
        )
    return f"Reply or add details on your case's page:\n{link}"


def inform_customer(case: Case, entry: CaseEntry, *, reply: str) -> bool:
    """Tell the customer what was done, through the messages outbox: the reply (if any) and the
    case's status in plain words. Nothing for a case closed as spam or a duplicate, nothing
    without an address, and no more than INFORM_PER_HOUR an hour. Returns whether it went."""
    if case.status == Status.CLOSED and case.close_reason in ("spam", "duplicate"):
        return False
    address = case.customer_email or first_email(case.contact)
    if not address:
        return False
    prefix = f"case-{case.pk}-"
    recent = scoped(OutgoingMessage, case.workspace).filter(
        key__startswith=prefix, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.count() >= INFORM_PER_HOUR:
        return False
    words = case.in_words
    body = (
        f"Dear {case.contact.greeting_name},\n\n"
        + (f"{reply}\n\n" if reply else "")
        + f"Your case #{case.number} ({case.subject}) is now {words}.\n\n"
        + _follow_up(case)
        + f"\n\n{case.workspace.name}"
    )
    message, new = message_queue(
        case.contact,
        actor=entry.author,
        to_address=address,
        subject=f"Case #{case.number}: {words}",
        body=body,
        key=f"{prefix}{entry.pk}",
    )
    if new:
        send_message.enqueue(message.pk)
    return new


MAX_TARGET_HOURS = 2000  # a year of working days: more is a typing mistake


def targets_set(workspace: Workspace, targets: Mapping[str, tuple[float, float]]) -> None:
    """The workspace's own targets per priority, (first response, resolution) in business
    hours. They apply to cases opened from now on (and to a case whose priority is changed);
    open cases keep theirs."""
    for priority, (first, resolution) in targets.items():
        label = priority.title()
        if priority not in Priority.values:
            raise ValidationError({"priority": "Choose low, normal, high or urgent."})
        if not 0 < first <= MAX_TARGET_HOURS or not 0 < resolution <= MAX_TARGET_HOURS:
            raise ValidationError(
                f"{label}: give targets above 0 and up to {MAX_TARGET_HOURS:,} business hours."
            )
        if first > resolution:
            raise ValidationError(
                f"{label}: the first response cannot be due after the resolution."
            )
    with transaction.atomic():
        for priority, (first, resolution) in targets.items():
            ServiceTarget.objects.update_or_create(
                workspace=workspace,
                priority=priority,
                defaults={"first_response_hours": first, "resolution_hours": resolution},
            )


def holiday_add(workspace: Workspace, day: date, name: str = "") -> Holiday:
    """A day the workspace is closed; targets of cases opened from now on skip it."""
    name = " ".join(name.split())
    if len(name) > 100:
        raise ValidationError({"name": "Keep the name under 100 characters."})
    if scoped(Holiday, workspace).filter(date=day).exists():
        raise ValidationError({"date": f"{day:%-d %B %Y} is already a holiday."})
    return Holiday.objects.create(workspace=workspace, date=day, name=name)


def holiday_remove(holiday: Holiday) -> None:
    holiday.delete()
