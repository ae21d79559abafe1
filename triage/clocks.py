"""SLA clocks in the database (R6): pause rows from the status, and each ticket's clock rows.

Three clocks per customer or pre-sales ticket (internal work has none):

- `first_response`: the contractual target for the ticket's tier and priority, in the SLA
  calendar (premium accounts use the premium calendar); a tier without a contract (free, open
  source, pre-sales) gets the two-hour team goal instead, so every customer has a due time.
  Stops at the first *substantive* reply (`Ticket.first_response_at`).
- `goal`: the team's two-hour first-reply goal, wall-clock time, for every ticket (pre-sales
  included). Tracked for the dashboard; it does not send warnings of its own.
- `next_update`: after the first response, while the ticket is open, the next public reply is
  due within the same target as the first response, counted in the same calendar from the
  *last public reply*. Time waiting on the customer does not count. A new reply stops the
  running next-update clock and starts the next one; resolving or closing stops it.

Every clock pauses while the ticket waits on the customer (a `TicketPause` row, opened and
closed here from the status on every save). Only pauses before the first response move the
first-response clocks, so a due time that was met stays put.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from shared.hours import ALWAYS_OPEN, WeeklyHours
from triage import sla
from triage.models import (
    WARNED_CLOCKS,
    ClockKind,
    EventKind,
    SlaClock,
    Source,
    Status,
    Ticket,
    TicketEvent,
    TicketPause,
)
from triage.selectors import SlaBook

Pause = sla.Pause


@dataclass(frozen=True)
class ClockPlan:
    """What one clock row should hold."""

    kind: str
    started_at: datetime
    target: timedelta
    contractual: bool
    due_at: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None
    answered_at: datetime | None = None  # the reply that stopped it (None: closed or running)


def goal_target() -> timedelta:
    return timedelta(minutes=settings.TEAM_FIRST_REPLY_GOAL_MINUTES)


def first_response_rule(ticket: Ticket, book: SlaBook) -> tuple[WeeklyHours, timedelta, bool]:
    """Return (calendar, target, contractual) of the ticket's first-response clock."""
    premium = bool(ticket.account and ticket.account.premium)
    rule = book.rule(tier=ticket.tier, priority=ticket.priority, premium=premium)
    if rule is None:
        return ALWAYS_OPEN, goal_target(), False
    return rule.hours, rule.target, True


def _before(pauses: Sequence[Pause], instant: datetime | None) -> list[Pause]:
    """Return the pauses that began before `instant` (all of them when it is None)."""
    if instant is None:
        return list(pauses)
    return [(s, e) for s, e in pauses if s < instant]


def plan_clocks(
    *,
    created_at: datetime,
    is_open: bool,
    first_response_at: datetime | None,
    last_reply_at: datetime | None,
    hours: WeeklyHours,
    target: timedelta,
    contractual: bool,
    pauses: Sequence[Pause],
    closed_at: datetime | None,
) -> list[ClockPlan]:
    """Return the clocks a ticket with these facts has (pure: no ORM, no clock reads)."""
    early = _before(pauses, first_response_at)
    stop = first_response_at or (None if is_open else closed_at)
    plans = [
        ClockPlan(
            ClockKind.FIRST_RESPONSE,
            created_at,
            target,
            contractual,
            sla.due_at(hours, created_at, target, early),
            sla.warn_at(hours, created_at, target, early),
            stop,
            first_response_at,
        ),
        ClockPlan(
            ClockKind.GOAL,
            created_at,
            goal_target(),
            False,
            sla.due_at(ALWAYS_OPEN, created_at, goal_target(), early),
            None,
            stop,
            first_response_at,
        ),
    ]
    if first_response_at is not None:
        start = max(last_reply_at or first_response_at, first_response_at)
        plans.append(
            ClockPlan(
                ClockKind.NEXT_UPDATE,
                start,
                target,
                contractual,
                sla.due_at(hours, start, target, pauses),
                sla.warn_at(hours, start, target, pauses),
                None if is_open else closed_at,
            )
        )
    return plans


