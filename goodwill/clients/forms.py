from typing import Any, cast

from django import forms

from goodwill.clients.models import EngagementKind
from goodwill.core import money


class _Money(forms.Form):
    """A form with a currency select, the workspace's currency first."""

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", currency)
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = money.choices(currency)


class EngagementForm(_Money):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=EngagementKind.choices, initial=EngagementKind.PROJECT)
    work = forms.CharField(
        label="Kind of work", max_length=80, required=False, help_text="e.g. branding, website"
    )
    value = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField()
    starts_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20000
    )
    field_order = ["title", "kind", "work", "value", "currency", "starts_on", "ends_on", "notes"]


class MoveForm(forms.Form):
    on = forms.DateField(label="On", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why (for a lost one)", max_length=200, required=False)


class PurchaseForm(_Money):
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField()
    purchased_on = forms.DateField(
        label="On", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label="What", max_length=500, required=False)
    field_order = ["amount", "currency", "purchased_on", "description"]
