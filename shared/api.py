"""API plumbing every app shares: error answers, strict input fields, the 404 under /api/."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shared.errors import Conflict
from shared.validation import LINE_MAX, REASON_MAX, clean_line, clean_text

MAX_REASON = REASON_MAX


def exception_handler(exc, context):
    """Answer service errors like DRF's own: 400 with field messages, 409 for state conflicts."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            data = {field: [str(m) for m in errors] for field, errors in exc.message_dict.items()}
        else:
            data = {"non_field_errors": exc.messages}
        return Response(data, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """Answer an unknown URL: JSON under /api/ (the API's 404 body), the HTML page elsewhere.

    A path that no route matches (`/api/v1/tickets/abc/`) never reaches DRF, so without this
    an API client would get the site's HTML page where the schema promises JSON.
    """
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of turning them into text."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class LineField(StrictCharField):
    """One line of visible text (a title, a summary, a name): a 400 says what to fix.

    The rules are `shared.validation.clean_line`, the same the pages and the services apply.
    """

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return value
        try:
            return clean_line(value, max_length=self.max_length or LINE_MAX)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class TextField(StrictCharField):
    """Text on several lines, kept with its line breaks and scrubbed of what spoofs or breaks a
    page (`shared.validation.clean_text`); the answer shows the text as it was stored."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return clean_text(value, max_length=None) if value else value


class StrictChoiceField(serializers.ChoiceField):
    default_error_messages = {
        "invalid_choice": "“{input}” is not one of: {choices}.",
    }

    def __init__(self, choices, **kwargs):
        super().__init__(choices, **kwargs)
        self._names = ", ".join(str(c) for c in self.choices)

    def fail(self, key, **kwargs):
        if key == "invalid_choice":
            kwargs = {**kwargs, "choices": self._names}
        super().fail(key, **kwargs)


class InputSerializer(serializers.Serializer):
    """Refuse fields the endpoint does not take, so a typo is an error and not a silent no-op."""

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return attrs

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["Expected a JSON object with the fields as keys."]}
            )
        return super().to_internal_value(data)


class UsernameField(serializers.SlugRelatedField):
    """An active user by username. Text PostgreSQL cannot store (a NUL character) or longer than
    any username is refused as a field error before the lookup, which would otherwise fail in
    the database as a 500 (schemathesis found it)."""

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs
        )

    def to_internal_value(self, data):
        max_length = User._meta.get_field("username").max_length
        if isinstance(data, str) and ("\x00" in data or len(data) > max_length):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:max_length])
        return super().to_internal_value(data)
