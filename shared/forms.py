"""Form plumbing every app shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from shared.validation import LINE_MAX, clean_line, clean_text


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's errors on the form: each on its field, any others at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class LineField(forms.CharField):
    """One line of visible text (a title, a summary, a name): the page says what to fix.

    The rules are `shared.validation.clean_line`, the same the API and the services apply.
    """

    def clean(self, value):
        value = super().clean(value)
        if value:
            value = clean_line(value, max_length=self.max_length or LINE_MAX)
        return value


class TextField(forms.CharField):
    """Text on several lines (a description, a reply, a reason), kept with its line breaks and
    scrubbed of what spoofs or breaks a page (`shared.validation.clean_text`)."""

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, max_length=None) if value else value