def ticket_pauses_sync(ticket: Ticket, now: datetime) -> list[Pause]:
    """Open or close the ticket's pause to match its status; return all its pauses."""
    if ticket.pk is None:
        return []
    rows = list(
        TicketPause.objects.filter(ticket_id=ticket.pk).values_list("pk", "started_at", "ended_at")
    )
    waiting = ticket.status == Status.WAITING_ON_CUSTOMER
    open_rows = [r for r in rows if r[2] is None]
    if waiting and not open_rows:
        pause = TicketPause.objects.create(ticket_id=ticket.pk, started_at=now)
        rows.append((pause.pk, now, None))
    elif not waiting and open_rows:
        pk, started, _ = open_rows[0]
        ended = max(now, started)
        TicketPause.objects.filter(pk=pk, ended_at__isnull=True).update(ended_at=ended)
        rows = [(p, s, ended if p == pk else e) for p, s, e in rows]
    return [(s, e) for _, s, e in rows]


def last_public_reply_at(ticket: Ticket) -> datetime | None:
    return (
        TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.REPLY)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


def ticket_clocks_sync(
    ticket: Ticket, *, book: SlaBook, pauses: Sequence[Pause], now: datetime
) -> None:
    """Bring the ticket's clock rows in line with its facts (called after every save)."""
    if ticket.source == Source.INTERNAL:
        return
    hours, target, contractual = first_response_rule(ticket, book)
    existing = {(c.kind, c.started_at): c for c in SlaClock.objects.filter(ticket_id=ticket.pk)}
    closed_at = now
    plans = plan_clocks(
        created_at=ticket.created_at,
        is_open=ticket.is_open,
        first_response_at=ticket.first_response_at,
        last_reply_at=last_public_reply_at(ticket) if ticket.first_response_at else None,
        hours=hours,
        target=target,
        contractual=contractual,
        pauses=pauses,
        closed_at=closed_at,
    )
    wanted = set()
    for plan in plans:
        values = {
            "target_minutes": max(1, int(plan.target.total_seconds() // 60)),
            "contractual": plan.contractual,
            "due_at": plan.due_at,
            "warn_at": plan.warn_at,
            "stopped_at": plan.stopped_at,
            "answered_at": plan.answered_at,
        }
        key = (plan.kind, plan.started_at)
        wanted.add(key)
        row = existing.get(key)
        if row is None:
            SlaClock.objects.create(
                ticket_id=ticket.pk, kind=plan.kind, started_at=plan.started_at, **values
            )
            continue
        if row.stopped_at is not None and plan.stopped_at is not None:
            values["stopped_at"] = row.stopped_at  # a stop already recorded keeps its instant
        changed = {f: v for f, v in values.items() if getattr(row, f) != v}
        if changed:
            SlaClock.objects.filter(pk=row.pk).update(**changed)
    # Older next-update clocks were answered by the reply that started the current one.
    superseded = [c for key, c in existing.items() if key not in wanted and c.stopped_at is None]
    if superseded:
        newest = max((p.started_at for p in plans if p.kind == ClockKind.NEXT_UPDATE), default=now)
        SlaClock.objects.filter(pk__in=[c.pk for c in superseded]).update(
            stopped_at=newest, answered_at=newest
        )


# --- reads: the queue page's near-breach / breach styling ---------------------------------


def _running_warned_clocks():
    from django.db.models import OuterRef, Q

    return (
        SlaClock.objects.filter(
            ticket_id=OuterRef("pk"),
            stopped_at__isnull=True,
            kind__in=WARNED_CLOCKS,
        )
        .filter(Q(due_at__isnull=False) | Q(warn_at__isnull=False))
        .order_by("due_at")
    )


def with_sla_clock(tickets):
    """Annotate tickets with their soonest running clock's `sla_due_at` and `sla_warn_at`.

    Two correlated subqueries in the same SELECT: the queue page stays one query.
    """
    from django.db.models import Subquery

    clocks = _running_warned_clocks()
    return tickets.annotate(
        sla_due_at=Subquery(clocks.values("due_at")[:1]),
        sla_warn_at=Subquery(clocks.values("warn_at")[:1]),
    )


def sla_state(ticket: Ticket, now: datetime) -> str:
    """Return "ok", "near" or "breached" for the ticket's soonest running clock at `now`.

    Uses the `with_sla_clock` annotation when present (no query), else reads the clocks.
    """
    if not ticket.is_open:
        return "ok"
    if hasattr(ticket, "sla_due_at"):
        due, warn = ticket.sla_due_at, ticket.sla_warn_at
    else:
        row = (
            SlaClock.objects.filter(
                ticket_id=ticket.pk,
                stopped_at__isnull=True,
                kind__in=WARNED_CLOCKS,
            )
            .order_by("due_at")
            .values_list("due_at", "warn_at")
            .first()
        )
        due, warn = row or (None, None)
    return sla.clock_state(now, due, warn)
