from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goodwill.core.templatetags.form_fields import FixedWhenBlank
from goodwill.people.cadence import default_cadence_days
from goodwill.people.models import Kind
from goodwill.touchpoints.models import Direction, DueReason, InteractionKind


class TouchForm(FixedWhenBlank, forms.Form):
    kind = forms.ChoiceField(choices=InteractionKind.choices)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.OURS)
    occurred_at = forms.DateTimeField(
        label="When",
        required=False,
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    others = forms.CharField(
        label="Who else took part",
        required=False,
        max_length=500,
        help_text="Their numbers, e.g. 12, 15",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def clean_others(self) -> list[int]:
        text = self.cleaned_data["others"].replace("#", "")
        try:
            return [int(part) for part in text.replace(",", " ").split()]
        except ValueError:
            raise ValidationError("Give the people's numbers, separated by commas.") from None

    def service_arguments(self, contact_ids: list[int]) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "direction": data["direction"],
            "occurred_at": data["occurred_at"],
            "note": data["note"],
            "contact_ids": [*contact_ids, *data["others"]],
        }


class OweForm(FixedWhenBlank, forms.Form):
    """Note by hand that someone is owed a thank-you (or, after a lost deal, a follow-up)."""

    reason = forms.ChoiceField(label="What for", choices=DueReason.choices)
    about = forms.CharField(
        label="About",
        required=False,
        max_length=200,
        help_text="e.g. the spring catalogue order",
    )


class QuickTouchForm(forms.Form):
    """The dashboard's touch box: what, with whom (chosen, or a name typed), and a note."""

    kind = forms.ChoiceField(choices=InteractionKind.choices, initial=InteractionKind.CALL)
    direction = forms.ChoiceField(choices=Direction.choices, initial=Direction.OURS)
    who = forms.CharField(label="With whom", max_length=200, required=False)
    contact = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("contact") and not (data.get("who") or "").strip():
            raise ValidationError("Say with whom.")
        return data


class CadenceForm(forms.Form):
    """The workspace's keep-in-touch cadence per kind of contact; empty keeps the default."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.IntegerField(
                label=f"{label}s",
                required=False,
                min_value=1,
                max_value=3650,
                initial=current.get(kind),
                help_text=f"days; empty for Goodwill's {default_cadence_days(kind)}",
                widget=forms.NumberInput(attrs={"placeholder": default_cadence_days(kind)}),
            )

    def defaults(self) -> dict[str, int | None]:
        return {kind: self.cleaned_data[kind] for kind, _ in Kind.choices}
