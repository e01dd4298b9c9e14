"""The contact page: the person at a glance, and the quick actions on it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import privacy, services
from goodwill.people.dates import PartialDate
from goodwill.people.duplicates import duplicates_of
from goodwill.people.forms import CircleForm, DateForm, FactForm, GiftForm, NoteForm
from goodwill.people.models import (
    CircleMember,
    Contact,
    ContactTag,
    Fact,
    FactCategory,
    Gift,
    GiftStatus,
    ImportantDate,
    Note,
    TimelineEntry,
)
from goodwill.people.text import format_phone, render_markdown
from goodwill.touchpoints.forms import TouchForm
from goodwill.touchpoints.models import InteractionKind
from goodwill.touchpoints.services import contact_rapport

TIMELINE_PAGE = 20
# The touches logged with one click from the contact page.
QUICK_TOUCHES = [
    (kind.value, kind.label)
    for kind in (
        InteractionKind.CALL, InteractionKind.EMAIL, InteractionKind.MEETING,
        InteractionKind.MEAL, InteractionKind.MESSAGE, InteractionKind.THANK_YOU,
    )
]  # fmt: skip
GIFT_IDEAS_AHEAD = timedelta(days=30)
PRESENTATION_KEY = "presentation_mode"


def presentation_mode(request: WorkspaceRequest) -> bool:
    return bool(request.session.get(PRESENTATION_KEY))


@dataclass(frozen=True)
class Anniversary:
    """A birthday or other date as the page shows it: when next, and how many years then."""

    who: str
    label: str
    value: PartialDate
    next_on: date
    turns: int | None
    member_id: int | None = None


def _anniversary(
    who: str,
    label: str,
    value: PartialDate,
    today: date,
    leap_day: str,
    member_id: int | None = None,
) -> Anniversary:
    next_on = value.next_occurrence(today, leap_day)
    return Anniversary(who, label, value, next_on, value.turns_on(next_on), member_id)


def _timeline(contact: Contact, older_than: str) -> tuple[list[TimelineEntry], str]:
    """One page of the timeline, newest first, by keyset; returns the cursor of the next page."""
    entries = scoped(TimelineEntry, contact.workspace).filter(contact=contact)
    if older_than:
        try:
            stamp, entry_id = older_than.rsplit("_", 1)
            moment = datetime.fromisoformat(stamp)
            entries = entries.filter(
                Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=int(entry_id))
            )
        except ValueError:
            pass
    page = list(entries.order_by("-occurred_at", "-id")[: TIMELINE_PAGE + 1])
    for entry in page:
        entry.template_name = timeline_template(entry.kind)  # type: ignore[attr-defined]
    if len(page) <= TIMELINE_PAGE:
        return page, ""
    last = page[TIMELINE_PAGE - 1]
    return page[:TIMELINE_PAGE], f"{last.occurred_at.isoformat()}_{last.pk}"


@cache
def timeline_template(kind: str) -> str:
    """The template that shows a timeline entry of *kind*: `people/timeline/<kind>.html`, or a
    plain one for kinds without their own. A new kind of entry needs only its template."""
    name = f"people/timeline/{kind}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return "people/timeline/_default.html"
    return name


def _facts(contact: Contact, hide_private: bool) -> list[tuple[str, list[Fact]]]:
    facts = scoped(Fact, contact.workspace).filter(contact=contact).order_by("category", "id")
    if hide_private:
        facts = facts.filter(private=False)
    grouped: dict[str, list[Fact]] = {}
    for fact in facts:
        grouped.setdefault(fact.category, []).append(fact)
    labels = dict(FactCategory.choices)
    return [
        (labels[category], grouped[category])
        for category in FactCategory.values
        if category in grouped
    ]


def _page_context(request: WorkspaceRequest, contact: Contact) -> dict[str, Any]:
    workspace = contact.workspace
    hide_private = presentation_mode(request)
    today = timezone.localdate(timezone=workspace.zone)
    circle = list(
        scoped(CircleMember, workspace)
        .filter(contact=contact)
        .select_related("linked_contact")
        .order_by("relation", "name")
    )
    dates = list(scoped(ImportantDate, workspace).filter(contact=contact).order_by("month", "day"))
    anniversaries = [
        _anniversary(
            contact.display_name,
            d.label or d.get_kind_display(),
            d.partial_date,
            today,
            workspace.leap_day,
        )
        for d in dates
        if d.partial_date
    ]
    member_birthdays = {
        m.pk: _anniversary(m.name, "Birthday", m.partial_date, today, workspace.leap_day, m.pk)
        for m in circle
        if m.partial_date
    }
    gifts = list(
        scoped(Gift, workspace)
        .filter(contact=contact)
        .select_related("for_member")
        .order_by("status", "-created_at")
    )
    return {
        "contact": contact,
        "presentation": hide_private,
        "phones": [(p.label, p.number, format_phone(p.number)) for p in contact.phones.all()],
        "emails": list(contact.emails.all()),
        "addresses": list(contact.addresses.all()),
        "links": list(contact.links.all()),
        "tags": [
            link.tag
            for link in scoped(ContactTag, workspace)
            .filter(contact=contact)
            .select_related("tag")
            .order_by("tag__name")
        ],
        "facts": _facts(contact, hide_private),
        "circle": [(member, member_birthdays.get(member.pk)) for member in circle],
        "anniversaries": anniversaries,
        "coming_up": _coming_up(contact, today, anniversaries, member_birthdays, gifts),
        "gifts": gifts,
        "notes": [
            (note, render_markdown(note.body))
            for note in scoped(Note, workspace)
            .filter(contact=contact)
            .order_by("-pinned", "-created_at", "-id")
        ],
        "duplicates": duplicates_of(contact),
        "introduced": list(
            scoped(Contact, workspace).filter(introduced_by=contact).order_by("sort_name")[:50]
        ),
        "fact_form": FactForm(),
        "circle_form": CircleForm(),
        "date_form": DateForm(),
        "gift_form": GiftForm(members=[(m.pk, m.name) for m in circle]),
        "note_form": NoteForm(),
        "touch_form": TouchForm(),
        "rapport": contact_rapport(contact),
        "touch_quick": QUICK_TOUCHES,
        "now": timezone.now(),
        "today": today,
    }


def _coming_up(
    contact: Contact,
    today: date,
    anniversaries: list[Anniversary],
    member_birthdays: dict[int, Anniversary],
    gifts: list[Gift],
) -> list[tuple[Anniversary, list[Gift]]]:
    """Birthdays within the next 30 days, each with the gift ideas for that person."""
    ideas = [gift for gift in gifts if gift.status == GiftStatus.IDEA]
    soon = [
        a for a in anniversaries if a.label == "Birthday" and a.next_on - today <= GIFT_IDEAS_AHEAD
    ]
    soon += [a for a in member_birthdays.values() if a.next_on - today <= GIFT_IDEAS_AHEAD]
    return [
        (a, [g for g in ideas if g.for_member_id == a.member_id])
        for a in sorted(soon, key=lambda a: a.next_on)
    ]


def _render(
    request: WorkspaceRequest, contact: Contact, status: int = 200, **override: Any
) -> HttpResponse:
    context = _page_context(request, contact)
    context.update(override)
    older = request.GET.get("older", "")
    context["timeline"], context["older_cursor"] = _timeline(contact, older)
    if request.headers.get("HX-Request") and older:
        return render(request, "people/contact/_timeline.html", context)
    return render(request, "people/contact/detail.html", context, status=status)


def _contact(request: WorkspaceRequest, pk: int) -> Contact:
    return get_scoped_or_404(Contact, request.workspace, pk=pk)


@member_required
def contact_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _render(request, _contact(request, pk))


def _back(contact: Contact, anchor: str) -> HttpResponse:
    return redirect(reverse("people:contact", args=[contact.pk]) + f"#{anchor}")


def _quick_add(
    request: WorkspaceRequest,
    pk: int,
    form_class: type[forms.Form],
    context_name: str,
    anchor: str,
    create: Callable[[Contact, dict[str, Any]], object],
) -> HttpResponse:
    """Validate a small form on the contact page, call its service, and come back to the page;
    on bad input the page is shown again with the form's messages (400) and nothing stored."""
    contact = _contact(request, pk)
    if form_class is GiftForm:
        members = scoped(CircleMember, request.workspace).filter(contact=contact)
        form: forms.Form = GiftForm(request.POST, members=[(m.pk, m.name) for m in members])
    else:
        form = form_class(request.POST)
    if form.is_valid():
        try:
            create(contact, form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if request.headers.get("HX-Request") and anchor == "facts":
                return render(
                    request, "people/contact/_facts.html", _page_context(request, contact)
                )
            return _back(contact, anchor)
    return _render(request, contact, status=400, **{context_name: form})


@require_POST
@member_required
def fact_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _quick_add(
        request,
        pk,
        FactForm,
        "fact_form",
        "facts",
        lambda contact, data: services.fact_add(contact, **data),
    )


@require_POST
@member_required
def circle_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _quick_add(
        request,
        pk,
        CircleForm,
        "circle_form",
        "circle",
        lambda contact, data: services.circle_add(contact, **data),
    )


@require_POST
@member_required
def date_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _quick_add(
        request,
        pk,
        DateForm,
        "date_form",
        "dates",
        lambda contact, data: services.date_add(contact, **data),
    )


@require_POST
@member_required
def gift_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _quick_add(
        request,
        pk,
        GiftForm,
        "gift_form",
        "gifts",
        lambda contact, data: services.gift_add(contact, **data),
    )


@require_POST
@member_required
def note_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    return _quick_add(
        request,
        pk,
        NoteForm,
        "note_form",
        "notes",
        lambda contact, data: services.note_add(contact, author=request.user, **data),
    )


def _item_action(
    request: WorkspaceRequest,
    pk: int,
    model: type[Any],
    item_pk: int,
    anchor: str,
    action: Callable[[Any], object],
) -> HttpResponse:
    contact = _contact(request, pk)
    item = get_scoped_or_404(model, request.workspace, pk=item_pk, contact=contact)
    try:
        action(item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(contact, anchor)


@require_POST
@member_required
def fact_toggle_private(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(
        request, pk, Fact, item, "facts", lambda f: services.fact_update(f, private=not f.private)
    )


@require_POST
@member_required
def fact_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(request, pk, Fact, item, "facts", services.fact_remove)


@require_POST
@member_required
def circle_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(request, pk, CircleMember, item, "circle", services.circle_remove)


@require_POST
@member_required
def date_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(request, pk, ImportantDate, item, "dates", services.date_remove)


NEXT_GIFT_STATUS = {GiftStatus.IDEA: GiftStatus.BOUGHT, GiftStatus.BOUGHT: GiftStatus.GIVEN}


@require_POST
@member_required
def gift_advance(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    def advance(gift: Gift) -> object:
        following = NEXT_GIFT_STATUS.get(GiftStatus(gift.status))
        return services.gift_update(gift, status=following) if following else gift

    return _item_action(request, pk, Gift, item, "gifts", advance)


@require_POST
@member_required
def gift_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(request, pk, Gift, item, "gifts", services.gift_remove)


@require_POST
@member_required
def note_pin(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(
        request, pk, Note, item, "notes", lambda n: services.note_update(n, pinned=not n.pinned)
    )


@require_POST
@member_required
def note_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    return _item_action(request, pk, Note, item, "notes", services.note_remove)


@require_POST
@member_required
def presentation_toggle(request: WorkspaceRequest) -> HttpResponse:
    """Presentation mode hides every private fact on screen, e.g. while sharing the screen."""
    request.session[PRESENTATION_KEY] = not presentation_mode(request)
    return redirect(safe_next(request, reverse("people:list")))


@owner_required
def contact_erase(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    if request.method == "POST":
        if request.POST.get("confirm", "").strip().lower() != contact.display_name.lower():
            messages.error(request, f"Type “{contact.display_name}” to confirm.")
            return render(request, "people/contact/erase.html", _erase_context(contact), status=400)
        name = contact.display_name
        services.contact_erase(contact, actor=request.user)
        messages.success(request, f"{name} and everything about them is erased.")
        return redirect("people:list")
    return render(request, "people/contact/erase.html", _erase_context(contact))


def _erase_context(contact: Contact) -> dict[str, Any]:
    workspace = contact.workspace
    counts = {
        "facts": scoped(Fact, workspace).filter(contact=contact).count(),
        "people in their circle": scoped(CircleMember, workspace).filter(contact=contact).count(),
        "dates": scoped(ImportantDate, workspace).filter(contact=contact).count(),
        "gifts": scoped(Gift, workspace).filter(contact=contact).count(),
        "notes": scoped(Note, workspace).filter(contact=contact).count(),
        "timeline entries": scoped(TimelineEntry, workspace).filter(contact=contact).count(),
    }
    return {"contact": contact, "counts": counts}


@owner_required
def contact_export_json(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    data = privacy.contact_export_recorded(contact, actor=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.json"'
    return response


@owner_required
def contact_export_vcard(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    response = HttpResponse(
        privacy.contact_vcard_recorded(contact, actor=request.user),
        content_type="text/vcard; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}.vcf"'
    return response


urlpatterns = [
    path("people/<int:pk>/export.json", contact_export_json, name="export_json"),
    path("people/<int:pk>/export.vcf", contact_export_vcard, name="export_vcard"),
    path("people/<int:pk>/", contact_detail, name="contact"),
    path("people/<int:pk>/erase/", contact_erase, name="erase"),
    path("people/<int:pk>/facts/add/", fact_add, name="fact_add"),
    path("people/<int:pk>/facts/<int:item>/private/", fact_toggle_private, name="fact_private"),
    path("people/<int:pk>/facts/<int:item>/remove/", fact_remove, name="fact_remove"),
    path("people/<int:pk>/circle/add/", circle_add, name="circle_add"),
    path("people/<int:pk>/circle/<int:item>/remove/", circle_remove, name="circle_remove"),
    path("people/<int:pk>/dates/add/", date_add, name="date_add"),
    path("people/<int:pk>/dates/<int:item>/remove/", date_remove, name="date_remove"),
    path("people/<int:pk>/gifts/add/", gift_add, name="gift_add"),
    path("people/<int:pk>/gifts/<int:item>/advance/", gift_advance, name="gift_advance"),
    path("people/<int:pk>/gifts/<int:item>/remove/", gift_remove, name="gift_remove"),
    path("people/<int:pk>/notes/add/", note_add, name="note_add"),
    path("people/<int:pk>/notes/<int:item>/pin/", note_pin, name="note_pin"),
    path("people/<int:pk>/notes/<int:item>/remove/", note_remove, name="note_remove"),
    path("people/presentation/", presentation_toggle, name="presentation"),
]
