"""Claiming the number one: two engineers clicking "claim" at once never get the same ticket."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from triage import status as ticket_status
from triage.models import EventKind, Ticket
from triage.selectors import number_one_candidates
from triage.services import event_record

CLAIM_ATTEMPTS = 50


def queue_claim(*, by: User, now: datetime | None = None) -> Ticket | None:
    """Assign the number one unclaimed ticket to `by` and return it, or None if there is none.

    Work waiting on the customer is never handed out (R4): the candidates are the number
    one's (`number_one_candidates`).

    On PostgreSQL, `SKIP LOCKED` lets concurrent claimers pass over a row another claimer
    holds and take the next one. The conditional UPDATE is the guarantee on every database:
    a row is handed out only if it is still unclaimed at the moment of the write.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    for _ in range(CLAIM_ATTEMPTS):
        with transaction.atomic():
            candidates = number_one_candidates().only("id", "status")
            if skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ticket = candidates.first()
            if ticket is None:
                return None
            status = ticket_status.claim_status(ticket.status)
            changes = {"assignee": by, "updated_at": now}
            if status:
                changes["status"] = status
            won = Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(**changes)
            if not won:
                continue  # someone else took it between our read and our write: try the next
            event_record(
                ticket=ticket,
                kind=EventKind.ASSIGNEE,
                by=by,
                now=now,
                to_value=by.username,
                reason="claimed the number one from the queue",
            )
            if status:
                event_record(
                    ticket=ticket,
                    kind=EventKind.STATUS,
                    by=by,
                    now=now,
                    from_value=ticket.status,
                    to_value=status,
                    reason="claimed",
                )
            return Ticket.objects.select_related("account", "assignee").get(pk=ticket.pk)
    raise RuntimeError("could not claim a ticket after repeated contention")
