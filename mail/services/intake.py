"""The inbound pipeline's entry point: one received message, committed exactly once (issue 13).

IMAP polling, the MTA pipe (`manage.py receive_mail`) and providers' webhooks all call
`receive`. The Message row (with the raw bytes in Django's storage) and whatever the message
does (a ticket, a reply, a bounce) commit together; the unique Message-ID makes a second
delivery of the same message a no-op, even when two deliveries race.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from mail.parse import ParsedMail, parse_message
from mail.services.routing import route
from triage.models import Direction, Message, MessageKind

DUPLICATE = "duplicate"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """What became of one received message."""

    message_id: str
    kind: str  # a MessageKind value, or "duplicate"
    ticket_id: int | None
    created: bool
    note: str = ""


def receive(raw: bytes, *, source: str, now: datetime | None = None) -> Outcome:
    """Take one received message's bytes through the pipeline; commit it once.

    Never raises for what the message holds (bad input is kept, as a ticket with what could be
    read or in quarantine); a database that is away raises, so the caller can retry.
    """
    return receive_parsed(raw, parse_message(raw), source=source, now=now or timezone.now())


def receive_parsed(raw: bytes, parsed: ParsedMail, *, source: str, now: datetime) -> Outcome:
    """`receive` for a message already parsed (the chunk path sends its exceptions here)."""
    existing = _existing(parsed.message_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message = _store(parsed, raw, source=source, now=now)
            try:
                with transaction.atomic():
                    return _route(message, parsed, now=now)
            except (OperationalError, InterfaceError):
                raise  # the database is away: nothing is kept, the caller retries
            except Exception as error:  # noqa: BLE001 - bad input never loses a message
                logger.exception("mail %s quarantined: the pipeline failed", parsed.message_id)
                return _quarantine_failed(message, error)
    except IntegrityError:
        # A concurrent delivery of the same message committed first (message_id is unique).
        existing = _existing(parsed.message_id)
        if existing is None:
            raise
        return existing


def _quarantine_failed(message: Message, error: Exception) -> Outcome:
    """Keep a message the pipeline could not take in quarantine, with why (its raw is kept)."""
    reason = f"the pipeline failed: {type(error).__name__}: {error}"[:1000]
    message.ticket = None
    message.kind = MessageKind.QUARANTINED
    message.note = "; ".join(n for n in (reason, message.note) if n)
    message.save(update_fields=["ticket", "kind", "note"])
    return Outcome(
        message_id=message.message_id,
        kind=message.kind,
        ticket_id=None,
        created=True,
        note=reason,
    )


def _existing(message_id: str) -> Outcome | None:
    row = Message.objects.filter(message_id=message_id).values_list("ticket_id", flat=True)
    found = list(row[:1])
    if not found:
        return None
    return Outcome(message_id=message_id, kind=DUPLICATE, ticket_id=found[0], created=False)


def _store(parsed: ParsedMail, raw: bytes, *, source: str, now: datetime) -> Message:
    """Insert the Message row first: a racing duplicate stops here, before any other write."""
    message = message_new(parsed, raw, source=source, now=now)
    with transaction.atomic():
        message.save(force_insert=True)
    return message


def message_new(parsed: ParsedMail, raw: bytes, *, source: str, now: datetime) -> Message:
    """Return the unsaved row of a received message, its raw bytes saved in the storage."""
    message = Message(
        direction=Direction.INBOUND,
        kind=MessageKind.QUARANTINED,  # until routed, within this transaction
        source=source,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to[:998],
        references=" ".join(parsed.references),
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        to=", ".join(parsed.to),
        subject=parsed.subject,
        text=parsed.text,
        html=parsed.html,
        at=now,
        date_header=parsed.date,
        note="; ".join(parsed.problems),
    )
    raw_keep(message, raw)
    return message


def raw_keep(message: Message, raw: bytes) -> None:
    """Save the raw bytes under a name made of their hash, once: a delivery that is received
    again (a chunk received one by one after it failed, a retry after the database was away)
    finds its file and reuses it instead of leaving a copy nobody points to."""
    filename = f"{hashlib.sha256(raw).hexdigest()[:32]}.eml"
    field = message.raw
    name = field.field.generate_filename(message, filename)
    if field.storage.exists(name) and field.storage.size(name) == len(raw):
        field.name = name
    else:
        field.save(filename, ContentFile(raw), save=False)


def _route(message: Message, parsed: ParsedMail, *, now: datetime) -> Outcome:
    routed = route(message, parsed, now=now)
    return Outcome(
        message_id=message.message_id,
        kind=message.kind,
        ticket_id=message.ticket_id,
        created=True,
        note=routed,
    )
