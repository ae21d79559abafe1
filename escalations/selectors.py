"""Reads for escalations: engineering's ranked inbox, lists for the API, a ticket's panel."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from escalations.models import Escalation, EscalationDecision, EscalationState
from shared.precompiled import Precompiled
from triage.models import Ticket

_RELATED = ("ticket", "ticket__account", "ticket__assignee", "created_by")


def escalations_with_context() -> QuerySet[Escalation]:
    """Return escalations with their ticket, account, people and decisions loaded."""
    return Escalation.objects.select_related(*_RELATED).prefetch_related(
        Prefetch("decisions", queryset=EscalationDecision.objects.select_related("by"))
    )


def engineering_inbox() -> QuerySet[Escalation]:
    """Return escalations awaiting engineering: drop-everything first, then the queue's rank.

    Only on open tickets: once support resolves or closes the ticket there is nothing left to
    decide, and reopening it puts its escalation back in the inbox.
    """
    return (
        escalations_with_context()
        .filter(state=EscalationState.OPEN, ticket__in_queue=True)
        .order_by("urgency", "ticket__rank_key", "ticket__id")
    )


def engineering_scheduled() -> QuerySet[Escalation]:
    """Return accepted escalations whose ticket is still open: soonest target date first.

    Engineering keeps sight of what it accepted until support resolves the ticket.
    """
    return (
        escalations_with_context()
        .filter(state=EscalationState.ACCEPTED, ticket__in_queue=True)
        .order_by("target_date", "ticket__rank_key", "ticket__id")
    )


def escalations_waiting_on_support() -> QuerySet[Escalation]:
    """Return escalations engineering sent back to support with a question (open tickets)."""
    return (
        escalations_with_context()
        .filter(state=EscalationState.NEEDS_CONTEXT, ticket__in_queue=True)
        .order_by("urgency", "ticket__rank_key", "ticket__id")
    )


def escalation_list(*, state: str | None = None) -> QuerySet[Escalation]:
    """Return escalations for the API; open ones in inbox order, the rest newest first."""
    qs = escalations_with_context()
    if state:
        qs = qs.filter(state=state)
    if state in (EscalationState.OPEN, EscalationState.NEEDS_CONTEXT):
        return qs.order_by("urgency", "ticket__rank_key", "ticket__id")
    return qs.order_by("-updated_at", "-id")


# Every ticket page reads it: compiled once (shared.precompiled, issue 14).
_TICKET_ESCALATIONS = Precompiled(
    lambda ticket: (
        Escalation.objects.filter(ticket_id=ticket)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    ),
    ticket=int,
)


def ticket_escalations(ticket: Ticket) -> list[Escalation]:
    """Return the ticket's escalations, newest first, with their decisions.

    The ticket page has the ticket with its account and assignee already: each escalation gets
    that object instead of joining them again (issue 14). A ticket read with `has_escalations`
    false (`visible_ticket`) has none: nothing is read.
    """
    if getattr(ticket, "has_escalations", True) is False:
        return []
    escalations = _TICKET_ESCALATIONS.rows(ticket=ticket.pk)
    if escalations:
        prefetch_related_objects(
            escalations,
            Prefetch("decisions", queryset=EscalationDecision.objects.select_related("by")),
        )
    for escalation in escalations:
        escalation.ticket = ticket
    return escalations
