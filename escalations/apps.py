from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    """Engineering escalations (R8): support hands over full context, engineering decides."""

    name = "escalations"

    def ready(self) -> None:
        # Imported here, not at the top: the apps registry must be ready before models load.
        from django.db.models import Exists, OuterRef

        from escalations.models import Escalation
        from escalations.services import escalation_withdraw_on_move
        from triage import hooks

        # Support moving an escalated ticket on withdraws what engineering has not decided (R8).
        hooks.register(hooks.ticket_left_escalated_hooks, escalation_withdraw_on_move)
        # The ticket page reads whether the ticket has escalations with the ticket itself, and
        # reads them only when it has (most tickets have none: issue 14).
        hooks.ticket_page_flags["has_escalations"] = lambda: Exists(
            Escalation.objects.filter(ticket_id=OuterRef("pk"))
        )
