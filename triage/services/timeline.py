"""The timeline (R10): every change to a ticket is one row, with who, when, what and why."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from shared.text import scrub_line, scrub_text
from triage.models import Ticket, TicketEvent


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    by: User | None,
    now: datetime,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    body: str = "",
) -> TicketEvent:
    """Add one line to the ticket's timeline.

    Its text is made inert here too, whoever calls (pages, the API, mail, commands): values on
    one line, reasons and bodies without controls or direction overrides (shared.text).
    """
    event = event_new(
        ticket=ticket,
        kind=kind,
        by=by,
        now=now,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        body=body,
    )
    event.save(force_insert=True)
    return event


def event_new(
    *,
    ticket: Ticket,
    kind: str,
    by: User | None,
    now: datetime,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    body: str = "",
) -> TicketEvent:
    """Return one unsaved timeline line, its text made inert (for saving many at once)."""
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=by,
        at=now,
        from_value=scrub_line(from_value)[:200],
        to_value=scrub_line(to_value)[:200],
        reason=scrub_text(reason),
        body=scrub_text(body),
    )
