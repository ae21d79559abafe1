"""The dashboard's lists and states: escalations, pre-sales, load, staffing, exceptions, channels.

Each comes from the app that owns it (escalations, presales, queues), read through its selectors.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Case, Q, When
from django.utils import timezone

from dashboards.work import minutes
from escalations.models import PENDING_STATES, EscalationState
from escalations.selectors import escalations_with_context
from presales.models import KeyDate
from presales.rules import nearest_key_date
from presales.selectors import joined_channels, open_exceptions
from queues import rota
from queues.models import LoadEpisode
from queues.selectors import queue_health, staffing_at
from triage.models import Source, Ticket
from triage.selectors import open_queue

LIST_LIMIT = 50


def _ticket_row(ticket: Ticket, now: datetime) -> dict:
    return {
        "id": ticket.pk,
        "title": ticket.title,
        "account": ticket.account.name if ticket.account else "",
        "tier": ticket.tier,
        "priority": ticket.priority,
        "status": ticket.status,
        "assignee": ticket.assignee.username if ticket.assignee else "",
        "age_minutes": minutes(now - ticket.created_at),
        "due_at": ticket.due_at.isoformat() if ticket.due_at else None,
    }


def open_escalations(now: datetime) -> dict:
    """Return escalations on open tickets: pending ones in the inbox's order, then the scheduled
    ones (accepted, until the ticket resolves) by target date."""

    pending = (
        escalations_with_context()
        .prefetch_related(None)
        .filter(state__in=(*PENDING_STATES, EscalationState.ACCEPTED), ticket__in_queue=True)
        .order_by(
            Case(When(state=EscalationState.ACCEPTED, then=1), default=0),
            "target_date",
            "urgency",
            "ticket__rank_key",
            "ticket__id",
        )
    )
    rows = []
    for e in pending[:LIST_LIMIT]:
        row = _ticket_row(e.ticket, now)
        row.update(
            escalation=e.pk,
            urgency=e.urgency,
            state=e.state,
            customer_deadline=e.customer_deadline.isoformat() if e.customer_deadline else None,
            target_date=e.target_date.isoformat() if e.target_date else None,
        )
        rows.append(row)
    return {"rows": rows}


def presales_key_dates(ticket_ids: Iterable[int]) -> dict[int, str]:
    """Return each pre-sales ticket's nearest key date as text, in one query.

    "Nearest" is the pre-sales rule the CE's own list uses (presales.rules.nearest_key_date).
    """
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


def dashboard_load(now: datetime) -> dict:
    """Return the load level now, its contingency, and the last 30 days of episodes."""
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
    engineers = staffing_at(now).engineers
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
    return {
        "rows": [
            {
                "id": e.pk,
                "kind": e.get_kind_display(),
                "account": e.account.name if e.account_id else "",
                "ticket": e.ticket_id,
                "requested_by": e.requested_by.username,
                "ends_on": e.ends_on.isoformat(),
                "age_minutes": minutes(now - e.created_at),
            }
            for e in open_exceptions()[:LIST_LIMIT]
        ]
    }


def dashboard_channels(now: datetime) -> dict:
    """Return every trial channel a support engineer is in right now."""
    return {
        "rows": [
            {
                "channel": c.channel,
                "ticket": c.ticket_id,
                "engineer": c.engineer.username,
                "joined_minutes_ago": minutes(now - c.joined_at),
                "ticket_status": c.ticket.status,
            }
            for c in joined_channels()[:LIST_LIMIT]
        ]
    }
