"""The demo's working agreements: the catalogue from the examples; Maja, who agreed to three
needs one at a time and keeps to every one; and Erik, who agreed to calling hours two months
ago and keeps calling at night, even after two gentle reminders (client health suggests
considering parting ways). Breaches come from the calls as logged, by the detection rules."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from goodwill.accounts.models import User, Workspace
from goodwill.agenda.services import today_in
from goodwill.agreements import breaches, services
from goodwill.agreements.models import Agreement, Breach, Need, NeedKind
from goodwill.core.demo import demo_step
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact
from goodwill.touchpoints.models import Direction, InteractionKind
from goodwill.touchpoints.services import interaction_log

# (need kind, days ago proposed, days ago agreed, days ago checked in or None)
MAJA = [
    (NeedKind.CALLING_HOURS, 85, 80, 62),
    (NeedKind.TURNAROUND, 60, 55, 38),
    (NeedKind.RESPONSE_WINDOW, 16, 14, None),  # two weeks old today: a check-in on the agenda
]
# Maja's calls (days ago, local time) all within her calling hours, on weekdays.
MAJA_CALLS = [(70, "10:30"), (48, "14:15"), (27, "09:45"), (9, "16:20")]
# Erik's calls after hours; reminded the morning after the first, and again after the third.
# A few calls, so Erik's rapport stays modest (their calls count as touches).
ERIK_CALLS = [(52, "21:10"), (40, "22:30"), (26, "21:10"), (19, "22:30")]
ERIK_REMINDED = [0, 1]  # indices of the calls whose breach got a gentle reminder


def _at(workspace: Workspace, today: date, days_ago: int, clock: str) -> datetime:
    return datetime.combine(
        today - timedelta(days=days_ago), time.fromisoformat(clock), tzinfo=workspace.zone
    )


def _weekday(today: date, days_ago: int) -> int:
    """*days_ago*, moved earlier to a weekday (calling hours are on weekdays)."""
    while (today - timedelta(days=days_ago)).weekday() > 4:
        days_ago += 1
    return days_ago


def _agree(contact: Contact, need: Need, today: date, ago: int, agreed: int) -> Agreement:
    agreement = services.agreement_propose(
        contact, need, on=today - timedelta(days=ago), how="on our call"
    )
    return services.agreement_agree(agreement, on=today - timedelta(days=agreed))


def _calls(contact: Contact, owner: User, today: date, calls: list[tuple[int, str]]) -> list[int]:
    ids = []
    for ago, clock in calls:
        at = _at(contact.workspace, today, ago, clock)
        interaction = interaction_log(
            contact.workspace, actor=owner, kind=InteractionKind.CALL, contact_ids=[contact.pk],
            occurred_at=at, direction=Direction.THEIRS, note="They called",
        )  # fmt: skip
        ids.append(interaction.pk)
    return ids


def _maja(maja: Contact, owner: User, needs: dict[str, Need], today: date) -> None:
    for kind, ago, agreed, checked in MAJA:
        agreement = _agree(maja, needs[kind], today, ago, agreed)
        if checked is not None:
            services.agreement_check_in(agreement, on=today - timedelta(days=checked))
    _calls(maja, owner, today, [(_weekday(today, ago), clock) for ago, clock in MAJA_CALLS])
    workspace = maja.workspace
    asked = _at(workspace, today, _weekday(today, 20), "10:00")
    answered = breaches.clarification_ask(
        maja, question="Which glaze colours go on the spring mugs?", asked_at=asked
    )
    breaches.clarification_answer(answered, answered_at=asked + timedelta(hours=3))
    breaches.clarification_ask(
        maja, question="May we use the studio photos on our website?", asked_at=timezone.now()
    )


def _erik(erik: Contact, owner: User, needs: dict[str, Need], today: date) -> None:
    # Never checked in on: "holding?" stays on the agenda.
    agreement = _agree(erik, needs[NeedKind.CALLING_HOURS], today, 64, 60)
    interactions = _calls(erik, owner, today, ERIK_CALLS)
    found = {
        breach.ref: breach
        for breach in scoped(Breach, erik.workspace).filter(contact=erik, agreement=agreement)
    }
    for index in ERIK_REMINDED:
        breach = found.get(f"interaction:{interactions[index]}")
        if breach is not None:  # detected from the call as logged
            next_morning = _at(erik.workspace, today, ERIK_CALLS[index][0] - 1, "09:30")
            breaches.breach_reminded(breach, at=next_morning)


@demo_step
def working_agreements(workspace: Workspace, owner: User) -> None:
    if scoped(Agreement, workspace).exists():
        return
    services.needs_from_examples(workspace)
    needs = {need.kind: need for need in scoped(Need, workspace).order_by("-position")}
    who = {
        c.first_name: c for c in scoped(Contact, workspace).filter(first_name__in=["Maja", "Erik"])
    }
    today = today_in(workspace)
    if "Maja" in who:
        _maja(who["Maja"], owner, needs, today)
    if "Erik" in who:
        _erik(who["Erik"], owner, needs, today)
