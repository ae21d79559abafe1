"""`{{ radio|input_tag }}`, `{{ form.field|input_tag }}`, `{{ form.field|select_tag }}`: a
form's `<input>` and `<select>` written in Python.

Django renders every radio button, checkbox and select through the template engine (three
templates per input, two per option); the ticket page's ten radios cost about a third of its
render (issue 14). These filters write the same markup as Django's `input.html`, `select.html`
and `attrs.html`, and leave any other widget to Django; `tests/test_inputs.py` keeps them equal.
"""

from __future__ import annotations

import html

from django import template
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# Templates whose output is exactly `django/forms/widgets/input.html` for an unwrapped input.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "input_option", "radio_option", "checkbox_option", "checkbox", "text")
)


def _escape(value) -> str:
    """`conditional_escape` without its lazy-string wrapper (dozens of calls a page)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    value = "" if value is None else f' value="{_escape(str(value))}"'
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<input type="{_escape(widget["type"])}"'
        f' name="{_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _widget_context(bound: BoundField) -> dict:
    """The widget's context as `BoundField.as_widget` builds it (ids, required, aria-*)."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    return widget.get_context(bound.html_name, bound.value(), attrs)["widget"]


@register.filter
def select_tag(bound) -> str:
    """Render a select field (a BoundField whose widget is Django's Select)."""
    widget = bound.field.widget
    if widget.template_name != "django/forms/widgets/select.html" or bound.field.localize:
        return bound.as_widget()
    context = _widget_context(bound)
    parts = [f'<select name="{_escape(context["name"])}"{_attrs(context["attrs"])}>']
    for group, options, _ in context["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_escape(group)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{_escape(option['label'])}</option>\n"
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped


@register.filter
def input_tag(bound) -> str:
    """Render a radio or checkbox option (a BoundWidget) or an input field (a BoundField)."""
    if isinstance(bound, BoundWidget):
        if bound.data.get("template_name") in INPUT_TEMPLATES:  # `tag()` never wraps the label
            return _input(bound.data)
        return bound.tag()
    if isinstance(bound, BoundField):
        if bound.field.widget.template_name in INPUT_TEMPLATES and not bound.field.localize:
            return _input(_widget_context(bound))
        return bound.as_widget()
    return conditional_escape(bound)
