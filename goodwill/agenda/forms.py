from typing import Any

from django import forms

from goodwill.accounts.forms import TIME_ZONE_CHOICES
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


DAY_NAMES = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class DigestForm(forms.Form):
    enabled = forms.BooleanField(label="Send me the daily digest", required=False)
    hour = forms.TypedChoiceField(
        label="At", coerce=int, choices=[(h, f"{h:02d}:00") for h in range(24)]
    )
    days = forms.TypedMultipleChoiceField(
        label="On",
        coerce=int,
        choices=DAY_NAMES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    time_zone = forms.ChoiceField(
        label="In the time zone",
        choices=[("", "The workspace's"), *TIME_ZONE_CHOICES],
        required=False,
    )
    send_empty = forms.BooleanField(label="Also on days with nothing to do", required=False)
