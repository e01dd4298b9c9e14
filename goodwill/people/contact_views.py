"""The contact page: the person at a glance, and every quick action on it.

Each action is a POST that calls one service and comes back to the page, or, when htmx asks
(facts and notes), answers with the updated section alone. Bad input shows the form again with
the reasons, with status 400, and stores nothing. Every record is loaded through the scoping
helpers, so another workspace's ids are a 404.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goodwill.accounts.access import WorkspaceRequest, member_required, owner_required
from goodwill.accounts.models import Workspace
from goodwill.accounts.views import add_errors, safe_next
from goodwill.core.scoping import get_scoped_or_404, scoped
from goodwill.people import services
from goodwill.people.contact_forms import (
    CircleForm,
    DateForm,
    EraseForm,
    FactForm,
    GiftForm,
    NoteForm,
)
from goodwill.people.dates import PartialDate
from goodwill.people.duplicates import duplicates_of
from goodwill.people.models import (
    Address,
    CircleMember,
    Contact,
    ContactPhoto,
    ContactTag,
    DateKind,
    Email,
    Fact,
    FactCategory,
    Gift,
    GiftStatus,
    ImportantDate,
    Kind,
    Link,
    Note,
    Phone,
    TimelineEntry,
)
from goodwill.people.panels import contact_panels
from goodwill.touchpoints.appreciation import contact_dues
from goodwill.touchpoints.forms import OweForm, TouchForm
from goodwill.touchpoints.models import InteractionKind
from goodwill.touchpoints.services import contact_rapport

TIMELINE_PAGE = 20
GIFT_IDEAS_AHEAD = timedelta(days=30)
# The people someone introduced, shown on their page; a connector may have introduced hundreds.
INTRODUCED_SHOWN = 50
PRESENTATION_KEY = "presentation_mode"
# The touches logged with one click from the contact page.
QUICK_TOUCHES = [
    (kind.value, kind.label)
    for kind in (
        InteractionKind.CALL, InteractionKind.EMAIL, InteractionKind.MEETING,
        InteractionKind.MEAL, InteractionKind.MESSAGE, InteractionKind.THANK_YOU,
    )
]  # fmt: skip
# Sections that only some kinds of contact have. Later capabilities add their templates here
# (engagements and agreements for clients, purchases and returns for customers); each is
# included with the page's context.
KIND_SECTIONS: dict[str, list[str]] = {kind: [] for kind in Kind.values}
# Timeline kinds are short names; anything else is shown with the plain template.
_TIMELINE_KIND = re.compile(r"[a-z0-9_]{1,40}")
NEXT_GIFT_STATUS = {GiftStatus.IDEA: GiftStatus.BOUGHT, GiftStatus.BOUGHT: GiftStatus.GIVEN}


def presentation_mode(request: WorkspaceRequest) -> bool:
    """Presentation mode (a toggle kept in the session) hides every private fact on screen."""
    return bool(request.session.get(PRESENTATION_KEY))


@require_POST
@member_required
def presentation_toggle(request: WorkspaceRequest) -> HttpResponse:
    request.session[PRESENTATION_KEY] = not presentation_mode(request)
    return redirect(safe_next(request, "/people/"))


# Loading


def _contact(request: WorkspaceRequest, pk: int) -> Contact:
    contact = (
        scoped(Contact, request.workspace)
        .select_related("organization", "introduced_by", "photo")
        # Whether there is a photo, not its bytes: the page links to contact_photo for those.
        .defer("photo__data")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404("No such person.")
    contact.workspace = request.workspace
    return contact


def _item[M: (Fact, CircleMember, ImportantDate, Gift, Note)](
    request: WorkspaceRequest, contact: Contact, model: type[M], pk: int
) -> M:
    """A fact, circle member, date, gift or note of *this* contact (404 for any other)."""
    item = get_scoped_or_404(model, request.workspace, pk=pk, contact=contact)
    item.contact = contact
    item.workspace = request.workspace
    return item


def _url_or_none(name: str, *args: Any) -> str | None:
    """The address of a page of another part of the app, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# Dates and birthdays


def workspace_today(workspace: Workspace) -> date:
    """Today where the workspace is: birthdays and ages turn over at its midnight."""
    return timezone.localdate(timezone=workspace.zone)


