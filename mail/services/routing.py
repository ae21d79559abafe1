"""Where a received message goes: a new ticket, a reply on its thread, or no ticket at all."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from mail.parse import ParsedMail
from shared.text import scrub_line, scrub_text
from triage.models import Channel, Message, MessageKind, Source
from triage.selectors.addresses import account_for_address
from triage.services.intake import ticket_create

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000


def route(message: Message, parsed: ParsedMail, *, now: datetime | None = None) -> str:
    """Give the stored message its kind and ticket; return a note on what happened."""
    now = now or timezone.now()
    if not parsed.from_address:
        return _quarantine(message, "no readable From address: nobody to answer or to map")
    return _open_ticket(message, parsed, now=now)


def _quarantine(message: Message, reason: str) -> str:
    message.kind = MessageKind.QUARANTINED
    message.note = "; ".join(n for n in (message.note, reason) if n)
    message.save(update_fields=["kind", "note"])
    return reason


def _open_ticket(message: Message, parsed: ParsedMail, *, now: datetime) -> str:
    account = account_for_address(parsed.from_address)
    ticket = ticket_create(
        title=scrub_line(parsed.subject, TITLE_MAX) or "(no subject)",
        description=scrub_text(parsed.text)[:DESCRIPTION_MAX],
        source=Source.PRESALES if account and account.tier == "presales" else Source.CUSTOMER,
        account=account,
        by=None,
        now=now,
        channel=Channel.EMAIL,
        requester_email=parsed.from_address,
    )
    message.ticket = ticket
    message.kind = MessageKind.OPENED
    message.save(update_fields=["ticket", "kind"])
    return f"opened ticket #{ticket.pk}"
