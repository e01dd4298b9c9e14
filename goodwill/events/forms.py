from django import forms

from goodwill.events.models import EventKind
from goodwill.people.models import Kind


class EventForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=EventKind.choices, initial=EventKind.MEETUP)
    starts_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Last day (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For an event over several days.",
    )
    place = forms.CharField(max_length=200, required=False)
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )


class AttendeeForm(forms.Form):
    """Someone from your contacts was there; the lookup box fills in their number."""

    contact = forms.IntegerField(
        label="Contact number",
        min_value=1,
        help_text="Filled in when you pick them by name above; or type their number (#12).",
    )
    new = forms.BooleanField(label="You first met them here", required=False)
    note = forms.CharField(max_length=500, required=False)


class NewPersonForm(forms.Form):
    """Someone you met there who is not in your contacts yet."""

    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(label="E-mail address", required=False)
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.PROSPECT)
    note = forms.CharField(
        max_length=500, required=False, help_text="What you talked about, what to follow up on."
    )
