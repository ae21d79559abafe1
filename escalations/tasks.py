"""Background work for escalations: tell support what engineering decided."""

from __future__ import annotations

from celery import shared_task

from escalations.notify import escalation_decision_send


@shared_task(name="triage.escalation_decision_notify", ignore_result=True)
def escalation_decision_notify(decision_id: int) -> None:
    """Tell support about engineering's decision (idempotent). The name predates the app."""
    escalation_decision_send(decision_id)
