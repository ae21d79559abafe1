from django.apps import AppConfig


class PresalesConfig(AppConfig):
    """Pre-sales (R9): the CE's requests, exceptions to the process, trial channels."""

    name = "presales"
    # The tables leadership edits in the admin (shared.roles.ensure_groups).
    leadership_admin_models = (
        "presalesrequest", "keydate", "presalesexception", "exceptionevent", "channelengagement",
    )  # fmt: skip

    def ready(self) -> None:
        # Imported here, not at the top: the apps registry must be ready before models load.
        from presales.tasks import on_ticket_status
        from triage import hooks

        # A resolved ticket reminds engineers to leave its trial channel at once (R9).
        hooks.register(hooks.ticket_status_hooks, on_ticket_status)
