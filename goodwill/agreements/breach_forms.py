"""Forms of the breaches, clarifications and invoices pages. Times are read in the workspace's
time zone (the pages run under it)."""

from datetime import date
from typing import Any, cast

from django import forms

from goodwill.agreements.models import Agreement
from goodwill.core import money

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DAY = forms.DateInput(attrs={"type": "date"})


class BreachForm(forms.Form):
    """Log a breach in two clicks: the need (the first is chosen) and "Log it"."""

    agreement = forms.TypedChoiceField(label="Which need", coerce=int)
    occurred_at = forms.DateTimeField(
        label="When", required=False, widget=WHEN, help_text="Leave as it is for now."
    )
    note = forms.CharField(
        label="What happened", max_length=300, required=False, help_text="e.g. called at 21:10"
    )

    def __init__(self, *args: Any, agreements: list[Agreement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["agreement"])
        field.choices = [(a.pk, a.need.title) for a in agreements]


class ClarificationForm(forms.Form):
    question = forms.CharField(label="Your question", max_length=500)
    asked_at = forms.DateTimeField(
        label="Asked at", required=False, widget=WHEN, help_text="Leave empty for now."
    )


class AnswerForm(forms.Form):
    answered_at = forms.DateTimeField(
        label="Answered at", required=False, widget=WHEN, help_text="Leave empty for now."
    )


class InvoiceForm(forms.Form):
    number = forms.CharField(max_length=40)
    amount = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    currency = forms.ChoiceField()
    issued_on = forms.DateField(label="Issued on", required=False, widget=DAY)
    due_on = forms.DateField(
        label="Due on",
        required=False,
        widget=DAY,
        help_text="Leave empty to follow the payment terms they agreed to.",
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", currency)
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = money.choices(currency)


class PaidForm(forms.Form):
    on = forms.DateField(label="Paid on", required=False, widget=DAY)

    def day(self) -> date | None:
        return cast(date | None, self.cleaned_data.get("on"))
