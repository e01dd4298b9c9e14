from typing import Any

from django import forms

from goodwill.messaging.models import Occasion


class ComposeForm(forms.Form):
    to_address = forms.ChoiceField(label="To")
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Message", widget=forms.Textarea(attrs={"rows": 12}), max_length=20000
    )
    occasion = forms.ChoiceField(choices=Occasion.choices, widget=forms.HiddenInput)
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, addresses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_address"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(a, a) for a in addresses] or [("", "No e-mail address")]


class TemplateForm(forms.Form):
    occasion = forms.ChoiceField(choices=Occasion.choices)
    name = forms.CharField(max_length=120)
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), max_length=10000)
