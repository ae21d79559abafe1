"""Template helper for the escalation panel on the ticket page."""

from __future__ import annotations

from django import template

from escalations import gate
from escalations.forms import AnswerForm, EscalateForm
from escalations.models import EscalationState
from escalations.selectors import ticket_escalations
from shared import roles
from triage.models import Status

register = template.Library()


@register.simple_tag
def escalation_panel(ticket, user) -> dict:
    """Return what the ticket page's escalation panel shows to this user."""
    if not roles.has_role(user, roles.SUPPORT, roles.ENGINEERING, roles.LEADERSHIP):
        return {"visible": False}
    escalations = ticket_escalations(ticket)
    pending = next((e for e in escalations if e.is_pending), None)
    is_support = roles.has_role(user, roles.SUPPORT)
    can_escalate = is_support and pending is None and not gate.status_problem(ticket.status)
    answers = is_support and any(e.state == EscalationState.NEEDS_CONTEXT for e in escalations)
    return {
        "visible": True,
        "escalations": escalations,
        "pending": pending,
        "is_support": is_support,
        "can_escalate": can_escalate,
        "needs_triage": ticket.status == Status.NEW,
        # Built only when the panel shows them: a form's fields are copied per instance.
        "form": EscalateForm() if can_escalate else None,
        "answer_form": AnswerForm() if answers else None,
    }