@dataclass(frozen=True)
class Occasion:
    """A birthday or another yearly date as the page shows it: when next, and how many years."""

    who: str
    kind: str
    label: str
    value: PartialDate
    next_on: date
    years: int | None
    as_what: str = "client"
    member: CircleMember | None = None
    record: ImportantDate | None = None
    ideas: list[Gift] = field(default_factory=list)

    @property
    def is_birthday(self) -> bool:
        return self.kind == DateKind.BIRTHDAY

    @property
    def counted(self) -> str:
        """ "turns 42", "8 years as a client", "10 years", or "next" without a year."""
        years = self.years
        if years is None or years < 1:
            return "next"
        if self.is_birthday:
            return f"turns {years}"
        plural = "year" if years == 1 else "years"
        if self.kind == DateKind.CLIENT_SINCE:
            return f"{years} {plural} as a {self.as_what}"
        return f"{years} {plural}"


def _occasion(
    who: str,
    kind: str,
    label: str,
    value: PartialDate,
    today: date,
    leap_day: str,
    **more: Any,
) -> Occasion:
    next_on = value.next_occurrence(today, leap_day)
    return Occasion(who, kind, label, value, next_on, value.turns_on(next_on), **more)


def _dates(contact: Contact, today: date) -> list[Occasion]:
    """The contact's important dates, soonest first."""
    workspace = contact.workspace
    as_what = "customer" if contact.kind == Kind.CUSTOMER else "client"
    occasions = [
        _occasion(
            contact.display_name,
            record.kind,
            record.label or record.get_kind_display(),
            value,
            today,
            workspace.leap_day,
            as_what=as_what,
            record=record,
        )
        for record in scoped(ImportantDate, workspace).filter(contact=contact).order_by("id")
        if (value := record.partial_date) is not None
    ]
    return sorted(occasions, key=lambda o: (o.next_on, o.label))


def _birthdays(circle: list[CircleMember], today: date, leap_day: str) -> dict[int, Occasion]:
    return {
        member.pk: _occasion(
            member.name, DateKind.BIRTHDAY, "Birthday", value, today, leap_day, member=member
        )
        for member in circle
        if (value := member.partial_date) is not None
    }


def _coming_up(
    today: date, dates: list[Occasion], birthdays: dict[int, Occasion], gifts: list[Gift]
) -> list[Occasion]:
    """Birthdays of the contact and their circle within the next 30 days, each with the gift
    ideas for that person."""
    soon = [o for o in dates if o.is_birthday and o.next_on - today <= GIFT_IDEAS_AHEAD]
    soon += [o for o in birthdays.values() if o.next_on - today <= GIFT_IDEAS_AHEAD]
    ideas = [gift for gift in gifts if gift.status == GiftStatus.IDEA]
    for occasion in soon:
        member_id = occasion.member.pk if occasion.member else None
        occasion.ideas.extend(gift for gift in ideas if gift.for_member_id == member_id)
    return sorted(soon, key=lambda o: (o.next_on, o.who))


# The timeline


def _timeline(contact: Contact, before: str) -> tuple[list[TimelineEntry], str]:
    """One page of the timeline, newest first, in one query by keyset (`occurred_at,id` of the
    last entry seen); returns the cursor of the next page, or "" at the end. A cursor that does
    not parse starts from the newest."""
    entries = scoped(TimelineEntry, contact.workspace).filter(contact=contact)
    if cursor := _cursor(before):
        moment, entry_id = cursor
        entries = entries.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=entry_id))
    page = list(entries.order_by("-occurred_at", "-id")[: TIMELINE_PAGE + 1])
    for entry in page:
        entry.templates = timeline_templates(entry.kind)  # type: ignore[attr-defined]
    if len(page) <= TIMELINE_PAGE:
        return page, ""
    last = page[TIMELINE_PAGE - 1]
    return page[:TIMELINE_PAGE], f"{last.occurred_at.isoformat()},{last.pk}"


def _cursor(text: str) -> tuple[datetime, int] | None:
    stamp, _, entry_id = text.rpartition(",")
    try:
        moment = datetime.fromisoformat(stamp)
        number = int(entry_id)
    except ValueError:
        return None
    return (moment, number) if moment.tzinfo is not None else None


