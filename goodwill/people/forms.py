"""Forms of the people pages. They only parse input; the rules live in services.py."""

from typing import Any

from django import forms

from goodwill.people.models import (
    Channel,
    DateKind,
    FactCategory,
    GiftStatus,
    Kind,
    Relation,
)
from goodwill.people.services import AddressInput, Labelled

SLOTS = range(3)


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in SLOTS:
            self.fields[f"email_{slot}"] = forms.CharField(
                label=f"E-mail {slot + 1}", max_length=254, required=False
            )
            self.fields[f"email_label_{slot}"] = forms.CharField(
                label="Label", max_length=40, required=False
            )
            self.fields[f"phone_{slot}"] = forms.CharField(
                label=f"Phone {slot + 1}", max_length=40, required=False
            )
            self.fields[f"phone_label_{slot}"] = forms.CharField(
                label="Label", max_length=40, required=False
            )
            self.fields[f"link_{slot}"] = forms.CharField(
                label=f"Web or social link {slot + 1}", max_length=500, required=False
            )
            self.fields[f"link_label_{slot}"] = forms.CharField(
                label="Label", max_length=40, required=False
            )

    def rows(self, kind: str) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"{kind}_{slot}"], self[f"{kind}_label_{slot}"]) for slot in SLOTS]

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
            for slot in SLOTS
            if (data.get(f"{kind}_{slot}") or "").strip()
        ]

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
            "tags": [tag for tag in data["tags"].split(",") if tag.strip()],
            "emails": self._labelled("email"),
            "phones": self._labelled("phone"),
            "links": self._labelled("link"),
            "addresses": [address] if any(vars(address).values()) else [],
        }


class FactForm(forms.Form):
    category = forms.ChoiceField(choices=FactCategory.choices)
    text = forms.CharField(max_length=500)
    private = forms.BooleanField(required=False, help_text="Never shown to them or in a share.")


class CircleForm(forms.Form):
    name = forms.CharField(max_length=120)
    relation = forms.ChoiceField(choices=Relation.choices)
    birthday = forms.CharField(
        max_length=10, required=False, help_text="1984-04-12, or --04-12 when the year is unknown"
    )
    interests = forms.CharField(
        max_length=500, required=False, help_text="e.g. collects baseball cards"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    linked_contact = forms.IntegerField(
        label="Also a contact? Their number",
        required=False,
        min_value=1,
        help_text="e.g. 12 for #12",
    )


class DateForm(forms.Form):
    kind = forms.ChoiceField(choices=DateKind.choices)
    label = forms.CharField(max_length=120, required=False)
    date = forms.CharField(
        max_length=10, help_text="1984-04-12, or --04-12 when the year is unknown"
    )


class GiftForm(forms.Form):
    description = forms.CharField(max_length=300)
    for_member = forms.TypedChoiceField(label="For", coerce=int, required=False, empty_value=None)
    occasion = forms.CharField(max_length=120, required=False)
    status = forms.ChoiceField(choices=GiftStatus.choices, initial=GiftStatus.IDEA)
    cost = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["for_member"].choices = [("", "Them"), *members]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    pinned = forms.BooleanField(required=False)


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=True)
    add_tag = forms.CharField(label="Add tag", max_length=60, required=False)
    kind = forms.ChoiceField(
        label="Change kind to", choices=[("", "—"), *Kind.choices], required=False
    )
    cadence_days = forms.IntegerField(
        label="Keep in touch every … days", min_value=1, max_value=3650, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The ids are checked against the workspace by the service; here they only must be numbers.
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in values]  # type: ignore[attr-defined]
