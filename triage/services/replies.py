"""Public replies and internal notes; a reply that sums up is the first response (R6)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.errors import Conflict, invalid
from shared.validation import clean_text
from triage.models import EventKind, Status, Ticket, TicketEvent
from triage.services.ranking import locked, ticket_save
from triage.services.timeline import event_record


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    public: bool,
    first_response: bool,
    now: datetime | None = None,
) -> TicketEvent:
    """Add a public reply or an internal note; a summing-up reply is the first response (R6)."""
    # Only the engineer knows whether a reply sums up troubleshooting and next steps: they tick
    # it. An acknowledgement ("we're on it") is a reply too, but it does not stop the clock.
    now = now or timezone.now()
    try:
        body = clean_text(body)
    except ValidationError as error:
        raise invalid(body=error.messages[0]) from None
    if not body:
        raise invalid(body="Write the reply or note first.")
    if first_response and not public:
        raise invalid(
            first_response="Only a public reply to the customer can be the first response."
        )
    ticket = locked(ticket)
    if ticket.status == Status.CLOSED:
        raise Conflict(f"Ticket #{ticket.pk} is closed; reopening is not possible.")
    event = event_record(
        ticket=ticket,
        kind=EventKind.REPLY if public else EventKind.NOTE,
        by=by,
        now=now,
        body=body,
    )
    if public and first_response and ticket.first_response_at is None:
        event_record(
            ticket=ticket,
            kind=EventKind.FIRST_RESPONSE,
            by=by,
            now=now,
            to_value=f"{now.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
            reason="a reply that sums up troubleshooting and next steps",
        )
        ticket.first_response_at = now
    if public:
        ticket_save(ticket, now)  # every public reply restarts the next-update clock (R6)
    return event
