"""Releasing a quarantined message: leadership or support runs it through the pipeline as a
ticket with what could be read, and the release is recorded on the message (issue 13)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from mail.parse import parse_message
from mail.services.routing import route
from shared.errors import Conflict
from triage.models import EventKind, Message, MessageKind
from triage.services.timeline import event_record


@transaction.atomic
def quarantine_release(*, message: Message, by: User, now: datetime | None = None) -> Message:
    """Make a ticket of a quarantined message (or thread it as a reply); record who released it."""
    now = now or timezone.now()
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.kind != MessageKind.QUARANTINED or message.released_at is not None:
        raise Conflict("This message is not in quarantine any more.")
    with message.raw.open("rb") as raw:
        parsed = parse_message(raw.read())
    message.released_at, message.released_by = now, by
    message.save(update_fields=["released_at", "released_by"])
    try:
        with transaction.atomic():
            route(message, parsed, now=now, release=True)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:  # noqa: BLE001 - it stays held, the page says why
        raise Conflict(
            f"It still cannot be made a ticket ({type(error).__name__}: {error}); it stays held."
        ) from error
    if message.ticket_id:
        event_record(
            ticket=message.ticket,
            kind=EventKind.MAIL,
            by=by,
            now=now,
            reason=f"Released from quarantine (it was held: {message.note[:300]})",
        )
    return message
