from django import forms
from django.template import Context, Template

from goodwill.core.templatetags.form_fields import _BLANK, FixedWhenBlank

PAGE = Template("{% load form_fields %}{% form_fields form %}")


class Fixed(FixedWhenBlank, forms.Form):
    name = forms.CharField(max_length=5)


class Changing(forms.Form):
    name = forms.CharField(max_length=5)


def _render(form: forms.Form) -> str:
    return PAGE.render(Context({"form": form}))


def test_a_fixed_blank_form_is_rendered_once_and_a_bound_one_every_time():
    _BLANK.clear()
    blank = _render(Fixed(auto_id="a_%s"))
    assert 'id="a_name"' in blank
    assert list(_BLANK) == [(Fixed, "a_%s", None)]
    assert _render(Fixed(auto_id="a_%s")) == blank
    # Another auto_id is another rendering.
    assert 'id="b_name"' in _render(Fixed(auto_id="b_%s"))
    # Errors and typed values are the visitor's own, never kept.
    bound = _render(Fixed({"name": "far too long"}, auto_id="a_%s"))
    assert "far too long" in bound
    assert 'role="alert"' in bound
    assert "far too long" not in _render(Fixed(auto_id="a_%s"))
    assert len(_BLANK) == 2


def test_forms_with_initial_values_or_not_marked_fixed_are_not_kept():
    _BLANK.clear()
    assert 'value="Ada"' in _render(Fixed(initial={"name": "Ada"}))
    assert 'name="name"' in _render(Changing())
    assert not _BLANK
