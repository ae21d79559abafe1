"""Reading the corpus and faking what we sent, for the mail tests."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone

from triage.models import Direction, Message, MessageKind, MessageSource, Ticket

CORPUS = Path(__file__).resolve().parent / "corpus"


def corpus(name: str, ticket: Ticket | None = None) -> bytes:
    """Return a corpus message's bytes; its "[#1001]" tag names `ticket` when given."""
    raw = (CORPUS / f"{name}.eml").read_bytes()
    if ticket is not None:
        raw = raw.replace(b"[#1001]", f"[#{ticket.pk}]".encode())
    return raw


def sent(ticket: Ticket, message_id: str, *, to: str = "") -> Message:
    """Record a message we sent on the ticket's thread (what outbound mail stores)."""
    return Message.objects.create(
        ticket=ticket,
        direction=Direction.OUTBOUND,
        kind=MessageKind.NOTICE,
        source=MessageSource.APP,
        message_id=message_id,
        to=to,
        subject=f"[#{ticket.pk}] {ticket.title}",
        text="Hello, we are looking into it.",
        at=timezone.now(),
    )
