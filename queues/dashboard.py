"""The leadership dashboard's figures (R6, R7): aggregations in SQL, a constant query count.

Each figure is one function of `now` returning plain data; `dashboard_figures` gathers them
for the page and the API, and `figure_table` flattens any figure into CSV rows.

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

Load and staffing come from queues' episodes and rota; exceptions, channels and key dates
from the presales app; escalations from triage's escalation rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Count,
    F,
    Min,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from queues.dashboard_sql import PercentileCont, Seconds, UtcDate
from queues.selectors import open_queue
from triage import sla
from triage.models import (
    OPEN,
    OPEN_STATUSES,
    ClockKind,
    EventKind,
    Level,
    SlaClock,
    Source,
    Status,
    Ticket,
    TicketEvent,
    Tier,
)

WINDOWS = (7, 30)
TREND_DAYS = 30
LIST_LIMIT = 50
FIGURES = (
    "matrix",
    "attainment",
    "response_times",
    "backlog",
    "load",
    "staffing",
    "escalations",
    "presales",
    "exceptions",
    "channels",
)


def _minutes(delta: timedelta | None) -> int | None:
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
                    "oldest_minutes": _minutes(now - cell["oldest"]) if cell else None,
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


# --- lists: escalations, pre-sales ------------------------------------------------------------


def _ticket_row(ticket: Ticket, now: datetime) -> dict:
    return {
        "id": ticket.pk,
        "title": ticket.title,
        "account": ticket.account.name if ticket.account else "",
        "tier": ticket.tier,
        "priority": ticket.priority,
        "status": ticket.status,
        "assignee": ticket.assignee.username if ticket.assignee else "",
        "age_minutes": _minutes(now - ticket.created_at),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
    }


def open_escalations(now: datetime) -> dict:
    """Return pending engineering escalations on open tickets, in the inbox's order."""
    from triage.escalation_selectors import escalations_with_context
    from triage.models_escalation import EscalationState

    pending = (
        escalations_with_context()
        .prefetch_related(None)
        .filter(
            state__in=[EscalationState.OPEN, EscalationState.NEEDS_CONTEXT], ticket__in_queue=True
        )
        .order_by("urgency", "ticket__rank_key", "ticket__id")
    )
    rows = []
    for e in pending[:LIST_LIMIT]:
        row = _ticket_row(e.ticket, now)
        row.update(
            escalation=e.pk,
            urgency=e.urgency,
            state=e.state,
            customer_deadline=e.customer_deadline.isoformat() if e.customer_deadline else None,
        )
        rows.append(row)
    return {"rows": rows}


def presales_key_dates(ticket_ids: Iterable[int]) -> dict[int, str]:
    """Return each pre-sales ticket's nearest key date as text, in one query.

    "Nearest" is the pre-sales rule the CE's own list uses (presales.rules.nearest_key_date).
    """
    from presales.models import KeyDate
    from presales.rules import nearest_key_date

    today = timezone.localdate()
    by_request: dict[int, list[KeyDate]] = {}
    for kd in KeyDate.objects.filter(request_id__in=list(ticket_ids)).order_by("date", "id"):
        by_request.setdefault(kd.request_id, []).append(kd)
    nearest = {pk: nearest_key_date(dates, today) for pk, dates in by_request.items()}
    return {pk: f"{kd.date.isoformat()} {kd.label}".strip() for pk, kd in nearest.items()}


def presales_requests(now: datetime) -> dict:
    """Return open pre-sales requests in rank order, with their nearest key dates."""
    tickets = list(open_queue().filter(source=Source.PRESALES)[:LIST_LIMIT])
    dates = presales_key_dates([t.pk for t in tickets])
    rows = []
    for ticket in tickets:
        row = _ticket_row(ticket, now)
        row["key_date"] = dates.get(ticket.pk, "") if dates is not None else None
        rows.append(row)
    return {"rows": rows, "key_dates_available": dates is not None}


# --- seams for the other developers' data --------------------------------------------------


def dashboard_load(now: datetime) -> dict:
    """Return the load level now, its contingency, and the last 30 days of episodes."""
    from queues.models import LoadEpisode
    from queues.selectors import queue_health

    health = queue_health(at=now)
    episodes = LoadEpisode.objects.filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=now - timedelta(days=30))
    ).order_by("-started_at")[:LIST_LIMIT]
    return {
        "level": health.level,
        "state": health.state,
        "contingency": health.rule.contingency,
        "history": [
            {
                "start": e.started_at.isoformat(),
                "end": e.ended_at.isoformat() if e.ended_at else None,
                "level": e.peak_level,
                "state": e.state,
            }
            for e in episodes
        ],
    }


