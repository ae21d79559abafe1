"""Reads for the mail pages: the quarantine list."""

from __future__ import annotations

from django.db.models import QuerySet

from triage.models import Message, MessageKind

QUARANTINE_PAGE = 100


def quarantine_list() -> QuerySet[Message]:
    """Return quarantined messages still held, newest first (the partial index's rows)."""
    return Message.objects.filter(kind=MessageKind.QUARANTINED, released_at__isnull=True).order_by(
        "-at", "-id"
    )
