from django.apps import AppConfig


class QueuesConfig(AppConfig):
    """The queue's work: claiming, the rota, load levels, proactive notices, breach warnings."""

    name = "queues"
    # The tables leadership edits in the admin (shared.roles.ensure_groups).
    leadership_admin_models = (
        "staffprofile", "absence", "levelthreshold", "loadepisode", "notice", "noticeswitch",
    )  # fmt: skip

    def ready(self) -> None:
        # Imported here, not at the top: the apps registry must be ready before models load.
        from queues.services import notice_on_ticket_created
        from triage import hooks

        # A ticket that arrives while the queue is backed up gets its notice on arrival (R7).
        hooks.register(hooks.ticket_created_hooks, notice_on_ticket_created)
