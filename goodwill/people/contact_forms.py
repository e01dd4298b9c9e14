"""The small forms of the contact page. They only parse input; the rules (dates that exist, a
gift for someone in this contact's circle) live in services.py, whose messages the views put
back on these forms."""

from typing import Any

from django import forms

from goodwill.core.templatetags.form_fields import FixedWhenBlank
from goodwill.people.models import (
    CircleMember,
    DateKind,
    FactCategory,
    Gift,
    GiftStatus,
    Note,
    Relation,
)

DATE_HELP = "1984-04-12, or --04-12 when the year is unknown"


class PageForm(forms.Form):
    """A form of the contact page. Many share the page, so each prefixes its fields' ids."""

    id_prefix = "contact"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class FactForm(FixedWhenBlank, PageForm):
    id_prefix = "fact"
    category = forms.ChoiceField(choices=FactCategory.choices)
    text = forms.CharField(max_length=500)
    private = forms.BooleanField(
        required=False, help_text="Hidden in presentation mode; never shown to them or shared."
    )


class CircleForm(FixedWhenBlank, PageForm):
    id_prefix = "circle"
    name = forms.CharField(max_length=120)
    relation = forms.ChoiceField(choices=Relation.choices)
    birthday = forms.CharField(max_length=10, required=False, help_text=DATE_HELP)
    interests = forms.CharField(
        max_length=500, required=False, help_text="e.g. collects baseball cards"
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )
    linked_contact = forms.IntegerField(
        label="Also a contact? Their number",
        required=False,
        min_value=1,
        help_text="e.g. 12 for #12",
    )

    @classmethod
    def initial_for(cls, member: CircleMember) -> dict[str, Any]:
        birthday = member.partial_date
        return {
            "name": member.name,
            "relation": member.relation,
            "birthday": birthday.isoformat() if birthday else "",
            "interests": member.interests,
            "notes": member.notes,
            "linked_contact": member.linked_contact_id,
        }


class DateForm(FixedWhenBlank, PageForm):
    id_prefix = "date"
    kind = forms.ChoiceField(choices=DateKind.choices)
    label = forms.CharField(
        max_length=120, required=False, help_text="e.g. Wedding anniversary (optional)"
    )
    date = forms.CharField(max_length=10, help_text=DATE_HELP)


class GiftForm(PageForm):
    id_prefix = "gift"
    description = forms.CharField(max_length=300)
    for_member = forms.TypedChoiceField(
        label="For",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose them or someone in their circle."},
    )
    occasion = forms.CharField(max_length=120, required=False, help_text="e.g. birthday")
    status = forms.ChoiceField(choices=GiftStatus.choices, initial=GiftStatus.IDEA)
    cost = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    given_on = forms.DateField(
        label="Given on",
        required=False,
        help_text="2025-12-24; today when marked given without a date",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, members: list[CircleMember], **kwargs: Any) -> None:
        """*members*: this contact's circle, the only people a gift can be for."""
        super().__init__(*args, **kwargs)
        self.fields["for_member"].choices = [  # type: ignore[attr-defined]
            ("", "Them"),
            *((m.pk, f"{m.name} ({m.get_relation_display().lower()})") for m in members),
        ]

    @classmethod
    def initial_for(cls, gift: Gift) -> dict[str, Any]:
        return {
            "description": gift.description,
            "for_member": gift.for_member_id,
            "occasion": gift.occasion,
            "status": gift.status,
            "cost": gift.cost,
            "given_on": gift.given_on,
        }


class NoteForm(FixedWhenBlank, PageForm):
    id_prefix = "note"
    body = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text="Markdown: **bold**, *italic*, lists, links.",
    )
    pinned = forms.BooleanField(required=False, help_text="Pinned notes stay on top.")

    @classmethod
    def initial_for(cls, note: Note) -> dict[str, Any]:
        return {"body": note.body, "pinned": note.pinned}


class EraseForm(PageForm):
    """Erasing a person is confirmed by typing their name."""

    id_prefix = "erase"
    confirm = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        self.fields["confirm"].label = f"Type “{name}” to confirm"

    def clean_confirm(self) -> str:
        typed: str = self.cleaned_data["confirm"]
        if " ".join(typed.split()).casefold() != " ".join(self.name.split()).casefold():
            raise forms.ValidationError(f"Type “{self.name}” exactly to confirm; nothing erased.")
        return typed
