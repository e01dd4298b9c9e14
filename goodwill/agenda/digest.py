"""The daily digest (C2): each member's agenda by e-mail at the hour they chose, once a day.

Every minute the worker's `digests` sweep (1) opens an outbox row for each member whose hour has
come today in their time zone — a unique (workspace, user, local day) row, so several workers
open it once — and (2) sends the open rows: each is claimed with a conditional UPDATE (pending,
or sending with an expired lease), sent, then marked sent. A worker killed after claiming leaves
the row to be claimed again when the lease ends, so nothing is lost; one killed while handing it
to the mail server (the server may have taken it, or not) leaves it failed, never sent twice.

A worker that was down at the hour sends the day's digest when it comes back, marked late; the
next day's hour starts a new day (a digest of yesterday's agenda helps nobody). A day with
nothing on today's agenda sends nothing, unless the member asked for empty days too.
"""

import contextlib
import os
import socket
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from goodwill.accounts.models import Membership, User, Workspace
from goodwill.accounts.services import validate_time_zone
from goodwill.agenda.agenda import Agenda, agenda
from goodwill.agenda.models import Digest, DigestSetting, DigestState
from goodwill.core.scoping import scoped

LATE_AFTER = timedelta(minutes=15)
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
BATCH = 200
# A run stops starting new digests after this, so the minute's sweep ends in its minute.
SEND_BUDGET = timedelta(seconds=45)
LATER_DAYS = 6
UNSUBSCRIBE_SALT = "goodwill.digest.unsubscribe"


def setting_for(workspace: Workspace, user: User) -> DigestSetting:
    """The member's digest setting, or the defaults (unsaved) when they never chose."""
    found = scoped(DigestSetting, workspace).filter(user=user).first()
    return found or DigestSetting(workspace=workspace, user=user)


def digest_setting_update(
    workspace: Workspace,
    user: User,
    *,
    enabled: bool,
    hour: int,
    days: list[int],
    time_zone: str = "",
    send_empty: bool = False,
) -> DigestSetting:
    if not 0 <= hour <= 23:
        raise ValidationError({"hour": "Choose an hour from 0 to 23."})
    if any(day not in range(7) for day in days):
        raise ValidationError({"days": "Days are 0 (Monday) to 6 (Sunday)."})
    if enabled and not days:
        raise ValidationError({"days": "Choose at least one day, or turn the digest off."})
    if time_zone:
        validate_time_zone(time_zone)
    setting = setting_for(workspace, user)
    setting.enabled, setting.hour, setting.send_empty = enabled, hour, send_empty
    setting.days, setting.time_zone = sorted(set(days)), time_zone
    setting.save()
    return setting


def zone_of(setting: DigestSetting) -> ZoneInfo:
    return ZoneInfo(setting.time_zone) if setting.time_zone else setting.workspace.zone


def scheduled_at(setting: DigestSetting, day: date) -> datetime:
    """The instant of the digest hour on *day* in the member's zone. An hour that does not
    exist that day (clocks skip it) is the instant the clocks skip to."""
    local = datetime.combine(day, time(setting.hour), tzinfo=zone_of(setting))
    return local.astimezone(ZoneInfo("UTC"))


def _members(workspace_ids: list[int] | None = None) -> list[DigestSetting]:
    """Every membership's digest setting (saved or default), workspaces and users loaded."""
    memberships = Membership.objects.select_related("workspace", "user").filter(
        user__is_active=True
    )
    if workspace_ids is not None:
        memberships = memberships.filter(workspace_id__in=workspace_ids)
    saved = {
        (s.workspace_id, s.user_id): s
        for s in DigestSetting.objects.filter(
            workspace_id__in={m.workspace_id for m in memberships}
        )
    }
    result = []
    for membership in memberships:
        setting = saved.get((membership.workspace_id, membership.user_id))
        setting = setting or DigestSetting(workspace=membership.workspace, user=membership.user)
        setting.workspace, setting.user = membership.workspace, membership.user
        result.append(setting)
    return result


