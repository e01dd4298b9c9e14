"""Forms of the people pages. They only parse input; the rules live in services.py."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goodwill.people.models import (
    Channel,
    Kind,
)
from goodwill.people.services import AddressInput, Labelled

SLOTS = range(3)
MAX_TAG = 60
# The contact form's lists: a label and the longest value of each.
LISTS = {"email": ("E-mail", 254), "phone": ("Phone", 40), "link": ("Web or social link", 500)}
# Phones get the right on-screen keyboard; links stay text, so "example.com" can be typed.
INPUT_TYPES = {"email": "email", "phone": "tel", "link": "text"}
# Looks like a web address without its scheme: "example.com/about".
BARE_DOMAIN = re.compile(r"[^\s:/]+\.[^\s:/]+(/\S*)?")


class ContactForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices)
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    nickname = forms.CharField(max_length=100, required=False)
    organization = forms.CharField(label="Organisation", max_length=200, required=False)
    role = forms.CharField(
        max_length=120, required=False, help_text="e.g. president, purchase manager"
    )
    preferred_channel = forms.ChoiceField(choices=Channel.choices, required=False)
    contact_hours = forms.CharField(
        max_length=120, required=False, help_text="e.g. mornings, never on Fridays"
    )
    how_we_met = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    met_at = forms.CharField(label="Met at (event)", max_length=200, required=False)
    introduced_by = forms.IntegerField(
        required=False, min_value=1, help_text="The number of the contact who introduced you (#12)."
    )
    cadence_days = forms.IntegerField(
        label="Keep in touch every … days", required=False, min_value=1, max_value=3650
    )
    tags = forms.CharField(max_length=500, required=False, help_text="Separated by commas.")
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    country = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, slots: dict[str, int] | None = None, **kwargs: Any) -> None:
        """*slots*: how many e-mails, phones and links to offer, when the contact already has
        more than three (imported ones, say), so that saving the form never drops any."""
        super().__init__(*args, **kwargs)
        self.slots = {kind: max(len(SLOTS), (slots or {}).get(kind, 0)) for kind in LISTS}
        for kind, (label, max_length) in LISTS.items():
            for slot in range(self.slots[kind]):
                self.fields[f"{kind}_{slot}"] = forms.CharField(
                    label=f"{label} {slot + 1}",
                    max_length=max_length,
                    required=False,
                    widget=forms.TextInput(attrs={"type": INPUT_TYPES[kind]}),
                )
                self.fields[f"{kind}_label_{slot}"] = forms.CharField(
                    label="Label", max_length=40, required=False
                )

    def clean_tags(self) -> str:
        tags: str = self.cleaned_data["tags"]
        if any(len(tag) > MAX_TAG for tag in split_tags(tags)):
            raise forms.ValidationError(f"Keep each tag under {MAX_TAG} characters.")
        return tags

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's error on the field it concerns: an error about a list (e-mails,
        phones, links) on the slot holding the value it quotes."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(self._field_for(name, errors), errors)

    def _field_for(self, name: str, errors: list[ValidationError]) -> str | None:
        if name in self.fields:
            return name
        if name == "addresses":
            return "street"
        kind = {"emails": "email", "phones": "phone", "links": "link"}.get(name)
        if kind is None:
            return None
        said = " ".join(message for error in errors for message in error.messages)
        filled = [
            f"{kind}_{slot}"
            for slot in range(self.slots[kind])
            if (self.cleaned_data.get(f"{kind}_{slot}") or "").strip()
        ]
        quoted = [f for f in filled if f"“{self.cleaned_data[f].strip()}”" in said]
        return (quoted or filled or [f"{kind}_0"])[0]

    def rows(self, kind: str) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"{kind}_{slot}"], self[f"{kind}_label_{slot}"])
            for slot in range(self.slots[kind])
        ]

    def email_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self.rows("email")

    def phone_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self.rows("phone")

    def link_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return self.rows("link")

    def _labelled(self, kind: str) -> list[Labelled]:
        data = self.cleaned_data
        return [
            Labelled(data.get(f"{kind}_label_{slot}") or "", data[f"{kind}_{slot}"])
            for slot in range(self.slots[kind])
            if (data.get(f"{kind}_{slot}") or "").strip()
        ]

    def _clean_link(self, slot: int) -> str:
        value: str = self.cleaned_data[f"link_{slot}"]
        return f"https://{value}" if BARE_DOMAIN.fullmatch(value) else value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for slot in range(self.slots["link"]):
            if data.get(f"link_{slot}"):
                data[f"link_{slot}"] = self._clean_link(slot)
        return data

    def service_arguments(self) -> dict[str, Any]:
        """What contact_create and contact_update take."""
        data = self.cleaned_data
        address = AddressInput(
            street=data["street"], city=data["city"], region=data["region"],
            postal_code=data["postal_code"], country=data["country"],
        )  # fmt: skip
        return {
            "kind": data["kind"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "nickname": data["nickname"],
            "role": data["role"],
            "preferred_channel": data["preferred_channel"] or "",
            "contact_hours": data["contact_hours"],
            "how_we_met": data["how_we_met"],
            "met_at": data["met_at"],
            "cadence_days": data["cadence_days"],
            "organization": data["organization"],
            "introduced_by": data["introduced_by"],
            "tags": split_tags(data["tags"]),
            "emails": self._labelled("email"),
            "phones": self._labelled("phone"),
            "links": self._labelled("link"),
            "addresses": [address] if any(vars(address).values()) else [],
        }


def split_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


MAX_ID = 2**63 - 1


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=[], error_messages={"required": "Select at least one person."}
    )
    add_tag = forms.CharField(label="Add tag", max_length=MAX_TAG, required=False)
    kind = forms.ChoiceField(
        label="Change kind to", choices=[("", "—"), *Kind.choices], required=False
    )
    cadence_days = forms.IntegerField(
        label="Keep in touch every … days", min_value=1, max_value=3650, required=False
    )
    clear_cadence = forms.BooleanField(label="Back to their kind's usual cadence", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The ids are checked against the workspace by the service; here they only must be numbers.
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in values]  # type: ignore[attr-defined]

    def clean_ids(self) -> list[int]:
        ids: list[int] = self.cleaned_data["ids"]
        # Past 64 bits no contact has the id, and the database fails on the number (a 500 before).
        if any(not 1 <= pk <= MAX_ID for pk in ids):
            raise forms.ValidationError("Select people from the list.")
        return ids

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cadence_days") is not None and data.get("clear_cadence"):
            raise forms.ValidationError("Either set a cadence or clear it, not both.")
        if not (
            data.get("add_tag", "").strip()
            or data.get("kind")
            or data.get("cadence_days") is not None
            or data.get("clear_cadence")
        ):
            raise forms.ValidationError("Choose a change: a tag, a kind or a cadence.")
        return data

    def changes(self) -> dict[str, Any]:
        """What contacts_bulk_update takes besides the ids."""
        data = self.cleaned_data
        changes: dict[str, Any] = {"add_tag": data["add_tag"].strip(), "kind": data["kind"]}
        if data["clear_cadence"]:
            changes["cadence_days"] = None
        elif data["cadence_days"] is not None:
            changes["cadence_days"] = data["cadence_days"]
        return changes


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    website = forms.URLField(max_length=200, required=False, assume_scheme="https")
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, required=False
    )


class QuickNoteForm(forms.Form):
    """The mental-note box: a person chosen (contact) or a name typed (who), and the note."""

    who = forms.CharField(max_length=200, required=False)
    contact = forms.IntegerField(min_value=1, required=False)
    body = forms.CharField(label="Note", max_length=20000, required=False, strip=False)
