"""The ideal client and each client's profile answers, one function per change; each change
re-scores the fit of whom it concerns (goodwill.clients.fit).

Saving the ideal re-scores every client and customer of the workspace: at once when there are
at most BATCH of them, otherwise in a background job, so the page answers at once whatever the
size of the workspace (the daily sweep catches up as well).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from goodwill.accounts.models import Workspace
from goodwill.agenda.services import today_in
from goodwill.clients.fit import SCORED_KINDS, Ideal, fit_refresh, same
from goodwill.clients.models import ClientSettings, Fit, ProfileAnswers
from goodwill.clients.services import client_settings
from goodwill.core.money import check_amount
from goodwill.core.paging import count_up_to
from goodwill.core.scoping import scoped
from goodwill.people.models import Contact

BATCH = 2000
MAX_ITEMS = 20
MAX_WORK = 80  # as long as an engagement's kind of work
MAX_TRAIT = 100
MAX_TIMES = 1000
MAX_ANSWER = 5000
IDEAL_FIELDS = ("budget_min", "budget_max", "times_min", "times_max", "months", "work", "traits")
ANSWER_FIELDS = ("why_chose", "why_stay", "worries", "went_right")


# -- The ideal client ------------------------------------------------------------------------


def _budget(value: object, field: str) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    amount = check_amount(value, field)
    if not amount:
        raise ValidationError({field: "Give a yearly budget above zero, or leave it blank."})
    return amount


def _times(value: object, field: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValidationError({field: "Give a whole number of times a year."})
    times = int(str(value).strip())
    if not 1 <= times <= MAX_TIMES:
        raise ValidationError({field: f"Give a number from 1 to {MAX_TIMES:,} times a year."})
    return times


def _months(value: object) -> list[int]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError({"months": "Give the months as a list of numbers from 1 to 12."})
    months = set()
    for item in value:
        text = str(item).strip()
        if isinstance(item, bool) or not text.isdigit() or not 1 <= int(text) <= 12:
            raise ValidationError({"months": f"{text or 'An empty month'} is not a month (1-12)."})
        months.add(int(text))
    return sorted(months)


def clean_list(value: object, field: str, longest: int, what: str) -> list[str]:
    """Each item trimmed, blanks dropped, repeats (in any case) dropped; at most MAX_ITEMS of
    at most *longest* characters."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError({field: f"Give the {what} as a list."})
    items: list[str] = []
    seen = set()
    for item in value:
        if not isinstance(item, str):
            raise ValidationError({field: f"Give the {what} as text."})
        text = " ".join(item.split())
        if not text or same(text) in seen:
            continue
        if len(text) > longest:
            raise ValidationError({field: f"Keep each of the {what} under {longest} characters."})
        seen.add(same(text))
        items.append(text)
    if len(items) > MAX_ITEMS:
        raise ValidationError({field: f"List at most {MAX_ITEMS} {what}."})
    return items


def _check_ideal(fields: dict[str, Any]) -> dict[str, Any]:
    budget = (
        _budget(fields["budget_min"], "budget_min"),
        _budget(fields["budget_max"], "budget_max"),
    )
    times = _times(fields["times_min"], "times_min"), _times(fields["times_max"], "times_max")
    if budget[0] is not None and budget[1] is not None and budget[0] > budget[1]:
        raise ValidationError({"budget_max": "The highest budget cannot be below the lowest."})
    if times[0] is not None and times[1] is not None and times[0] > times[1]:
        raise ValidationError({"times_max": "The most times cannot be fewer than the least."})
    return {
        "budget_min": budget[0],
        "budget_max": budget[1],
        "times_min": times[0],
        "times_max": times[1],
        "months": _months(fields["months"]),
        "work": clean_list(fields["work"], "work", MAX_WORK, "kinds of work"),
        "traits": clean_list(fields["traits"], "traits", MAX_TRAIT, "traits"),
    }


def ideal_set(workspace: Workspace, **changes: Any) -> ClientSettings:
    """Change the ideal client: any of budget_min and budget_max (a year, in the workspace's
    currency), times_min and times_max (a year), months (1-12), work and traits (lists of
    text). Blank (None, "" or []) leaves that part out of the fit. Re-scores every client."""
    unknown = set(changes) - set(IDEAL_FIELDS)
    if unknown:
        raise ValidationError(f"These are not part of the ideal: {', '.join(sorted(unknown))}.")
    settings = client_settings(workspace)
    current = {name: getattr(settings, name) for name in IDEAL_FIELDS}
    checked = _check_ideal({**current, **changes})
    with transaction.atomic():
        for name, value in checked.items():
            setattr(settings, name, value)
        settings.save()
        rescore_workspace(workspace, settings)
    return settings


