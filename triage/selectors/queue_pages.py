"""The queue page's and GET /queue/'s page of the open queue (R4), each ticket with its place.

Both are precompiled reads (shared.precompiled): building and compiling them through the ORM
cost more than PostgreSQL takes to answer (issue 14). Places come from `triage.selectors.ranked`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db.models import F, QuerySet

from shared.precompiled import Precompiled
from triage.models import OPEN, Ticket
from triage.selectors.ranked import open_queue, positions_of
from triage.selectors.sla import with_sla_clock, with_waiting_since


def _api_page(assigned: bool | None) -> Precompiled:
    def build() -> QuerySet[Ticket]:
        tickets = Ticket.objects.filter(OPEN)
        if assigned is not None:
            tickets = tickets.filter(assignee__isnull=not assigned)
        return tickets.annotate(
            assignee_username=F("assignee__username"), pinned_by_username=F("pinned_by__username")
        ).order_by("rank_key", "id")

    return Precompiled(build, paged=True)


# GET /queue/ (all, claimed, unclaimed): a page of the open queue, compiled once each.
_API_PAGES = {assigned: _api_page(assigned) for assigned in (None, False, True)}


@cache
def _queue_page_read(
    priority: bool, tier: bool, assigned: bool | None, mine: bool
) -> Precompiled[Ticket]:
    """The queue page's read for one combination of its filters, compiled once per process.

    The page's rows show the account's name, the assignee's and the pin author's usernames:
    read as columns (`account_name`, `assignee_username`, `pinned_by_username`) instead of
    related rows, with the SLA clock and waiting-since annotations. Building and compiling
    this queryset through the ORM cost about 5 ms of Python per render (issue 14).
    """
    wanted = (("priority", str, priority), ("tier", str, tier), ("me", int, mine))
    params = {name: kind for name, kind, used in wanted if used}

    def build(**values) -> QuerySet[Ticket]:
        tickets = _filtered(
            Ticket.objects.filter(OPEN),
            priority=values.get("priority", ""),
            tier=values.get("tier", ""),
            assigned=assigned,
            assignee_id=values.get("me"),
        )
        return (
            with_waiting_since(with_sla_clock(tickets))
            .annotate(
                account_name=F("account__name"),
                assignee_username=F("assignee__username"),
                pinned_by_username=F("pinned_by__username"),
            )
            .order_by("rank_key", "id")
        )

    return Precompiled(build, paged=True, **params)


def _filtered(
    tickets: QuerySet[Ticket],
    *,
    priority: str,
    tier: str,
    assigned: bool | None,
    assignee_id: int | None,
) -> QuerySet[Ticket]:
    """The queue's filters: a priority, a tier, claimed or not, one engineer's work."""
    if priority:
        tickets = tickets.filter(priority=priority)
    if tier:
        tickets = tickets.filter(tier=tier)
    if assigned is not None:
        tickets = tickets.filter(assignee__isnull=not assigned)
    if assignee_id is not None:
        tickets = tickets.filter(assignee_id=assignee_id)
    return tickets


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
    accounts: bool = True,
) -> QueuePage:
    """Return a page of the open queue in rank order, each ticket with its place in the queue.

    One row past the page says whether there is a next page, without counting the queue. On
    the unfiltered queue a row's place is its offset; with a filter, places come from one
    `positions_of` query. `sla_clock` adds the soonest running clock for near-breach styling
    and, for work waiting on the customer, since when it has waited (`waiting_since`).
    Without `accounts` (the API shows the account's id) and other filters than `assigned`, the
    page is one precompiled read whose tickets carry `assignee_username` and
    `pinned_by_username` instead of the related users. With `sla_clock` (the queue page), it is
    one precompiled read per combination of filters whose tickets also carry `account_name`.
    """
    filtered = bool(priority or tier or assigned is not None or assignee is not None)
    if not (accounts or sla_clock or priority or tier or assignee is not None):
        # The API's page: one precompiled read, usernames instead of related rows.
        page = _API_PAGES[assigned].rows(limit=limit + 1, offset=offset)
    elif sla_clock:
        # The queue page: one precompiled read, names instead of related rows.
        read = _queue_page_read(bool(priority), bool(tier), assigned, assignee is not None)
        values = {"priority": priority, "tier": tier}
        if assignee is not None:
            values["me"] = assignee.pk
        page = read.rows(limit=limit + 1, offset=offset, **values)
    else:
        tickets = _filtered(
            open_queue(),
            priority=priority,
            tier=tier,
            assigned=assigned,
            assignee_id=assignee.pk if assignee is not None else None,
        )
        page = list(tickets[offset : offset + limit + 1])
    has_next, page = len(page) > limit, page[:limit]
    if filtered:
        positions = positions_of(page)
    else:
        positions = {t.pk: offset + i + 1 for i, t in enumerate(page)}
    return QueuePage(rows=[(positions[t.pk], t) for t in page], has_next=has_next)
