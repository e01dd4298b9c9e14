from typing import Any, cast
from zoneinfo import available_timezones

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

from goodwill.accounts.models import WEEKDAYS, Role, Workspace
from goodwill.core import money

TIME_ZONE_CHOICES = [(name, name) for name in sorted(available_timezones())]
COUNTRY_CHOICES = [("", "—"), *((code, code) for code in sorted(phonenumbers.SUPPORTED_REGIONS))]


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SignupForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )
    workspace_name = forms.CharField(
        label="Business name", max_length=120, help_text="Your business, or just your own name."
    )
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, initial="UTC")


class WorkspaceNewForm(forms.Form):
    name = forms.CharField(label="Business name", max_length=120)
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES, initial="UTC")


class WorkspaceSettingsForm(forms.Form):
    """Name, time zone and, per weekday, opening hours (both empty means closed)."""

    name = forms.CharField(label="Business name", max_length=120)
    time_zone = forms.ChoiceField(label="Time zone", choices=TIME_ZONE_CHOICES)
    country = forms.ChoiceField(
        label="Country",
        choices=COUNTRY_CHOICES,
        required=False,
        help_text="Phone numbers written without +country are read as numbers of this country.",
    )
    currency = forms.ChoiceField(
        label="Currency",
        help_text="The money you mostly work in: totals, the ideal client's budget and new "
        "purchases use it.",
    )
    leap_day = forms.ChoiceField(
        label="29 February birthdays, in other years, fall on",
        choices=[("feb28", "28 February"), ("mar1", "1 March")],
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        initial: dict[str, Any] = {
            "name": workspace.name,
            "time_zone": workspace.time_zone,
            "country": workspace.country,
            "leap_day": workspace.leap_day,
            "currency": workspace.currency,
        }
        for day in WEEKDAYS:
            span = workspace.business_hours.get(day) or ["", ""]
            initial[f"{day}_open"], initial[f"{day}_close"] = span
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["currency"]).choices = money.choices(workspace.currency)
        for day in WEEKDAYS:
            for part in ("open", "close"):
                self.fields[f"{day}_{part}"] = forms.TimeField(
                    label=f"{day.title()} {'opens' if part == 'open' else 'closes'}",
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                )

    def weekdays(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(day.title(), self[f"{day}_open"], self[f"{day}_close"]) for day in WEEKDAYS]

    def business_hours(self) -> dict[str, list[str]]:
        hours: dict[str, list[str]] = {}
        for day in WEEKDAYS:
            start, end = self.cleaned_data.get(f"{day}_open"), self.cleaned_data.get(f"{day}_close")
            if bool(start) != bool(end):
                raise ValidationError(f"{day.title()}: give both times, or neither for closed.")
            hours[day] = [start.strftime("%H:%M"), end.strftime("%H:%M")] if start and end else []
        return hours


class MemberAddForm(forms.Form):
    email = forms.EmailField(label="E-mail of an existing Goodwill user")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ASSISTANT)


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=80, help_text="What will use it, e.g. backup script."
    )
    read_only = forms.BooleanField(label="Read-only", required=False)


class AccountForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150, required=False)


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address to invite")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.ASSISTANT)


class InvitationSignupForm(forms.Form):
    """A new account for the invited address (the address itself comes from the invitation)."""

    name = forms.CharField(label="Your name", max_length=150)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters, not a common password.",
    )


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text"}
        ),
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
