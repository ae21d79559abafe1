"""Reads of the ranked queue (R4). The API and the pages share these; tests pin their query counts.

"Ranks above" has one definition, `ranked_above`: the stored rank key, then the id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from shared.precompiled import Precompiled
from triage import rank
from triage.models import OPEN, Ticket
from triage.selectors.sla import with_sla_clock, with_waiting_since


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


def number_one_candidates() -> QuerySet[Ticket]:
    """Return unclaimed open work the team can act on, in rank order, without joins (the
    number one's query, and what claim next hands out).

    Work waiting on the customer is never the number one (R4): its keys sort from
    `rank.ACTIONABLE_BEFORE` on, so the bound is a range on the index, not a filter. An
    unclaimed ticket has no assignee, the API shows the account by id, and a pin's author is
    read only for pinned tickets: this is the hottest query of the app.
    """
    return Ticket.objects.filter(
        OPEN, assignee__isnull=True, rank_key__lt=rank.ACTIONABLE_BEFORE
    ).order_by("rank_key", "id")


def ranked_above(rank_key, pk) -> Q:
    """Tickets that rank above (rank_key, pk): values, or OuterRefs in a subquery. The leading
    `rank_key <= …` is logically redundant: it bounds PostgreSQL's scan of a rank index."""
    return Q(rank_key__lte=rank_key) & (Q(rank_key__lt=rank_key) | Q(id__lt=pk))


def _count(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """One row, one column: how many tickets (COUNT without GROUP BY, usable as a subquery)."""
    return tickets.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")


def _number_one_and_claimed_ahead() -> QuerySet[Ticket]:
    # Every open ticket that ranks above the number one is claimed (else it would be the number
    # one), so its place is 1 + the claimed open tickets above it: a scan of the small
    # `ticket_claimed_rank` index, which PostgreSQL prefers even with a correlated bound.
    claimed_ahead = _count(
        Ticket.objects.filter(OPEN, assignee__isnull=False).filter(
            ranked_above(OuterRef("rank_key"), OuterRef("pk"))
        )
    )
    return number_one_candidates().annotate(
        claimed_ahead=Subquery(claimed_ahead, output_field=IntegerField())
    )[:1]


# GET /queue/next/ is the hottest read: one statement, compiled once (shared.precompiled).
_NUMBER_ONE = Precompiled(_number_one_and_claimed_ahead)
_AHEAD = Precompiled(
    lambda rank_key, pk: _count(Ticket.objects.filter(OPEN).filter(ranked_above(rank_key, pk))),
    rank_key=str,
    pk=int,
)


def queue_number_one() -> Ticket | None:
    """Return the number one unclaimed ticket, or None when there is none.

    Its place in the open queue is on it as `position`: claimed work can rank above it.
    """
    rows = _NUMBER_ONE.rows()
    if not rows:
        return None
    ticket = rows[0]
    ticket.position = ticket.claimed_ahead + 1
    return ticket


def position_of(ticket: Ticket) -> int | None:
    """Return the ticket's 1-based place in the open queue, or None once it is closed."""
    if not ticket.is_open:
        return None
    return _AHEAD.value(rank_key=ticket.rank_key, pk=ticket.pk) + 1


def positions_of(tickets: Sequence[Ticket]) -> dict[int, int]:
    """Return open tickets' places in the open queue, in one query whatever their number.

    One pass over the open tickets ranked above the last of them puts each in a bucket: the
    first of the given tickets it ranks above. A CASE stops at its first true branch, so a
    deep page costs about one comparison per ticket ahead, not one per ticket per row.
    """
    ordered = sorted((t for t in tickets if t.is_open), key=lambda t: (t.rank_key, t.pk))
    if not ordered:
        return {}
    last = ordered[-1]
    bucket = Case(
        *[When(ranked_above(t.rank_key, t.pk), then=Value(i)) for i, t in enumerate(ordered)],
        output_field=IntegerField(),
    )
    counts = dict(
        Ticket.objects.filter(OPEN)
        .filter(ranked_above(last.rank_key, last.pk))
        .order_by()
        .annotate(bucket=bucket)
        .values_list("bucket")
        .annotate(n=Count("id"))
    )
    positions, ahead = {}, 0
    for i, ticket in enumerate(ordered):
        ahead += counts.get(i, 0)
        positions[ticket.pk] = ahead + 1
    return positions


def ticket_above(ticket: Ticket) -> Ticket | None:
    """Return the open ticket ranked just above this one (the partial rank index serves it)."""
    if not ticket.is_open:
        return None
    return (
        Ticket.objects.filter(OPEN)
        .filter(ranked_above(ticket.rank_key, ticket.pk))
        .order_by("-rank_key", "-id")
        .first()
    )


@dataclass(frozen=True)
class QueuePage:
    """One page of the open queue: (place in the whole queue, ticket) rows, and whether more."""

    rows: list[tuple[int, Ticket]]
    has_next: bool

    @property
    def tickets(self) -> list[Ticket]:
        return [ticket for _, ticket in self.rows]


def queue_page(
    *,
    limit: int,
    offset: int = 0,
    priority: str = "",
    tier: str = "",
    assigned: bool | None = None,
    assignee=None,
    sla_clock: bool = False,
) -> QueuePage:
    """Return a page of the open queue in rank order, each ticket with its place in the queue.

    One row past the page says whether there is a next page, without counting the queue. On
    the unfiltered queue a row's place is its offset; with a filter, places come from one
    `positions_of` query. `sla_clock` adds the soonest running clock for near-breach styling
    and, for work waiting on the customer, since when it has waited (`waiting_since`).
    """
    tickets = open_queue()
    if sla_clock:
        tickets = with_waiting_since(with_sla_clock(tickets))
    filtered = False
    if priority:
        tickets, filtered = tickets.filter(priority=priority), True
    if tier:
        tickets, filtered = tickets.filter(tier=tier), True
    if assigned is not None:
        tickets, filtered = tickets.filter(assignee__isnull=not assigned), True
    if assignee is not None:
        tickets, filtered = tickets.filter(assignee=assignee), True
    page = list(tickets[offset : offset + limit + 1])
    has_next, page = len(page) > limit, page[:limit]
    if filtered:
        positions = positions_of(page)
    else:
        positions = {t.pk: offset + i + 1 for i, t in enumerate(page)}
    return QueuePage(rows=[(positions[t.pk], t) for t in page], has_next=has_next)
