from typing import Any, cast

from django import forms

from goodwill.care.models import CaseType, Priority, Status


class CaseForm(forms.Form):
    type = forms.ChoiceField(choices=CaseType.choices)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=20000
    )
    purchase = forms.TypedChoiceField(
        label="About their purchase", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, purchases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["purchase"])
        field.choices = [("", "(none)"), *purchases]
        if not purchases:
            field.widget = forms.HiddenInput()


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


class RequestForm(forms.Form):
    """A request from a client page; `website` is the honeypot, `stamp` the signed time shown."""

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
    purchase = forms.TypedChoiceField(
        label="About your purchase", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, purchases: list[tuple[int, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not purchases:  # the public form knows nobody's purchases
            del self.fields["purchase"]
        else:
            field = cast(forms.TypedChoiceField, self.fields["purchase"])
            field.choices = [("", "(none)"), *purchases]


class PublicForm(RequestForm):
    """The public intake form: a request, and who it is from."""

    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your e-mail address")
    field_order = ["name", "email", "type", "subject", "text", "website"]


class TargetsForm(forms.Form):
    """The first-response and resolution targets per priority, in business hours."""

    def __init__(self, *args: Any, targets: dict[str, tuple[float, float]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for priority, label in Priority.choices:
            first, resolution = targets[priority]
            for name, value, what in (
                ("first", first, "first response"),
                ("resolution", resolution, "resolution"),
            ):
                self.fields[f"{priority}_{name}"] = forms.FloatField(
                    label=f"{label}: {what} (business hours)",
                    min_value=0.1,
                    max_value=2000,
                    initial=value,
                )

    def targets(self) -> dict[str, tuple[float, float]]:
        data = self.cleaned_data
        return {p: (data[f"{p}_first"], data[f"{p}_resolution"]) for p in Priority.values}


class HolidayForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=100, required=False, label="Name (optional)")


class CaseUpdateForm(forms.Form):
    priority = forms.ChoiceField(choices=Priority.choices)
    category = forms.CharField(
        max_length=80,
        required=False,
        help_text="What it was about, e.g. late delivery: the care insight lists these.",
    )
    owner = forms.TypedChoiceField(
        label="Who handles it", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["owner"])
        field.choices = [("", "(nobody yet)"), *members]
