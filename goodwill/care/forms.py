from django import forms

from goodwill.care.models import CaseType, Priority, Status


class CaseForm(forms.Form):
    type = forms.ChoiceField(choices=CaseType.choices)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )
    public = forms.TypedChoiceField(
        label="Who sees it",
        coerce=lambda value: value == "yes",
        choices=[("yes", "The customer (a reply)"), ("no", "Only us (an internal note)")],
        initial="yes",
    )
    status = forms.ChoiceField(
        label="And set the case to",
        choices=[("", "(leave as it is)"), *Status.choices],
        required=False,
    )
