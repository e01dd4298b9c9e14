from typing import Any

from django import forms

from goodwill.agenda.models import Repeat


class ReminderForm(forms.Form):
    title = forms.CharField(label="Remember to", max_length=200)
    due_on = forms.DateField(label="On", widget=forms.DateInput(attrs={"type": "date"}))
    repeat = forms.ChoiceField(choices=Repeat.choices, initial=Repeat.NEVER)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class SnoozeForm(forms.Form):
    """Snooze by days (1 or 7 from the buttons) or to a chosen date."""

    days = forms.IntegerField(required=False, min_value=1, max_value=365)
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
