from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    """Engineering escalations (R8): support hands over full context, engineering decides."""

    name = "escalations"
