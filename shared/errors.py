"""Errors that services raise; views turn them into 400 / 409 answers or form errors."""

from django.core.exceptions import ValidationError


class Conflict(Exception):
    """The change does not fit the ticket's current state (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def invalid(**fields: str) -> ValidationError:
    """Build a ValidationError with one message per field."""
    return ValidationError({name: [message] for name, message in fields.items()})