def dashboard_staffing(now: datetime) -> dict:
    """Return who is working now (and until when) and the next arrivals in 24 hours."""
    from queues import rota
    from queues.selectors import support_staff

    staff = support_staff(absences_after=now - timedelta(days=1))
    engineers = [row.engineer for row in staff]
    region = {e.username: e.region for e in engineers}
    on_shift = []
    for engineer in rota.working_at(engineers, now):
        spans = rota.working_intervals(engineer, now, now + timedelta(days=1))
        until = next((end for start, end in spans if start <= now < end), None)
        on_shift.append(
            {
                "username": engineer.username,
                "region": engineer.region,
                "until": until.isoformat() if until else None,
            }
        )
    arrivals = rota.arrivals(engineers, now, now + timedelta(days=1))[:10]
    return {
        "on_shift": on_shift,
        "next_arrivals": [
            {"at": at.isoformat(), "username": e.username, "region": region[e.username]}
            for at, e in arrivals
        ],
    }


def dashboard_exceptions(now: datetime) -> dict:
    """Return open pre-sales exception requests, oldest first."""
    from presales.selectors import open_exceptions

    return {
        "rows": [
            {
                "id": e.pk,
                "kind": e.get_kind_display(),
                "account": e.account.name if e.account_id else "",
                "ticket": e.ticket_id,
                "requested_by": e.requested_by.username,
                "ends_on": e.ends_on.isoformat(),
                "age_minutes": _minutes(now - e.created_at),
            }
            for e in open_exceptions()[:LIST_LIMIT]
        ]
    }


def dashboard_channels(now: datetime) -> dict:
    """Return every trial channel a support engineer is in right now."""
    from presales.selectors import joined_channels

    return {
        "rows": [
            {
                "channel": c.channel,
                "ticket": c.ticket_id,
                "engineer": c.engineer.username,
                "joined_minutes_ago": _minutes(now - c.joined_at),
                "ticket_status": c.ticket.status,
            }
            for c in joined_channels()[:LIST_LIMIT]
        ]
    }


_BUILDERS = {
    "matrix": open_matrix,
    "attainment": attainment,
    "response_times": response_times,
    "backlog": backlog_trend,
    "load": dashboard_load,
    "staffing": dashboard_staffing,
    "escalations": open_escalations,
    "presales": presales_requests,
    "exceptions": dashboard_exceptions,
    "channels": dashboard_channels,
}
assert tuple(_BUILDERS) == FIGURES


def dashboard_figure(name: str, now: datetime) -> dict | None:
    """Return one figure by name (KeyError for an unknown one)."""
    return _BUILDERS[name](now)


def dashboard_figures(now: datetime) -> dict:
    """Return every figure: the page, the API and the CSV downloads share this."""
    return {name: builder(now) for name, builder in _BUILDERS.items()}


# --- CSV ---------------------------------------------------------------------------------


def figure_table(name: str, data: dict | None) -> tuple[list[str], list[list]]:
    """Flatten a figure into a header row and data rows for CSV."""
    if data is None:
        return ["note"], [["not available yet"]]
    if name == "matrix":
        headers = ["priority", "tier", "open", "oldest_minutes"]
        rows = [
            [r["priority"], c["tier"], c["count"], c["oldest_minutes"]]
            for r in data["rows"]
            for c in r["cells"]
        ]
        return headers, rows
    if name == "backlog":
        return ["day", "open", "filed", "closed"], [
            [p["day"], p["open"], p["filed"], p["closed"]] for p in data["points"]
        ]
    if name == "load":
        headers = ["start", "end", "level", "state"]
        history = data.get("history", [])
        now_row = ["now", "", data["level"], data["state"]]
        return headers, [now_row] + [[h.get(k) for k in headers] for h in history]
    if name == "staffing":
        rows = [["on_shift", e.get("username"), e.get("until")] for e in data["on_shift"]]
        rows += [["arrival", a.get("username"), a.get("at")] for a in data["next_arrivals"]]
        return ["kind", "username", "at"], rows or [["none", "", ""]]
    items = data.get("rows", [])
    headers = list(items[0]) if items else ["note"]
    return headers, [[item.get(h) for h in headers] for item in items] if items else [["none"]]
