"""Sync a ticket's SLA clocks to its facts (R6): pause rows from the status, clock rows from
the plan in `triage.clock_plan`. Called after every ticket save."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from triage import clock_plan
from triage.clock_plan import Pause
from triage.models import ClockKind, SlaClock, Source, Status, Ticket, TicketPause
from triage.selectors.sla import SlaBook


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


def ticket_clocks_sync(
    ticket: Ticket,
    *,
    book: SlaBook,
    pauses: Sequence[Pause],
    now: datetime,
    last_reply_at: datetime | None = None,
) -> None:
    """Bring the ticket's clock rows in line with its facts (called after every save).

    `last_reply_at` is the last public reply (read once by `ticket_save` for the rank too).
    """
    if ticket.source == Source.INTERNAL:
        return
    existing = {(c.kind, c.started_at): c for c in SlaClock.objects.filter(ticket_id=ticket.pk)}
    plans = _plans(ticket, book=book, pauses=pauses, now=now, last_reply_at=last_reply_at)
    wanted = set()
    for plan in plans:
        values = _values(plan)
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


def new_ticket_clocks(ticket: Ticket, *, book: SlaBook, now: datetime) -> list[SlaClock]:
    """Return the unsaved clock rows of a ticket just filed (no pauses, no replies yet): the rows
    `ticket_clocks_sync` would create for it, for filing many tickets in one statement."""
    if ticket.source == Source.INTERNAL:
        return []
    plans = _plans(ticket, book=book, pauses=(), now=now, last_reply_at=None)
    return [
        SlaClock(ticket_id=ticket.pk, kind=p.kind, started_at=p.started_at, **_values(p))
        for p in plans
    ]


def _plans(
    ticket: Ticket,
    *,
    book: SlaBook,
    pauses: Sequence[Pause],
    now: datetime,
    last_reply_at: datetime | None,
) -> list[clock_plan.ClockPlan]:
    premium = bool(ticket.account and ticket.account.premium)
    rule = book.first_response(tier=ticket.tier, priority=ticket.priority, premium=premium)
    return clock_plan.plan_clocks(
        created_at=ticket.created_at,
        is_open=ticket.is_open,
        first_response_at=ticket.first_response_at,
        last_reply_at=last_reply_at if ticket.first_response_at else None,
        hours=rule.hours,
        target=rule.target,
        contractual=rule.contractual,
        pauses=pauses,
        closed_at=now,
        goal=book.goal,
    )


def _values(plan: clock_plan.ClockPlan) -> dict:
    return {
        "target_minutes": max(1, int(plan.target.total_seconds() // 60)),
        "contractual": plan.contractual,
        "due_at": plan.due_at,
        "warn_at": plan.warn_at,
        "stopped_at": plan.stopped_at,
        "answered_at": plan.answered_at,
    }
