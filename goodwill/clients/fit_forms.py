"""Forms of the Clients settings tab and of a client's profile page."""

import calendar
from typing import Any

from django import forms

from goodwill.clients.models import ClientSettings, ProfileAnswers, PurchaseThanks

MONTHS = [(str(n), calendar.month_abbr[n]) for n in range(1, 13)]


def _lines(value: str) -> list[str]:
    return [line for line in value.splitlines() if line.strip()]


class ThanksForm(forms.Form):
    purchase_thanks = forms.ChoiceField(
        label="Thank a customer for a purchase",
        choices=PurchaseThanks.choices,
        widget=forms.RadioSelect,
    )
    purchase_thanks_above = forms.DecimalField(
        label="The amount (for purchases above an amount)",
        required=False,
        decimal_places=2,
        min_value=0,
        max_digits=12,
    )

    @classmethod
    def of(cls, settings: ClientSettings, currency: str) -> "ThanksForm":
        form = cls(
            initial={
                "purchase_thanks": settings.purchase_thanks,
                "purchase_thanks_above": settings.purchase_thanks_above,
            }
        )
        form.fields["purchase_thanks_above"].label = f"The amount in {currency}"
        return form


class IdealForm(forms.Form):
    budget_min = forms.DecimalField(
        label="Budget a year, from", required=False, decimal_places=2, max_digits=12
    )
    budget_max = forms.DecimalField(
        label="Budget a year, up to", required=False, decimal_places=2, max_digits=12
    )
    times_min = forms.IntegerField(label="Times a year they need you, from", required=False)
    times_max = forms.IntegerField(label="Times a year, up to", required=False)
    months = forms.MultipleChoiceField(
        label="The months they need you",
        choices=MONTHS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work = forms.CharField(
        label="Kinds of work, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As you name them on engagements, e.g. branding.",
    )
    traits = forms.CharField(
        label="Traits, one a line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In your own words, e.g. pays on time, refers others.",
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["budget_min"].label = f"Budget a year in {currency}, from"
        self.fields["budget_max"].label = f"Budget a year in {currency}, up to"

    @classmethod
    def of(cls, settings: ClientSettings, currency: str) -> "IdealForm":
        initial = {
            "budget_min": settings.budget_min,
            "budget_max": settings.budget_max,
            "times_min": settings.times_min,
            "times_max": settings.times_max,
            "months": [str(m) for m in settings.months or []],
            "work": "\n".join(settings.work or []),
            "traits": "\n".join(settings.traits or []),
        }
        return cls(initial=initial, currency=currency)

    def ideal(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "budget_min": data["budget_min"],
            "budget_max": data["budget_max"],
            "times_min": data["times_min"],
            "times_max": data["times_max"],
            "months": [int(m) for m in data["months"]],
            "work": _lines(data["work"]),
            "traits": _lines(data["traits"]),
        }


class AnswersForm(forms.Form):
    why_chose = forms.CharField(
        label="Why did they choose you?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    why_stay = forms.CharField(
        label="Why do they keep choosing you?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    worries = forms.CharField(
        label="What keeps them up at night?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    went_right = forms.CharField(
        label="What went right?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    traits = forms.MultipleChoiceField(
        label="Which of your ideal client's traits they have",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, ideal_traits: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["traits"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(trait, trait) for trait in ideal_traits]
        if not ideal_traits:
            del self.fields["traits"]

    @classmethod
    def of(cls, answers: ProfileAnswers, ideal_traits: list[str]) -> "AnswersForm":
        initial = {
            "why_chose": answers.why_chose,
            "why_stay": answers.why_stay,
            "worries": answers.worries,
            "went_right": answers.went_right,
            "traits": list(answers.traits or []),
        }
        return cls(initial=initial, ideal_traits=ideal_traits)
