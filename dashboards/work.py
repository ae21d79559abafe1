"""The dashboard's figures about the work itself: open work, attainment, response times, backlog.

Definitions (also shown on the page):
- *Open work* is every open ticket (internal work included), by priority × tier; the oldest
  age is `now - created_at` of the oldest ticket in the cell.
- *First-response attainment* counts tickets filed in the window. A ticket **met** its
  target when its first substantive reply came at or before the due time; it **missed**
  when the due time passed before that reply (or is still unanswered past due). Tickets not
  yet due, waiting on the customer, or closed before their due time without a reply are not
  counted. Attainment = met ÷ (met + missed). "Contractual" uses each ticket's SLA target
  (tiers with a contract only); "two-hour goal" uses the team goal for every customer and
  pre-sales ticket.
- *First-response time* is wall-clock time from filing to the first substantive reply, for
  customer and pre-sales tickets filed in the window and answered; median and 90th
  percentile as PostgreSQL's `percentile_cont` (linear interpolation).
- *Backlog* is the number of open tickets at the end of each UTC day, rebuilt backwards from
  today's count with the tickets filed, resolved/closed and reopened each day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, Min, Q, Value
from django.db.models.functions import Coalesce

from dashboards.sql import PercentileCont, Seconds, UtcDate
from triage import sla
from triage.models import (
    OPEN,
    OPEN_STATUSES,
    ClockKind,
    EventKind,
    Level,
    SlaClock,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)

WINDOWS = (7, 30)
TREND_DAYS = 30


def minutes(delta: timedelta | None) -> int | None:
    return None if delta is None else int(delta.total_seconds() // 60)


# --- open work by priority × tier -----------------------------------------------------------


def open_matrix(now: datetime) -> dict:
    """Return open work counts and the oldest age (minutes) per priority × tier, one query."""
    cells = {
        (row["priority"], row["tier"]): row
        for row in Ticket.objects.filter(OPEN)
        .values("priority", "tier")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by()
    }
    rows = []
    for priority in Level.values:
        row_cells = []
        for tier in Tier.values:
            cell = cells.get((priority, tier))
            row_cells.append(
                {
                    "tier": tier,
                    "count": cell["count"] if cell else 0,
                    "oldest_minutes": minutes(now - cell["oldest"]) if cell else None,
                }
            )
        rows.append(
            {"priority": priority, "cells": row_cells, "total": sum(c["count"] for c in row_cells)}
        )
    return {
        "tiers": [{"value": v, "label": label} for v, label in Tier.choices],
        "rows": rows,
        "total": sum(r["total"] for r in rows),
    }


# --- first-response attainment ----------------------------------------------------------------


def attainment(now: datetime) -> dict:
    """Return met / missed / attainment for contractual targets and the goal, 7 and 30 days.

    One aggregate over the clocks' covering index (`clock_kind_start`): no join to tickets.
    """
    met = Q(answered_at__isnull=False, due_at__isnull=False, answered_at__lte=F("due_at"))
    missed = Q(due_at__isnull=False) & Q(
        due_at__lt=Coalesce(F("answered_at"), F("stopped_at"), Value(now))
    )
    targets = {
        "contractual": Q(kind=ClockKind.FIRST_RESPONSE, contractual=True),
        "goal": Q(kind=ClockKind.GOAL),
    }
    aggregates = {}
    for days in WINDOWS:
        since = Q(started_at__gte=now - timedelta(days=days), started_at__lte=now)
        for name, target in targets.items():
            aggregates[f"{name}_{days}_met"] = Count("started_at", filter=since & target & met)
            aggregates[f"{name}_{days}_missed"] = Count(
                "started_at", filter=since & target & missed
            )
    totals = (
        SlaClock.objects.filter(
            kind__in=(ClockKind.FIRST_RESPONSE, ClockKind.GOAL),
            started_at__gte=now - timedelta(days=max(WINDOWS)),
            started_at__lte=now,
        )
        .order_by()
        .aggregate(**aggregates)
    )
    result = []
    for name in targets:
        for days in WINDOWS:
            m, x = totals[f"{name}_{days}_met"], totals[f"{name}_{days}_missed"]
            result.append(
                {
                    "target": name,
                    "days": days,
                    "met": m,
                    "missed": x,
                    "attainment": round(m / (m + x), 4) if m + x else None,
                }
            )
    return {"rows": result}


# --- first-response time percentiles ---------------------------------------------------------


def _response_seconds():
    return Seconds("answered_at", "started_at")


def _answered_since(now: datetime):
    """Return the goal clocks (one per customer and pre-sales ticket) answered in the window."""
    return SlaClock.objects.filter(
        kind=ClockKind.GOAL,
        answered_at__isnull=False,
        started_at__gte=now - timedelta(days=max(WINDOWS)),
        started_at__lte=now,
    ).order_by()


def response_times(now: datetime) -> dict:
    """Return median and 90th-percentile first-response minutes for 7 and 30 days, one query."""
    rows = []
    if connection.vendor == "postgresql":
        aggregates = {}
        for days in WINDOWS:
            since = Q(started_at__gte=now - timedelta(days=days))
            aggregates[f"n_{days}"] = Count("started_at", filter=since)
            for label, fraction in (("median", 0.5), ("p90", 0.9)):
                aggregates[f"{label}_{days}"] = PercentileCont(
                    _response_seconds(), fraction, filter=since
                )
        values = _answered_since(now).aggregate(**aggregates)
        for days in WINDOWS:
            rows.append(
                {
                    "days": days,
                    "answered": values[f"n_{days}"],
                    "median_minutes": _round_minutes(values[f"median_{days}"]),
                    "p90_minutes": _round_minutes(values[f"p90_{days}"]),
                }
            )
        return {"rows": rows}
    # Other databases: one ordered query of the 30-day values, percentiles computed here.
    answered = list(
        _answered_since(now)
        .annotate(took=_response_seconds())
        .order_by("took")
        .values_list("started_at", "took")
    )
    for days in WINDOWS:
        since = now - timedelta(days=days)
        seconds = [took for created, took in answered if created >= since]
        rows.append(
            {
                "days": days,
                "answered": len(seconds),
                "median_minutes": _round_minutes(sla.percentile(seconds, 0.5)),
                "p90_minutes": _round_minutes(sla.percentile(seconds, 0.9)),
            }
        )
    return {"rows": rows}


def _round_minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


# --- backlog trend ---------------------------------------------------------------------------


def backlog_trend(now: datetime, days: int = TREND_DAYS) -> dict:
    """Return open tickets at the end of each of the last `days` UTC days, three queries."""
    today = now.date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    open_now = Ticket.objects.filter(OPEN).count()
    created = dict(
        Ticket.objects.filter(created_at__gte=start, created_at__lte=now)
        .annotate(day=UtcDate("created_at"))
        .values("day")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("day", "n")
    )
    done = [Status.RESOLVED, Status.CLOSED]
    flows = {
        row["day"]: row
        for row in TicketEvent.objects.filter(kind=EventKind.STATUS, at__gte=start, at__lte=now)
        .annotate(day=UtcDate("at"))
        .values("day")
        .annotate(
            closed=Count("at", filter=Q(from_value__in=OPEN_STATUSES, to_value__in=done)),
            reopened=Count("at", filter=Q(from_value__in=done, to_value__in=OPEN_STATUSES)),
        )
        .order_by()
    }
    points = []
    backlog = open_now
    for offset in range(days):
        day = today - timedelta(days=offset)
        flow = flows.get(day, {})
        filed, closed = created.get(day, 0), flow.get("closed", 0)
        points.append({"day": day.isoformat(), "open": backlog, "filed": filed, "closed": closed})
        # The end of the day before = this day's end minus what this day added.
        backlog -= filed - closed + flow.get("reopened", 0)
    points.reverse()
    return {"points": points, "days": days}
