"""The demo workspace: a freelance designer's small business that shows every capability at work.

`build_demo()` is idempotent: running it again refreshes the demo without duplicating anything.
Each capability app adds its demo data in its own demo.py with `@demo_step`, receiving the
workspace and its owner.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules

from goodwill.accounts.models import Membership, Role, User, Workspace, default_business_hours
from goodwill.core import acting

DEMO_EMAIL = "demo@goodwill.local"
DEMO_PASSWORD = "demo"
DEMO_ASSISTANT_EMAIL = "assistant@goodwill.local"
DEMO_SLUG = "lindqvist-design"

type DemoStep = Callable[[Workspace, User], Any]
DEMO_STEPS: list[DemoStep] = []


def demo_step(step: DemoStep) -> DemoStep:
    DEMO_STEPS.append(step)
    return step


def _demo_user(email: str, name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created or not user.check_password(DEMO_PASSWORD):
        # The demo password is deliberately weak and documented, so it skips the strength rules.
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_fill(workspace: Workspace, owner: User) -> None:
    """Every app's demo records, in *workspace* (the tests that need one of everything use it)."""
    autodiscover_modules("demo")
    for step in DEMO_STEPS:
        step(workspace, owner)


def build_demo() -> Workspace:
    with transaction.atomic():
        owner = _demo_user(DEMO_EMAIL, "Maya Lindqvist")
        assistant = _demo_user(DEMO_ASSISTANT_EMAIL, "Sam Okafor")
        hours = default_business_hours()
        hours["friday"] = ["09:00", "13:00"]
        workspace, _ = Workspace.objects.update_or_create(
            slug=DEMO_SLUG,
            defaults={
                "name": "Lindqvist Design Studio",
                "time_zone": "Europe/Stockholm",
                "business_hours": hours,
            },
        )
        Membership.objects.update_or_create(
            workspace=workspace, user=owner, defaults={"role": Role.OWNER}
        )
        Membership.objects.update_or_create(
            workspace=workspace, user=assistant, defaults={"role": Role.ASSISTANT}
        )
        # Made by Maya from the command line (`goodwill demo`), so the Audit trail settings page
        # shows from the start who made each record, as it will for what a newcomer adds.
        with acting.acting(owner.pk, "cli"):
            demo_fill(workspace, owner)
    return workspace
