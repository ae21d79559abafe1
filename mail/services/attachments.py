"""Attachments of a received message, saved through Django's storage within the limits.

A part over MAIL_ATTACHMENT_MAX, or one that would take the message past
MAIL_MESSAGE_ATTACHMENTS_MAX, is dropped with a note on the timeline; the message itself is
always kept (its raw bytes hold every part).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

from mail.parse import ParsedMail
from triage.models import Attachment, EventKind, Message
from triage.services.timeline import event_record


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KiB"


def stored_name(filename: str) -> str:
    """Return a file name safe for the storage (the original stays on the row)."""
    try:
        name = get_valid_filename(filename)
    except SuspiciousFileOperation:
        name = "attachment"
    stem, dot, ext = name[-60:].rpartition(".")
    return name if len(name) <= 60 else (stem[:50] + dot + ext[:9] if dot else name[:60])


def attachments_save(*, message: Message, parsed: ParsedMail, now: datetime) -> list[Attachment]:
    """Save the message's attachments within the limits; note each part dropped."""
    each_max = settings.MAIL_ATTACHMENT_MAX
    total_max = settings.MAIL_MESSAGE_ATTACHMENTS_MAX
    kept, dropped, total = [], [], 0
    for part in parsed.attachments:
        size = len(part.content)
        name = part.filename or "attachment"
        if size > each_max:
            dropped.append(f"{name} ({_size(size)}: over the {_size(each_max)} limit per file)")
            continue
        if total + size > total_max:
            dropped.append(
                f"{name} ({_size(size)}: the message's files would pass {_size(total_max)})"
            )
            continue
        total += size
        row = Attachment(
            message=message, filename=name, content_type=part.content_type[:255], size=size
        )
        row.file.save(stored_name(name), ContentFile(part.content), save=False)
        row.save()
        kept.append(row)
    if dropped:
        note = "Dropped attachments: " + "; ".join(dropped)
        message.note = "; ".join(n for n in (message.note, note) if n)
        message.save(update_fields=["note"])
        if message.ticket_id:
            event_record(
                ticket=message.ticket,
                kind=EventKind.MAIL,
                by=None,
                now=now,
                reason=note + ". The raw message keeps them.",
            )
    return kept
