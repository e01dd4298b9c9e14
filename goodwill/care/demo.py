"""The demo's cases: a complaint in progress and a question already resolved."""

from datetime import timedelta

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.care.models import Case, Status
from goodwill.care.services import case_open, case_reply, case_set_status
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
