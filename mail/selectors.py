"""Reads for the mail pages: the quarantine list, a ticket's received files."""

from __future__ import annotations

from django.db.models import QuerySet

from triage.models import Attachment, Message, MessageKind, Ticket

QUARANTINE_PAGE = 100


def quarantine_list() -> QuerySet[Message]:
    """Return quarantined messages still held, newest first (the partial index's rows)."""
    return Message.objects.filter(kind=MessageKind.QUARANTINED, released_at__isnull=True).order_by(
        "-at", "-id"
    )


def ticket_attachments(ticket: Ticket) -> list[Attachment]:
    """Return the files received on a ticket's thread, oldest first."""
    return list(
        Attachment.objects.filter(message__ticket=ticket)
        .select_related("message")
        .order_by("message__at", "id")
    )