def digests_open(now: datetime | None = None) -> int:
    """Open today's outbox row for every member whose hour has come; returns how many opened."""
    now = now or timezone.now()
    rows = []
    for setting in _members():
        if not setting.enabled:
            continue
        local = now.astimezone(zone_of(setting))
        day = local.date()
        if day.weekday() not in setting.days:
            continue
        due = scheduled_at(setting, day)
        if now < due:
            continue
        rows.append(
            Digest(
                workspace=setting.workspace,
                user=setting.user,
                local_date=day,
                late=now - due > LATE_AFTER,
            )
        )
    opened = _already_open(rows)
    rows = [row for row in rows if (row.workspace_id, row.user_id, row.local_date) not in opened]
    # The unique (workspace, user, day) row keeps it to one even when workers race here.
    Digest.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _already_open(rows: list[Digest]) -> set[tuple[int, int, date]]:
    if not rows:
        return set()
    existing = Digest.objects.filter(
        test=False,
        local_date__in={row.local_date for row in rows},
        user_id__in={row.user_id for row in rows},
    )
    return set(existing.values_list("workspace_id", "user_id", "local_date"))


def digest_test(workspace: Workspace, user: User) -> Digest:
    """A digest of today's agenda now, whatever the settings (the settings page's button)."""
    setting = setting_for(workspace, user)
    day = timezone.now().astimezone(zone_of(setting)).date()
    return Digest.objects.create(workspace=workspace, user=user, local_date=day, test=True)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# A digest `sending` with `sent_at` set was being handed to the mail server (sent_at is written
# just before, and cleared on every other way out). If its worker died there, the server may
# have taken it or not; sending it again could send it twice, so it fails instead.
INTERRUPTED = (
    "The worker stopped while handing this digest to the mail server; it may not have gone out."
)


def _claimable(now: datetime) -> Q:
    # A worker that died after claiming but before handing it over sent nothing: send it.
    abandoned = Q(state=DigestState.SENDING, claimed_at__lt=now - LEASE, sent_at=None)
    return Q(state=DigestState.PENDING) | abandoned


