"""Reads of a ticket's mail thread (issue 13): its messages with their attachments."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from triage.models import Attachment, Message, Ticket


def ticket_messages(ticket: Ticket) -> QuerySet[Message]:
    """Return the messages on the ticket's thread, oldest first, attachments prefetched.

    Whoever may read the ticket reads its thread: every message on it is the customer's or
    was sent to the customer (internal notes are timeline events, not mail).
    """
    return (
        Message.objects.filter(ticket=ticket)
        .defer("raw", "html")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("id")))
        .order_by("at", "id")
    )


def ticket_attachment(ticket: Ticket, pk: int) -> Attachment:
    """Return one attachment of a message on this ticket's thread (DoesNotExist otherwise)."""
    return Attachment.objects.select_related("message").get(pk=pk, message__ticket=ticket)
