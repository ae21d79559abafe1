from django.apps import AppConfig


class PresalesConfig(AppConfig):
    name = "presales"

    def ready(self) -> None:
        from presales.tasks import on_ticket_status
        from triage.services import ticket_status_hooks

        if on_ticket_status not in ticket_status_hooks:
            ticket_status_hooks.append(on_ticket_status)
