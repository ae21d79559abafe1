"""Reads of tickets: who may see which, and a ticket's timeline (R10)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shared import roles
from triage.models import EventKind, Source, Ticket, TicketEvent


def tickets_with_relations() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("account", "assignee", "pinned_by")


def ticket_visibility(user, prefix: str = "") -> Q | None:
    """Return the filter on tickets this user may read (None: all of them).

    Staff roles read every ticket; a CE reads the pre-sales tickets she requested, however
    they were filed (her form, the API, support on her behalf); anyone else none. `prefix`
    applies the rule through a relation (e.g. "ticket__" from a request).
    """
    if roles.is_staff_role(user):
        return None
    if roles.has_role(user, roles.CE):
        return Q(**{f"{prefix}source": Source.PRESALES, f"{prefix}requester": user})
    return Q(pk__in=[])


def visible_tickets(user) -> QuerySet[Ticket]:
    """Return the tickets this user may read: staff see all, a CE only their own pre-sales."""
    rule = ticket_visibility(user)
    qs = tickets_with_relations()
    return qs if rule is None else qs.filter(rule)


def ticket_timeline(ticket: Ticket, user) -> QuerySet[TicketEvent]:
    """Return the ticket's timeline (R10), oldest first, as this user may read it.

    Internal notes stay internal: a CE following their own request does not see them.
    """
    events = ticket.events.select_related("actor").order_by("at", "id")
    if not roles.is_staff_role(user):
        events = events.exclude(kind=EventKind.NOTE)
    return events
