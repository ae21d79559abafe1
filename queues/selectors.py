"""Reads of the ranked queue. The API and the pages share these; tests pin their query counts."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet

from triage.models import OPEN, Ticket


def open_queue() -> QuerySet[Ticket]:
    """Return open work in rank order (R4): the partial index `ticket_open_rank` serves it."""
    return (
        Ticket.objects.filter(OPEN)
        .select_related("account", "assignee", "pinned_by")
        .order_by("rank_key", "id")
    )


def unclaimed_queue() -> QuerySet[Ticket]:
    """Return open work nobody has claimed, in rank order (index `ticket_unclaimed_rank`)."""
    return open_queue().filter(assignee__isnull=True)


def queue_number_one() -> Ticket | None:
    """Return the number one unclaimed ticket, or None when there is none."""
    return unclaimed_queue().first()


def _ahead_of(ticket: Ticket) -> Q:
    return Q(rank_key__lt=ticket.rank_key) | Q(rank_key=ticket.rank_key, id__lt=ticket.pk)


def position_of(ticket: Ticket) -> int | None:
    """Return the ticket's 1-based place in the open queue, or None once it is closed."""
    if not ticket.is_open:
        return None
    return Ticket.objects.filter(OPEN).filter(_ahead_of(ticket)).count() + 1


def positions_of(tickets: Sequence[Ticket]) -> dict[int, int]:
    """Return open tickets' places in the open queue, in one query whatever their number."""
    open_tickets = [t for t in tickets if t.is_open]
    if not open_tickets:
        return {}
    last = max(open_tickets, key=lambda t: (t.rank_key, t.pk))
    counts = (
        Ticket.objects.filter(OPEN)
        .filter(_ahead_of(last) | Q(pk=last.pk))
        .aggregate(**{f"t{t.pk}": Count("id", filter=_ahead_of(t)) for t in open_tickets})
    )
    return {t.pk: counts[f"t{t.pk}"] + 1 for t in open_tickets}
