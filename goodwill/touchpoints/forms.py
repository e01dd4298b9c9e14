from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goodwill.touchpoints.models import Direction, InteractionKind


class TouchForm(forms.Form):
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
