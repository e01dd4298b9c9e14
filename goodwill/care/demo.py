"""The demo's care: a complaint in progress, a question resolved and rated, a complaint
put right in time, the year-end holidays, and a client page for Tom."""

from datetime import date, timedelta

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.care.client import client_link_make
from goodwill.care.models import Case, Status
from goodwill.care.services import (
    case_accept,
    case_open,
    case_rate,
    case_reply,
    case_set_status,
    case_update,
    holiday_add,
)
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact


@demo_step
def cases(workspace: Workspace, owner: User) -> None:
    if scoped(Case, workspace).exists():
        return
    people = {c.first_name: c for c in scoped(Contact, workspace)}
    now = timezone.now()
    if "Tom" in people:
        complaint = case_open(
            people["Tom"],
            actor=owner,
            type="complaint",
            priority="high",
            subject="Menu board letters peeling after a week",
            description="The vinyl letters on the new menu board are lifting at the corners.",
            filed_at=now - timedelta(days=2),
        )
        case_update(complaint, category="quality")
        case_reply(
            complaint,
            actor=owner,
            body="I am so sorry, Tom. I will come by on Thursday with new letters.",
            public=True,
            status=Status.IN_PROGRESS,
        )
    if "Priya" in people:
        question = case_open(
            people["Priya"],
            actor=owner,
            type="question",
            subject="Can the catalogue be printed on recycled paper?",
            filed_at=now - timedelta(days=20),
        )
        case_reply(question, actor=owner, body="Yes: Berg Print has two stocks.", public=True)
        case_set_status(question, Status.RESOLVED, actor=owner)
        case_rate(question, rating=5, comment="Quick and clear, thank you!")
    if "Priya" in people:
        earlier = case_open(
            people["Priya"],
            actor=owner,
            type="complaint",
            subject="Window sticker delivered in the wrong green",
            filed_at=now - timedelta(days=40),
        )
        case_update(earlier, category="wrong colour")
        case_reply(
            earlier, actor=owner, body="Reprinted in the right green.", public=True,
            status=Status.RESOLVED, now=earlier.created_at + timedelta(hours=3),
        )  # fmt: skip
        case_accept(earlier)
    if "Tom" in people:
        client_link_make(people["Tom"])
    today = timezone.localdate(timezone=workspace.zone)
    for day, name in (
        (date(today.year, 12, 25), "Christmas Day"),
        (date(today.year + 1, 1, 1), "New Year's Day"),
    ):
        holiday_add(workspace, day, name)
