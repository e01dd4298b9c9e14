"""Working agreements on the agenda (G5): check-ins on newly agreed needs, and clarifications
nearing their due time. Registered from AgreementsConfig.ready().

A check-in falls due when an agreed need has held for its hold period (14 days unless chosen
otherwise) and nobody checked in on it yet: 'The “Calls on weekdays, 9 to 5” agreement with
Dan is 2 weeks old: holding?'. Checking in (on the client's agreements page) takes it off. A
clarification you are waiting on shows on the day it is due, or on today once it is late.
"""

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import DateField, Func
from django.db.models.expressions import Combinable
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.agenda import CONTACT_NAME, Item, agenda_source, chunks
from goodwill.agenda.window import Window
from goodwill.agreements.models import Agreement, AgreementStatus, Clarification
from goodwill.core.scoping import scoped


class DaysAfter(Func):
    """A date field plus a whole number of days held in another field, as a date, computed by
    the database so the agenda can filter and order on it (SQLite's date(), PostgreSQL's
    date + integer)."""

    output_field = DateField()

    def __init__(self, day: str | Combinable, days: str | Combinable) -> None:
        super().__init__(day, days)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ")


def _age(days: int) -> str:
    if days >= 14 and days % 7 == 0:
        return f"{days // 7} weeks old"
    if days == 7:
        return "a week old"
    return f"{days} day{'s' if days != 1 else ''} old"


@agenda_source
def check_ins(workspace: Workspace, window: Window) -> Iterator[Item]:
    """Agreed needs that have held for their hold period, not checked in on yet: on the day
    they fall due, or on today once past it."""
    rows = (
        scoped(Agreement, workspace)
        .filter(status=AgreementStatus.AGREED, checked_in_on__isnull=True)
        .annotate(due_on=DaysAfter("agreed_on", "hold_days"))
        .filter(due_on__lte=window.end)
        .select_related("need", "contact")
        .only("agreed_on", "hold_days", "need__title", "contact_id", *CONTACT_NAME)
        .order_by("due_on", "id")
    )
    for chunk in chunks(rows):
        for agreement in chunk:
            due: date = agreement.due_on
            name = agreement.contact.display_name
            on = max(due, window.start)
            assert agreement.agreed_on is not None  # agreed rows carry the day
            yield Item(
                on=on,
                kind="agreement",
                title=f"The “{agreement.need.title}” agreement with {name} is "
                f"{_age((on - agreement.agreed_on).days)}: holding?",
                contact_id=agreement.contact_id,
                contact_name=name,
                detail=f"agreed on {agreement.agreed_on:%-d %b %Y}",
                overdue=due < window.start,
                ref=agreement.pk,
            )


@agenda_source
def clarifications_due(workspace: Workspace, window: Window) -> Iterator[Item]:
    """Questions waiting on a client's answer, due by the end of the window; late ones on today,
    marked overdue."""
    end = window.ends_at(workspace.zone)
    rows = (
        scoped(Clarification, workspace)
        .filter(answered_at__isnull=True, due_at__lt=end)
        .select_related("contact")
        .only("question", "due_at", "contact_id", *CONTACT_NAME)
        .order_by("due_at", "id")
    )
    now = timezone.now()
    for chunk in chunks(rows):
        for row in chunk:
            local = timezone.localtime(row.due_at, workspace.zone)
            late = row.due_at < now
            name = row.contact.display_name
            yield Item(
                on=max(local.date(), window.start),
                kind="clarification",
                title=f"{name}'s answer: {row.question[:120]}",
                contact_id=row.contact_id,
                contact_name=name,
                detail=f"{'was due' if late else 'due'} {local:%-d %b %H:%M}",
                overdue=late,
                ref=row.pk,
            )
