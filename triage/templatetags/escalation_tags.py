"""Template helpers for the escalation panel on the ticket page and the nav link."""

from __future__ import annotations

from django import template

from shared import roles
from triage.escalation_forms import AnswerForm, EscalateForm
from triage.escalation_selectors import ticket_escalations
from triage.models import Status
from triage.services import TRANSITIONS

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    return roles.has_role(user, role)


@register.simple_tag
def escalation_panel(ticket, user) -> dict:
    """Return what the ticket page's escalation panel shows to this user."""
    if not roles.has_role(user, roles.SUPPORT, roles.ENGINEERING, roles.LEADERSHIP):
        return {"visible": False}
    escalations = ticket_escalations(ticket)
    pending = next((e for e in escalations if e.is_pending), None)
    is_support = roles.has_role(user, roles.SUPPORT)
    escalatable = ticket.status == Status.ESCALATED or Status.ESCALATED in TRANSITIONS.get(
        ticket.status, ()
    )
    return {
        "visible": True,
        "escalations": escalations,
        "pending": pending,
        "is_support": is_support,
        "can_escalate": is_support and pending is None and escalatable,
        "needs_triage": ticket.status == Status.NEW,
        "form": EscalateForm(),
        "answer_form": AnswerForm(),
    }