def _claim(digest_id: int, now: datetime, worker: str) -> bool:
    claimed = (
        Digest.objects.filter(pk=digest_id)
        .filter(_claimable(now))
        .update(
            state=DigestState.SENDING,
            claimed_at=now,
            claimed_by=worker,
            sent_at=None,
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


def digests_fail_interrupted(now: datetime) -> int:
    """Fail the digests whose worker died while handing them to the mail server."""
    interrupted = Digest.objects.filter(
        state=DigestState.SENDING, claimed_at__lt=now - LEASE
    ).exclude(sent_at=None)
    return interrupted.update(state=DigestState.FAILED, sent_at=None, error=INTERRUPTED)


def _mark(digest_id: int, worker: str, **changes: object) -> None:
    Digest.objects.filter(pk=digest_id, claimed_by=worker).update(**changes)


@dataclass(frozen=True)
class Rendered:
    """A workspace's agenda for one day, with its lists already rendered: every member's digest
    of that day shares them, so 1,000 digests render them once."""

    today: Agenda
    later: Agenda
    items_text: str
    items_html: SafeString


def _agenda_on(workspace: Workspace, day: date) -> Rendered:
    noon = datetime.combine(day, time(12), tzinfo=workspace.zone)
    today = agenda(workspace, days=0, limit=100, now=noon)
    later = agenda(workspace, days=LATER_DAYS, limit=100, now=noon)
    later_items = [item for item in later.items if item.on > today.start][:20]
    later = Agenda(later.start, LATER_DAYS, later_items, later.more)
    context = {
        "workspace": workspace,
        "today": today,
        "later": later,
        "site_url": settings.SITE_URL,
    }
    return Rendered(
        today,
        later,
        render_to_string("agenda/_digest_items.txt", context),
        mark_safe(render_to_string("agenda/_digest_items.html", context)),  # noqa: S308  (rendered with escaping)
    )


def unsubscribe_token(workspace: Workspace, user: User) -> str:
    return signing.dumps([workspace.pk, user.pk], salt=UNSUBSCRIBE_SALT)


def unsubscribe_check(token: str) -> Membership:
    """The membership an unsubscribe link names, or ValidationError."""
    try:
        workspace_id, user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return Membership.objects.select_related("workspace", "user").get(
            workspace_id=workspace_id, user_id=user_id
        )
    except (signing.BadSignature, ValueError, TypeError, Membership.DoesNotExist):
        raise ValidationError("This unsubscribe link is not valid.") from None


def unsubscribe(token: str) -> DigestSetting:
    """Turn off the digest the token names (the link in every digest, no sign-in needed)."""
    membership = unsubscribe_check(token)
    setting = setting_for(membership.workspace, membership.user)
    setting.enabled = False
    setting.save()
    return setting


def _message(digest: Digest, rendered: Rendered) -> EmailMultiAlternatives:
    workspace, user = digest.workspace, digest.user
    link = settings.SITE_URL + reverse(
        "agenda:unsubscribe", args=[unsubscribe_token(workspace, user)]
    )
    context = {
        "digest": digest,
        "workspace": workspace,
        "user": user,
        "items_text": rendered.items_text,
        "items_html": rendered.items_html,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
    }
    count = len(rendered.today.items)
    subject = f"Today in {workspace.name}: {count} thing{'s' if count != 1 else ''} to do"
    if digest.late:
        subject += " (late)"
    if digest.test:
        subject = "Test: " + subject
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("agenda/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("agenda/digest.html", context), "text/html")
    return message


def digests_send(now: datetime | None = None, *, budget: timedelta = SEND_BUDGET) -> int:
    """Claim and send open digests in id order, a batch at a time, over one SMTP connection,
    until none is left or *budget* is spent (the next run goes on); returns how many were sent.
    A digest that fails waits for the next run."""
    now = now or timezone.now()
    stop_at = timezone.now() + budget
    worker = worker_name()
    agendas: dict[tuple[int, date], Rendered] = {}
    sent, last_id = 0, 0
    digests_fail_interrupted(now)
    mailer = mailers.default
    # One SMTP connection for the run; if it cannot open, each send tries again and its digest
    # records the failure.
    with contextlib.suppress(OSError):
        mailer.open()
    try:
        while timezone.now() < stop_at:
            waiting = list(
                Digest.objects.filter(_claimable(now), id__gt=last_id)
                .select_related("workspace", "user")
                .order_by("id")[:BATCH]
            )
            if not waiting:
                break
            last_id = waiting[-1].pk
            empty_too = _sending_empty(waiting)
            for digest in waiting:
                if _claim(digest.pk, now, worker):  # else another worker has it
                    wanted = empty_too.get((digest.workspace_id, digest.user_id), False)
                    sent += _send_one(digest, worker, mailer, agendas, send_empty=wanted)
    finally:
        mailer.close()
    return sent


def _sending_empty(digests: list[Digest]) -> dict[tuple[int, int], bool]:
    """Whether each of these digests' members asked for empty days too, in one query (a member
    without a setting did not)."""
    settings_of = DigestSetting.objects.filter(
        workspace_id__in={digest.workspace_id for digest in digests},
        user_id__in={digest.user_id for digest in digests},
    )
    return {
        (workspace_id, user_id): send_empty
        for workspace_id, user_id, send_empty in settings_of.values_list(
            "workspace_id", "user_id", "send_empty"
        )
    }


def _send_one(
    digest: Digest,
    worker: str,
    mailer: BaseEmailBackend,
    agendas: dict[tuple[int, date], Rendered],
    *,
    send_empty: bool,
) -> int:
    key = (digest.workspace_id, digest.local_date)
    if key not in agendas:
        agendas[key] = _agenda_on(digest.workspace, digest.local_date)
    rendered = agendas[key]
    count = len(rendered.today.items)
    if not count and not send_empty and not digest.test:
        _mark(digest.pk, worker, state=DigestState.SKIPPED, items=0)
        return 0
    try:
        message = _message(digest, rendered)
        _mark(digest.pk, worker, sent_at=timezone.now())
        mailer.send_messages([message])
    except (OSError, ValueError) as error:  # the SMTP server refused or was unreachable
        failed = digest.attempts + 1 >= MAX_ATTEMPTS
        state = DigestState.FAILED if failed else DigestState.PENDING
        _mark(digest.pk, worker, state=state, sent_at=None, error=str(error)[:2000])
        return 0
    _mark(digest.pk, worker, state=DigestState.SENT, sent_at=timezone.now(), items=count)
    return 1


def last_sent(workspace: Workspace, user: User) -> Digest | None:
    return (
        scoped(Digest, workspace)
        .filter(user=user, state=DigestState.SENT)
        .order_by("-sent_at")
        .first()
    )
