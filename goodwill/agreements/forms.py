"""The forms of the catalogue of needs and of a client's agreements.

A need's form shows only the fields of its kind (days and hours for calling hours, channels to
tick, times of day, a number of days, a line of text); `terms()` puts them in the shape that
goodwill.agreements.needs checks, so the rules live in one place.
"""

import re
from datetime import time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from goodwill.accounts.views import add_errors
from goodwill.agreements.models import Need, NeedKind
from goodwill.agreements.needs import CHANNELS, DAYS
from goodwill.agreements.services import MAX_HOLD_DAYS

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

# The form's fields for each kind's terms; "number" is the terms' "days" of a count of days.
KIND_FIELDS: dict[str, list[str]] = {
    NeedKind.CALLING_HOURS: ["days", "start", "end"],
    NeedKind.CHANNELS: ["allowed"],
    NeedKind.RESPONSE_WINDOW: ["times"],
    NeedKind.TURNAROUND: ["number"],
    NeedKind.PAYMENT_TERMS: ["number"],
    NeedKind.RETAINER: ["text"],
    NeedKind.FREE: [],
}
NUMBER_LABELS: dict[str, str] = {
    NeedKind.TURNAROUND: "Within how many business days",
    NeedKind.PAYMENT_TERMS: "Paid within how many days",
}


def _clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


class NeedForm(forms.Form):
    title = forms.CharField(max_length=120, help_text="Short, e.g. “Calls on weekdays, 9 to 5”")
    why = forms.CharField(
        label="Why it is good for both of you",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Your clients read this on their page.",
    )
    days = forms.TypedMultipleChoiceField(
        label="Days",
        choices=list(enumerate(DAYS)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.TimeField(label="From", required=False, widget=TIME)
    end = forms.TimeField(label="To", required=False, widget=TIME)
    allowed = forms.MultipleChoiceField(
        label="Channels",
        choices=list(CHANNELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.CharField(
        label="Times you answer",
        max_length=100,
        required=False,
        help_text="Times of day, e.g. 09:00, 16:00",
    )
    number = forms.IntegerField(label="Days", required=False)
    text = forms.CharField(
        label="What it is", max_length=200, required=False, help_text="e.g. 50% up front"
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in set(self.fields) - {"title", "why", *KIND_FIELDS[kind]}:
            del self.fields[name]
        if "number" in self.fields:
            self.fields["number"].label = NUMBER_LABELS[kind]

    def clean_times(self) -> list[str]:
        """Times as typed ("9:00, 16:00"), each as HH:MM."""
        parts = [part for part in re.split(r"[,;\s]+", self.cleaned_data["times"]) if part]
        try:
            return [_clock(forms.TimeField().clean(part)) for part in parts]
        except ValidationError:
            raise ValidationError("Give the times as HH:MM, e.g. 09:00, 16:00.") from None

    def terms(self) -> dict[str, Any]:
        """The terms as goodwill.agreements.needs checks them."""
        data = self.cleaned_data
        if self.kind == NeedKind.CALLING_HOURS:
            return {
                "days": data["days"],
                "start": _clock(data["start"]),
                "end": _clock(data["end"]),
            }
        if self.kind == NeedKind.CHANNELS:
            return {"allowed": data["allowed"]}
        if self.kind == NeedKind.RESPONSE_WINDOW:
            return {"times": data["times"]}
        if self.kind in NUMBER_LABELS:
            return {"days": data["number"]}
        if self.kind == NeedKind.RETAINER:
            return {"text": data["text"]}
        return {}

    def show(self, error: ValidationError) -> None:
        """A service's error on its field (a count of days is "number" here)."""
        if hasattr(error, "error_dict") and self.kind in NUMBER_LABELS:
            error = ValidationError(
                {("number" if f == "days" else f): e for f, e in error.error_dict.items()}
            )
        add_errors(self, error)

    @staticmethod
    def initial_of(need: Need) -> dict[str, Any]:
        terms = need.terms
        initial: dict[str, Any] = {"title": need.title, "why": need.why}
        if need.kind == NeedKind.CALLING_HOURS:
            initial.update(days=terms.get("days"), start=terms.get("start"), end=terms.get("end"))
        elif need.kind == NeedKind.CHANNELS:
            initial["allowed"] = terms.get("allowed")
        elif need.kind == NeedKind.RESPONSE_WINDOW:
            initial["times"] = ", ".join(terms.get("times", []))
        elif need.kind in NUMBER_LABELS:
            initial["number"] = terms.get("days")
        elif need.kind == NeedKind.RETAINER:
            initial["text"] = terms.get("text")
        return initial


class ProposeForm(forms.Form):
    need = forms.ModelChoiceField(queryset=Need.objects.none(), empty_label=None)
    on = forms.DateField(label="Proposed on", required=False, widget=DATE)
    how = forms.CharField(
        label="How you put it to them", max_length=120, required=False, help_text="e.g. on our call"
    )
    hold_days = forms.IntegerField(
        label="Let it hold for (days)",
        initial=14,
        min_value=1,
        max_value=MAX_HOLD_DAYS,
        help_text="Once agreed, the next need is suggested after this many days.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=5000, required=False
    )

    def __init__(self, *args: Any, needs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["need"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = needs


class DayForm(forms.Form):
    on = forms.DateField(label="On", required=False, widget=DATE)
