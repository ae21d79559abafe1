from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"

    def ready(self) -> None:
        # Registers the escalation tasks (autodiscovery only finds triage.tasks).
        from triage import escalation_tasks  # noqa: F401