def rescore_workspace(workspace: Workspace, settings: ClientSettings | None = None) -> None:
    """Re-score every client and customer: now for a small workspace, in a job for a large one."""
    clients = scoped(Contact, workspace).filter(kind__in=SCORED_KINDS)
    if count_up_to(clients, BATCH)[1]:
        transaction.on_commit(lambda: fit_rescore.enqueue(workspace.pk))
    else:
        fit_rescore_all(workspace, today_in(workspace), settings)


def fit_rescore_all(
    workspace: Workspace, today: date, settings: ClientSettings | None = None
) -> int:
    """Score every client and customer of the workspace in batches of BATCH, and drop the scores
    of those who no longer are (or of everyone, when the ideal is blank)."""
    ideal = Ideal.of(settings or client_settings(workspace), workspace.currency)
    if not ideal.defined:
        scoped(Fit, workspace).delete()
        return 0
    scored = set(
        scoped(Contact, workspace).filter(kind__in=SCORED_KINDS).values_list("pk", flat=True)
    )
    ids = sorted(scored | set(scoped(Fit, workspace).values_list("contact_id", flat=True)))
    return sum(
        fit_refresh(workspace, ids[start : start + BATCH], today, ideal)
        for start in range(0, len(ids), BATCH)
    )


@task()
def fit_rescore(workspace_id: int) -> int:
    """Re-score a large workspace's clients after its ideal changed."""
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        return 0
    return fit_rescore_all(workspace, today_in(workspace))


# -- A client's answers ----------------------------------------------------------------------


def answers_of(contact: Contact) -> ProfileAnswers:
    """Their saved answers, or blank ones (unsaved)."""
    found = scoped(ProfileAnswers, contact.workspace).filter(contact=contact).first()
    return found or ProfileAnswers(workspace=contact.workspace, contact=contact)


def _check_answers(fields: dict[str, Any], ideal_traits: list[str]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    for name in ANSWER_FIELDS:
        value = fields[name]
        if not isinstance(value, str):
            raise ValidationError({name: "Give the answer as text."})
        text = value.strip()
        if len(text) > MAX_ANSWER:
            raise ValidationError({name: f"Keep the answer under {MAX_ANSWER:,} characters."})
        checked[name] = text
    wanted = {same(trait): trait for trait in ideal_traits}
    traits = clean_list(fields["traits"], "traits", MAX_TRAIT, "traits")
    strangers = [trait for trait in traits if same(trait) not in wanted]
    if strangers:
        raise ValidationError(
            {"traits": f"Not among your ideal client's traits: {', '.join(strangers)}."}
        )
    # In the ideal's order and words, whatever order or case they came in.
    chosen = {same(trait) for trait in traits}
    checked["traits"] = [trait for trait in ideal_traits if same(trait) in chosen]
    return checked


def answers_set(contact: Contact, **changes: Any) -> ProfileAnswers:
    """Change a client's answers (why_chose, why_stay, worries, went_right: text) and which of
    the ideal client's traits they have (traits: a list of those traits); re-scores them."""
    unknown = set(changes) - {*ANSWER_FIELDS, "traits"}
    if unknown:
        raise ValidationError(f"These are not profile answers: {', '.join(sorted(unknown))}.")
    workspace = contact.workspace
    settings = client_settings(workspace)
    answers = answers_of(contact)
    ideal_traits = list(settings.traits or [])
    current = {name: getattr(answers, name) for name in ANSWER_FIELDS}
    # Traits the ideal no longer lists fall away rather than block the change.
    wanted = {same(trait) for trait in ideal_traits}
    current["traits"] = [trait for trait in answers.traits or [] if same(trait) in wanted]
    checked = _check_answers({**current, **changes}, ideal_traits)
    with transaction.atomic():
        for name, value in checked.items():
            setattr(answers, name, value)
        answers.updated_at = timezone.now()
        answers.save()
        ideal = Ideal.of(settings, workspace.currency)
        fit_refresh(workspace, [contact.pk], today_in(workspace), ideal)
    return answers
