"""`{% form_fields form %}`: a form's fields as `_form_fields.html` lays them out, rendered once
per process for a blank form whose HTML never changes.

Django renders each widget through the template engine: the six blank forms of a contact page
took a quarter of its time, for HTML that is the same on every page.
"""

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()

type BlankKey = tuple[type[forms.BaseForm], str, str | None]
_BLANK: dict[BlankKey, SafeString] = {}


class FixedWhenBlank:
    """Mixed into a form whose blank HTML depends on its class, `auto_id` and `prefix` alone:
    fixed choices and no initial values from the caller."""


def _blank_key(form: forms.BaseForm) -> BlankKey | None:
    if form.is_bound or form.initial or not isinstance(form, FixedWhenBlank):
        return None
    return (type(form), str(form.auto_id), form.prefix)


@register.simple_tag
def form_fields(form: forms.BaseForm) -> SafeString:
    key = _blank_key(form)
    if key is not None and (html := _BLANK.get(key)) is not None:
        return html
    html = render_to_string("_form_fields.html", {"form": form})
    if key is not None:
        _BLANK[key] = html
    return html