def timeline_templates(kind: str) -> tuple[str, ...]:
    """The templates for a timeline entry of *kind*, for `{% include %}`: the first that exists,
    `people/timeline/<kind>.html` (in any app's templates), or the plain one. So a new kind of
    entry needs only its template, and its entries' `data` holds what that template shows."""
    if _TIMELINE_KIND.fullmatch(kind):
        return (f"people/timeline/{kind}.html", "people/timeline/_default.html")
    return ("people/timeline/_default.html",)


def _timeline_context(contact: Contact, before: str) -> dict[str, Any]:
    entries, older = _timeline(contact, before)
    return {"contact": contact, "timeline": entries, "older_cursor": older, "before": before}


# The page and its sections


def _facts_context(
    request: WorkspaceRequest, contact: Contact, form: forms.Form | None = None
) -> dict[str, Any]:
    hide_private = presentation_mode(request)
    facts = scoped(Fact, contact.workspace).filter(contact=contact).order_by("category", "id")
    grouped: dict[str, list[Fact]] = {}
    hidden = 0
    for fact in facts:
        if fact.private and hide_private:
            hidden += 1
        else:
            grouped.setdefault(fact.category, []).append(fact)
    labels = dict(FactCategory.choices)
    return {
        "contact": contact,
        "presentation": hide_private,
        "facts": [(labels[c], grouped[c]) for c in FactCategory.values if c in grouped],
        "hidden_facts": hidden,
        "fact_form": form or FactForm(),
    }


def _notes_context(
    request: WorkspaceRequest, contact: Contact, form: forms.Form | None = None
) -> dict[str, Any]:
    notes = scoped(Note, contact.workspace).filter(contact=contact)
    return {
        "contact": contact,
        "notes": list(notes.select_related("author").order_by("-pinned", "-created_at", "-id")),
        "note_form": form or NoteForm(),
    }


GIFT_GROUPS = [
    (GiftStatus.IDEA, "Ideas"),
    (GiftStatus.BOUGHT, "Bought, to give"),
    (GiftStatus.GIVEN, "Given"),
]


def _gifts_by_status(gifts: list[Gift]) -> list[tuple[str, list[Gift]]]:
    grouped = [(title, [g for g in gifts if g.status == status]) for status, title in GIFT_GROUPS]
    return [(title, group) for title, group in grouped if group]


def _page_context(
    request: WorkspaceRequest, contact: Contact, *, before: str = "", **forms: forms.Form
) -> dict[str, Any]:
    workspace = request.workspace
    today = workspace_today(workspace)
    circle = list(
        scoped(CircleMember, workspace).filter(contact=contact).order_by("relation", "name", "id")
    )
    gifts = list(
        scoped(Gift, workspace)
        .filter(contact=contact)
        .select_related("for_member")
        .order_by("-created_at", "-id")
    )
    dates = _dates(contact, today)
    birthdays = _birthdays(circle, today, workspace.leap_day)
    owner = request.membership.is_owner
    introduced = list(
        scoped(Contact, workspace)
        .filter(introduced_by=contact)
        .order_by("sort_name", "id")[: INTRODUCED_SHOWN + 1]
    )
    mine = {"contact": contact}
    context: dict[str, Any] = {
        **_facts_context(request, contact, forms.get("fact_form")),
        **_notes_context(request, contact, forms.get("note_form")),
        **_timeline_context(contact, before),
        "today": today,
        "now": timezone.now(),
        "kind_sections": KIND_SECTIONS.get(contact.kind, []),
        "met_first": contact.kind in (Kind.PROSPECT, Kind.FRIEND),
        "emails": list(scoped(Email, workspace).filter(**mine).order_by("id")),
        "phones": list(scoped(Phone, workspace).filter(**mine).order_by("id")),
        "addresses": list(scoped(Address, workspace).filter(**mine).order_by("id")),
        "links": list(scoped(Link, workspace).filter(**mine).order_by("id")),
        "tags": [
            link.tag
            for link in scoped(ContactTag, workspace)
            .filter(**mine)
            .select_related("tag")
            .order_by("tag__name")
        ],
        "introduced": introduced[:INTRODUCED_SHOWN],
        "introduced_more": len(introduced) > INTRODUCED_SHOWN,
        "circle": [(member, birthdays.get(member.pk)) for member in circle],
        "dates": dates,
        "coming_up": _coming_up(today, dates, birthdays, gifts),
        "gifts": _gifts_by_status(gifts),
        "duplicates": duplicates_of(contact),
        "merge_url": _url_or_none("people:merge", contact.pk),
        "is_owner": owner,
        "export_json_url": _url_or_none("people:export_json", contact.pk) if owner else None,
        "export_vcard_url": _url_or_none("people:export_vcard", contact.pk) if owner else None,
        "circle_form": forms.get("circle_form") or CircleForm(),
        "date_form": forms.get("date_form") or DateForm(),
        "gift_form": forms.get("gift_form") or GiftForm(members=circle),
        "touch_form": TouchForm(auto_id="touch_%s"),
        "touch_quick": QUICK_TOUCHES,
        "rapport": contact_rapport(contact),
        "dues": list(contact_dues(contact)),
        "panels": contact_panels(request, contact),
        "owe_form": OweForm(auto_id="owe_%s"),
    }
    return context


