"""Reads for the triage app: SLA targets for a ticket's tier and priority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from shared import roles
from shared.hours import WeeklyHours
from triage.models import EventKind, SlaTarget, Ticket, TicketEvent


@dataclass(frozen=True)
class SlaRule:
    hours: WeeklyHours
    target: timedelta


class SlaBook:
    """The SLA policy table loaded once: the bulk path and services share it."""

    def __init__(self, targets: list[SlaTarget], years: range):
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


def sla_book(now: datetime) -> SlaBook:
    """Load the SLA table with the holidays of this year and the next."""
    targets = list(SlaTarget.objects.select_related("calendar", "premium_calendar"))
    return SlaBook(targets, range(now.year - 1, now.year + 2))


def ticket_timeline(ticket: Ticket, user) -> QuerySet[TicketEvent]:
    """Return the ticket's timeline (R10), oldest first, as this user may read it.

    Internal notes stay internal: a CE following their own request does not see them.
    """
    events = ticket.events.select_related("actor").order_by("at", "id")
    if not roles.is_staff_role(user):
        events = events.exclude(kind=EventKind.NOTE)
    return events


def search_text(raw: str) -> str:
    """Return typed search text fit for a text lookup: trimmed, without NUL characters (no name
    holds one, and PostgreSQL refuses them in a comparison: a 500 otherwise)."""
    return raw.replace("\x00", "").strip()
