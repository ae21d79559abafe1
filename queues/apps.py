from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "queues"

    def ready(self) -> None:
        from queues.services import notice_on_ticket_created
        from triage.services import ticket_created_hooks

        # A ticket that arrives while the queue is backed up gets its notice on arrival (R7).
        if notice_on_ticket_created not in ticket_created_hooks:
            ticket_created_hooks.append(notice_on_ticket_created)
