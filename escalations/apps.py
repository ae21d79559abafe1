from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    """Engineering escalations (R8): support hands over full context, engineering decides."""

    name = "escalations"

    def ready(self) -> None:
        # Imported here, not at the top: the apps registry must be ready before models load.
        from escalations.services import escalation_withdraw_on_move
        from triage import hooks

        # Support moving an escalated ticket on withdraws what engineering has not decided (R8).
        hooks.register(hooks.ticket_left_escalated_hooks, escalation_withdraw_on_move)
