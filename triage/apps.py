from django.apps import AppConfig


class TriageConfig(AppConfig):
    """Accounts, tickets, the priority engine, SLA clocks and the ranked reads."""

    name = "triage"
    # The policy tables leadership edits in the admin (shared.roles.ensure_groups).
    leadership_admin_models = ("slacalendar", "slatarget", "account")
