"""Reads of a ticket's mail thread (issue 13): its messages with their attachments."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from shared.precompiled import Precompiled
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


# The ticket page reads its thread on every render: compiled once (shared.precompiled, issue 14).
_THREAD = Precompiled(
    lambda ticket: (
        Message.objects.filter(ticket_id=ticket).defer("raw", "html").order_by("at", "id")
    ),
    ticket=int,
)


def ticket_thread(ticket: Ticket) -> list[Message]:
    """Return `ticket_messages` as a list for the ticket page: one read, and one more for the
    attachments only when there are messages; none when the ticket was read with
    `has_messages` false (`visible_ticket`)."""
    if getattr(ticket, "has_messages", True) is False:
        return []
    messages = _THREAD.rows(ticket=ticket.pk)
    if messages:
        prefetch_related_objects(
            messages, Prefetch("attachments", queryset=Attachment.objects.order_by("id"))
        )
    return messages


def ticket_attachment(ticket: Ticket, pk: int) -> Attachment:
    """Return one attachment of a message on this ticket's thread (DoesNotExist otherwise)."""
    return Attachment.objects.select_related("message").get(pk=pk, message__ticket=ticket)