def _page(
    request: WorkspaceRequest, contact: Contact, *, status: int = 200, **forms: forms.Form
) -> HttpResponse:
    before = request.GET.get("before", "")
    context = _page_context(request, contact, before=before, **forms)
    return render(request, "people/contact/detail.html", context, status=status)


@member_required
def contact_detail(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The person at a glance. `?before=<cursor>` starts the timeline at an older page."""
    return _page(request, _contact(request, pk))


@member_required
def timeline_page(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """A page of the timeline alone, for "Show older" (htmx swaps it in)."""
    contact = _contact(request, pk)
    context = _timeline_context(contact, request.GET.get("before", ""))
    return render(request, "people/contact/_timeline.html", context)


# Saving, and coming back


# Sections that htmx updates in place, with their partial and context.
PARTIALS: dict[str, tuple[str, Callable[..., dict[str, Any]], str]] = {
    "facts": ("people/contact/_facts.html", _facts_context, "fact_form"),
    "notes": ("people/contact/_notes.html", _notes_context, "note_form"),
}


def _back(request: WorkspaceRequest, contact: Contact, section: str) -> HttpResponse:
    """After a change: the updated section for htmx, otherwise the page at that section."""
    if request.headers.get("HX-Request") and section in PARTIALS:
        template, context, _ = PARTIALS[section]
        return render(request, template, context(request, contact))
    return redirect(reverse("people:contact", args=[contact.pk]) + f"#{section}")


def _again(
    request: WorkspaceRequest, contact: Contact, section: str, form_name: str, form: forms.Form
) -> HttpResponse:
    """Bad input: the form again with its reasons (400); htmx gets the section alone."""
    if request.headers.get("HX-Request") and section in PARTIALS:
        template, context, _ = PARTIALS[section]
        return render(request, template, context(request, contact, form), status=400)
    return _page(request, contact, status=400, **{form_name: form})


def _save(
    request: WorkspaceRequest,
    contact: Contact,
    section: str,
    form_name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """Call a service with a valid form's data and come back to *section*; on bad input show
    the form again with the service's reasons (400), nothing stored."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _back(request, contact, section)
    return _again(request, contact, section, form_name, form)


def _act(
    request: WorkspaceRequest, contact: Contact, section: str, call: Callable[[], object]
) -> HttpResponse:
    """A one-button change (make private, pin, mark bought, remove)."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(request, contact, section)


def _circle(request: WorkspaceRequest, contact: Contact) -> list[CircleMember]:
    return list(scoped(CircleMember, request.workspace).filter(contact=contact).order_by("name"))


def _edit_page(
    request: WorkspaceRequest,
    contact: Contact,
    form: forms.Form,
    *,
    title: str,
    section: str,
    status: int = 200,
) -> HttpResponse:
    context = {"contact": contact, "form": form, "title": title, "section": section}
    return render(request, "people/contact/edit_item.html", context, status=status)


def _edit(
    request: WorkspaceRequest,
    contact: Contact,
    form: forms.Form,
    *,
    title: str,
    section: str,
    call: Callable[[dict[str, Any]], object],
) -> HttpResponse:
    """The page that edits one item of the contact page: GET shows it, POST saves and goes back
    to the contact page, bad input shows it again with the reasons (400)."""
    if request.method == "POST":
        if form.is_valid():
            try:
                call(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect(reverse("people:contact", args=[contact.pk]) + f"#{section}")
        return _edit_page(request, contact, form, title=title, section=section, status=400)
    return _edit_page(request, contact, form, title=title, section=section)


# Facts (A3)


@require_POST
@member_required
def fact_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _save(
        request,
        contact,
        "facts",
        "fact_form",
        FactForm(request.POST),
        lambda data: services.fact_add(contact, **data),
    )


@require_POST
@member_required
def fact_toggle_private(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    fact = _item(request, contact, Fact, item)
    return _act(
        request, contact, "facts", lambda: services.fact_update(fact, private=not fact.private)
    )


@require_POST
@member_required
def fact_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    fact = _item(request, contact, Fact, item)
    return _act(request, contact, "facts", lambda: services.fact_remove(fact))


# The circle (A4)


@require_POST
@member_required
def circle_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _save(
        request,
        contact,
        "circle",
        "circle_form",
        CircleForm(request.POST),
        lambda data: services.circle_add(contact, **data),
    )


@require_http_methods(["GET", "POST"])
@member_required
def circle_edit(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    member = _item(request, contact, CircleMember, item)
    form = CircleForm(request.POST or None, initial=CircleForm.initial_for(member))
    return _edit(
        request,
        contact,
        form,
        title=f"{member.name}, {contact.display_name}'s {member.get_relation_display().lower()}",
        section="circle",
        call=lambda data: services.circle_update(member, **data),
    )


@require_POST
@member_required
def circle_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    member = _item(request, contact, CircleMember, item)
    return _act(request, contact, "circle", lambda: services.circle_remove(member))


# Important dates (A5)


@require_POST
@member_required
def date_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _save(
        request,
        contact,
        "dates",
        "date_form",
        DateForm(request.POST),
        lambda data: services.date_add(contact, **data),
    )


@require_POST
@member_required
def date_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    important = _item(request, contact, ImportantDate, item)
    return _act(request, contact, "dates", lambda: services.date_remove(important))


# Gifts (A6)


@require_POST
@member_required
def gift_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = GiftForm(request.POST, members=_circle(request, contact))
    return _save(
        request,
        contact,
        "gifts",
        "gift_form",
        form,
        lambda data: services.gift_add(contact, **data),
    )


@require_http_methods(["GET", "POST"])
@member_required
def gift_edit(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    gift = _item(request, contact, Gift, item)
    form = GiftForm(
        request.POST or None,
        initial=GiftForm.initial_for(gift),
        members=_circle(request, contact),
    )
    return _edit(
        request,
        contact,
        form,
        title=f"Gift: {gift.description}",
        section="gifts",
        call=lambda data: services.gift_update(gift, **data),
    )


@require_POST
@member_required
def gift_advance(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    """Idea → bought → given (dated today, in the workspace's time zone, unless dated)."""
    contact = _contact(request, pk)
    gift = _item(request, contact, Gift, item)
    following = NEXT_GIFT_STATUS.get(GiftStatus(gift.status))
    if following is None:
        return _back(request, contact, "gifts")
    return _act(request, contact, "gifts", lambda: services.gift_update(gift, status=following))


@require_POST
@member_required
def gift_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    gift = _item(request, contact, Gift, item)
    return _act(request, contact, "gifts", lambda: services.gift_remove(gift))


# Notes (A7)


@require_POST
@member_required
def note_add(request: WorkspaceRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    return _save(
        request,
        contact,
        "notes",
        "note_form",
        NoteForm(request.POST),
        lambda data: services.note_add(contact, author=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
@member_required
def note_edit(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    note = _item(request, contact, Note, item)
    form = NoteForm(request.POST or None, initial=NoteForm.initial_for(note))
    return _edit(
        request,
        contact,
        form,
        title=f"Note about {contact.display_name}",
        section="notes",
        call=lambda data: services.note_update(note, **data),
    )


@require_POST
@member_required
def note_pin(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    note = _item(request, contact, Note, item)
    return _act(
        request, contact, "notes", lambda: services.note_update(note, pinned=not note.pinned)
    )


@require_POST
@member_required
def note_remove(request: WorkspaceRequest, pk: int, item: int) -> HttpResponse:
    contact = _contact(request, pk)
    note = _item(request, contact, Note, item)
    return _act(request, contact, "notes", lambda: services.note_remove(note))


# Erasure (A12)


@require_http_methods(["GET", "POST"])
@owner_required
def contact_erase(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """What erasing the person removes; erased once their name is typed (owners only)."""
    contact = _contact(request, pk)
    form = EraseForm(request.POST or None, name=contact.display_name)
    if request.method == "POST":
        if form.is_valid():
            name = contact.display_name
            services.contact_erase(contact, actor=request.user)
            messages.success(request, f"{name} and everything about them is erased.")
            return redirect("/people/")
        context = _erase_context(contact, form)
        return render(request, "people/contact/erase.html", context, status=400)
    return render(request, "people/contact/erase.html", _erase_context(contact, form))


def _erase_context(contact: Contact, form: EraseForm) -> dict[str, Any]:
    counts = [
        _count(contact, Fact, "fact", "facts"),
        _count(contact, CircleMember, "person in their circle", "people in their circle"),
        _count(contact, ImportantDate, "important date", "important dates"),
        _count(contact, Gift, "gift or gift idea", "gifts and gift ideas"),
        _count(contact, Note, "note", "notes"),
        _count(contact, TimelineEntry, "timeline entry", "timeline entries"),
    ]
    return {"contact": contact, "counts": counts, "form": form}


def _count[M: (Fact, CircleMember, ImportantDate, Gift, Note, TimelineEntry)](
    contact: Contact, model: type[M], one: str, many: str
) -> tuple[int, str]:
    count = scoped(model, contact.workspace).filter(contact=contact).count()
    return count, one if count == 1 else many


@member_required
def contact_photo(request: WorkspaceRequest, pk: int) -> HttpResponse:
    """The person's photo, as their address book sent it."""
    photo = get_scoped_or_404(ContactPhoto, request.workspace, contact_id=pk)
    response = HttpResponse(bytes(photo.data), content_type=photo.media_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("people/presentation/", presentation_toggle, name="presentation"),
    path("people/<int:pk>/photo", contact_photo, name="photo"),
    path("people/<int:pk>/", contact_detail, name="contact"),
    path("people/<int:pk>/timeline/", timeline_page, name="timeline"),
    path("people/<int:pk>/erase/", contact_erase, name="erase"),
    path("people/<int:pk>/facts/add/", fact_add, name="fact_add"),
    path("people/<int:pk>/facts/<int:item>/private/", fact_toggle_private, name="fact_private"),
    path("people/<int:pk>/facts/<int:item>/remove/", fact_remove, name="fact_remove"),
    path("people/<int:pk>/circle/add/", circle_add, name="circle_add"),
    path("people/<int:pk>/circle/<int:item>/edit/", circle_edit, name="circle_edit"),
    path("people/<int:pk>/circle/<int:item>/remove/", circle_remove, name="circle_remove"),
    path("people/<int:pk>/dates/add/", date_add, name="date_add"),
    path("people/<int:pk>/dates/<int:item>/remove/", date_remove, name="date_remove"),
    path("people/<int:pk>/gifts/add/", gift_add, name="gift_add"),
    path("people/<int:pk>/gifts/<int:item>/edit/", gift_edit, name="gift_edit"),
    path("people/<int:pk>/gifts/<int:item>/advance/", gift_advance, name="gift_advance"),
    path("people/<int:pk>/gifts/<int:item>/remove/", gift_remove, name="gift_remove"),
    path("people/<int:pk>/notes/add/", note_add, name="note_add"),
    path("people/<int:pk>/notes/<int:item>/edit/", note_edit, name="note_edit"),
    path("people/<int:pk>/notes/<int:item>/pin/", note_pin, name="note_pin"),
    path("people/<int:pk>/notes/<int:item>/remove/", note_remove, name="note_remove"),
]
