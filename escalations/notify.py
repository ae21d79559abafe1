"""Tell support what engineering decided (R8): one e-mail per decision, sent once."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from escalations.models import Decision, EscalationDecision
from shared import roles
from shared.mail import header_text, mail_send


def _recipients(decision: EscalationDecision) -> list[str]:
    """The ticket's assignee, or every support engineer when nobody has it."""
    ticket = decision.escalation.ticket
    if ticket.assignee_id and ticket.assignee.email:
        return [ticket.assignee.email]
    if ticket.assignee_id:
        return []
    users = roles.support_users().exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _message(decision: EscalationDecision) -> tuple[str, str]:
    escalation = decision.escalation
    ticket = escalation.ticket
    # The title is shortened so the decision still fits the subject, and made one line.
    head = f"Escalation #{escalation.pk} of ticket #{ticket.pk} ({header_text(ticket.title, 80)})"
    if decision.decision == Decision.ACCEPT:
        subject = f"{head}: accepted, target {decision.target_date:%Y-%m-%d}"
        body = f"{decision.by.username} accepted it with a target date of {decision.target_date}."
    elif decision.decision == Decision.ASK:
        subject = f"{head}: engineering needs more context"
        body = (
            f"{decision.by.username} asks:\n\n{decision.question}\n\n"
            "Answer on the ticket page; the escalation then returns to engineering's inbox."
        )
    else:
        subject = f"{head}: declined"
        body = f"{decision.by.username} declined it:\n\n{decision.reason}"
    link = reverse("ticket-detail", args=[ticket.pk])
    return header_text(subject), f"{body}\n\nTicket: {link}\nSummary: {escalation.summary}\n"


def escalation_decision_send(decision_id: int) -> bool:
    """Email support about one decision, once; return whether mail went out now."""
    with transaction.atomic():
        decision = (
            EscalationDecision.objects.select_related("by", "escalation__ticket__assignee")
            .select_for_update(of=("self",))
            .filter(pk=decision_id, notified_at__isnull=True)
            .first()
        )
        if decision is None:
            return False  # already sent (or unknown): nothing to do
        recipients = _recipients(decision)
        if recipients:
            subject, body = _message(decision)
            # Sent inside the transaction: a failed send rolls back the marker, a retry resends.
            mail_send(subject=subject, body=body, to=recipients)
        decision.notified_at = timezone.now()
        decision.save(update_fields=["notified_at"])
        return bool(recipients)
