"""Every ticket write ends here: the rank (R4), due times and clocks (R6) follow the facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from triage import clock_plan, priority, rank
from triage.models import Source, Ticket
from triage.selectors.sla import SlaBook, last_public_reply_at, sla_book
from triage.services import clocks


def ticket_refresh_rank(
    ticket: Ticket,
    *,
    book: SlaBook,
    pauses: Sequence[clock_plan.Pause] = (),
    last_reply_at: datetime | None = None,
) -> None:
    """Recompute the suggested priority, due times and stored rank from the ticket's facts.

    `pauses` are the ticket's waits on the customer (R6): the clocks stop during them. Only
    pauses before the first response move the first-response due times (triage.clock_plan).
    `last_reply_at` (the last public reply) starts the next update's clock once answered.
    """
    ticket.suggested_priority = priority.suggested_priority(
        source=ticket.source, tier=ticket.tier, severity=ticket.severity or None
    )
    ticket.due_at = ticket.next_update_due_at = None
    if ticket.source != Source.INTERNAL:
        premium = bool(ticket.account and ticket.account.premium)
        rule = book.first_response(tier=ticket.tier, priority=ticket.priority, premium=premium)
        ticket.due_at, ticket.goal_due_at = clock_plan.first_response_due(
            created_at=ticket.created_at,
            first_response_at=ticket.first_response_at,
            rule=rule,
            pauses=pauses,
            goal=book.goal,
        )
        if ticket.is_open:
            ticket.next_update_due_at = clock_plan.next_update_due(
                first_response_at=ticket.first_response_at,
                last_reply_at=last_reply_at,
                rule=rule,
                pauses=pauses,
            )
    ticket.rank_key = rank.rank_key(ticket.facts())


def locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so concurrent changes apply one after the other."""
    return (
        Ticket.objects.select_related("account").select_for_update(of=("self",)).get(pk=ticket.pk)
    )


def ticket_check_fields(ticket: Ticket) -> None:
    """Check a ticket's fields before it is written, or raise ValidationError.

    Field checks only: the database enforces the CheckConstraints itself, and Django would
    spend a query (and two savepoints) per constraint on every ticket write to re-check them.
    The cross-field rules (source vs account, a pin's reason) are the services' own checks.
    """
    ticket.full_clean(
        exclude=["account", "assignee", "pinned_by", "created_by"], validate_constraints=False
    )


def ticket_save(ticket: Ticket, now: datetime, book: SlaBook | None = None) -> None:
    """Save a ticket with its rank, due times and SLA clocks brought up to date."""
    book = book or sla_book(now)
    pauses = clocks.ticket_pauses_sync(ticket, now)
    answered = ticket.pk is not None and ticket.first_response_at is not None
    last_reply = last_public_reply_at(ticket) if answered else None
    ticket_refresh_rank(ticket, book=book, pauses=pauses, last_reply_at=last_reply)
    ticket.updated_at = now
    ticket_check_fields(ticket)
    ticket.save()
    clocks.ticket_clocks_sync(ticket, book=book, pauses=pauses, now=now, last_reply_at=last_reply)
