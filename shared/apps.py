from django.apps import AppConfig


class SharedConfig(AppConfig):
    """Plumbing every app uses: roles, errors, API and page helpers, tokens, business hours."""

    name = "shared"
