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


class PublicForm(forms.Form):
    """The public intake form; `website` is the honeypot, `stamp` the signed time shown."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your e-mail address")
    type = forms.ChoiceField(label="This is", choices=CaseType.choices)
    subject = forms.CharField(label="About (an order, a date…)", max_length=200, required=False)
    text = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 8}), max_length=10000
    )
    website = forms.CharField(
        required=False,
        label="Leave this empty",
        widget=forms.TextInput(
            attrs={"class": "honeypot-input", "tabindex": "-1", "autocomplete": "off"}
        ),
    )
    stamp = forms.CharField(widget=forms.HiddenInput)
