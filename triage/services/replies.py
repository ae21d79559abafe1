"""Public replies and internal notes; a reply that sums up is the first response (R6).

A public reply goes to the customer by mail too (issue 13), on the ticket's thread: to the
address the customer wrote from, else the account's contact address (`reply_recipient`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from shared.errors import Conflict, invalid
from shared.validation import clean_text
from triage.models import EventKind, MessageKind, Status, Ticket, TicketEvent
from triage.services.outbound import thread_send
from triage.services.ranking import locked, ticket_save
from triage.services.timeline import event_record

logger = logging.getLogger(__name__)


def reply_recipient(ticket: Ticket) -> str:
    """Return where a public reply goes: the customer who wrote, else the account's contact
    address; "" when the ticket has neither (internal work, an account without a contact)."""
    if ticket.requester_email:
        return ticket.requester_email
    return ticket.account.contact_email if ticket.account_id else ""


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
        _reply_mail(ticket, body, now)
    return event


def _reply_mail(ticket: Ticket, body: str, now: datetime) -> None:
    """Send the public reply to the customer on the ticket's thread, when it commits; the mail
    is dated as the reply (its timeline line)."""
    recipient = reply_recipient(ticket)
    if not recipient:
        return
    try:
        thread_send(
            ticket=ticket,
            kind=MessageKind.PUBLIC_REPLY,
            to=recipient,
            subject=f"Re: {ticket.title}",
            body=body,
            now=now,
        )
    except ValueError:
        # A stored address that is not exactly one (rows from before the checks): the reply
        # stands on the timeline; support sees no mail on the thread.
        logger.warning("public reply on ticket #%s not mailed: bad recipient", ticket.pk)
