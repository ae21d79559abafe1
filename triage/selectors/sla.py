"""Reads for SLA clocks (R6): the policy table, the team goal, running clocks and warnings due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery

from shared.hours import WeeklyHours
from triage import clock_plan, sla
from triage.models import (
    WARNED_CLOCKS,
    EventKind,
    SlaClock,
    SlaTarget,
    Ticket,
    TicketEvent,
    TicketPause,
)

SCAN_BATCH = 500


def team_goal() -> timedelta:
    """Return the team's first-reply goal (R6): TEAM_FIRST_REPLY_GOAL_MINUTES, two hours."""
    return timedelta(minutes=settings.TEAM_FIRST_REPLY_GOAL_MINUTES)


@dataclass(frozen=True)
class SlaRule:
    hours: WeeklyHours
    target: timedelta


class SlaBook:
    """The SLA policy table loaded once, with the team goal: the bulk path and services share it."""

    def __init__(self, targets: list[SlaTarget], years: range, goal: timedelta | None = None):
        self.goal = goal or clock_plan.TEAM_GOAL
        self._rules: dict[tuple[str, str, bool], SlaRule] = {}
        calendars: dict[int, WeeklyHours] = {}

        def hours_of(calendar) -> WeeklyHours:
            if calendar.pk not in calendars:
                calendars[calendar.pk] = calendar.hours(years)
            return calendars[calendar.pk]

        for t in targets:
            regular = SlaRule(hours_of(t.calendar), t.target)
            premium = (
                SlaRule(hours_of(t.premium_calendar), t.target) if t.premium_calendar else None
            )
            self._rules[(t.tier, t.priority, False)] = regular
            self._rules[(t.tier, t.priority, True)] = premium or regular

    def rule(self, *, tier: str, priority: str, premium: bool = False) -> SlaRule | None:
        """Return the contractual target for this tier and priority, or None (no SLA)."""
        return self._rules.get((tier, priority, premium))

    def first_response(
        self, *, tier: str, priority: str, premium: bool = False
    ) -> clock_plan.FirstResponseRule:
        """Return the calendar and target of a first response: the contract, else the goal."""
        rule = self.rule(tier=tier, priority=priority, premium=premium)
        if rule is None:
            return clock_plan.goal_rule(self.goal)
        return clock_plan.FirstResponseRule(rule.hours, rule.target, contractual=True)


def sla_book(now: datetime) -> SlaBook:
    """Load the SLA table with the holidays of this year and the next."""
    targets = list(SlaTarget.objects.select_related("calendar", "premium_calendar"))
    return SlaBook(targets, range(now.year - 1, now.year + 2), team_goal())


def last_public_reply_at(ticket: Ticket) -> datetime | None:
    return (
        TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.REPLY)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )


# --- the queue page's near-breach / breach styling -------------------------------------------


def _running_warned_clocks() -> QuerySet[SlaClock]:
    return (
        SlaClock.objects.filter(
            ticket_id=OuterRef("pk"),
            stopped_at__isnull=True,
            kind__in=WARNED_CLOCKS,
        )
        .filter(Q(due_at__isnull=False) | Q(warn_at__isnull=False))
        .order_by("due_at")
    )


def with_sla_clock(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate tickets with their soonest running clock's `sla_due_at` and `sla_warn_at`.

    Two correlated subqueries in the same SELECT: the queue page stays one query.
    """
    clocks = _running_warned_clocks()
    return tickets.annotate(
        sla_due_at=Subquery(clocks.values("due_at")[:1]),
        sla_warn_at=Subquery(clocks.values("warn_at")[:1]),
    )


def with_waiting_since(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate tickets with `waiting_since`: when their open pause (waiting on the customer)
    began, None for work that waits on us. A correlated subquery: still one query."""
    open_pause = TicketPause.objects.filter(ticket_id=OuterRef("pk"), ended_at__isnull=True)
    return tickets.annotate(
        waiting_since=Subquery(open_pause.order_by("-started_at").values("started_at")[:1])
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


# --- breach warnings ---------------------------------------------------------------------------

NEAR, BREACH = "near", "breached"


def clocks_to_warn(now: datetime) -> list[tuple[int, str]]:
    """Return (clock id, level) of running clocks that passed 75 % or their due time.

    Two index scans (`clock_near_scan`, `clock_breach_scan`); a clock already past due gets
    only the breach warning.
    """
    running = Q(stopped_at__isnull=True, kind__in=WARNED_CLOCKS)
    breached = list(
        SlaClock.objects.filter(running, breach_warned_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    near = list(
        SlaClock.objects.filter(running, near_warned_at__isnull=True, warn_at__lte=now)
        .exclude(pk__in=breached)
        .filter(Q(due_at__isnull=True) | Q(due_at__gt=now))
        .order_by("warn_at")
        .values_list("pk", flat=True)[:SCAN_BATCH]
    )
    return [(pk, BREACH) for pk in breached] + [(pk, NEAR) for pk in near]
