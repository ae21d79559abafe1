"""Reads of tickets: who may see which, and a ticket's timeline (R10)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from shared import roles
from shared.precompiled import Precompiled
from triage import hooks
from triage.models import EventKind, Message, Source, Ticket, TicketEvent


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


def _with_page_relations(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Add what the ticket page shows besides the ticket: its author and requester, whether it
    has mail on its thread (`ticket_thread` reads nothing when it has none), and the flags of
    the panels of the layers above (`hooks.ticket_page_flags`: escalations' `has_escalations`)."""
    return tickets.select_related("created_by", "requester").annotate(
        has_messages=Exists(Message.objects.filter(ticket_id=OuterRef("pk"))),
        **{name: flag() for name, flag in hooks.ticket_page_flags.items()},
    )


def _staff_ticket(pk) -> QuerySet[Ticket]:
    return _with_page_relations(tickets_with_relations().filter(pk=pk))


# The ticket page reads its ticket on every render: compiled once for staff, who read every
# ticket (shared.precompiled, issue 14).
_STAFF_TICKET = Precompiled(_staff_ticket, pk=int)


def visible_ticket(user, pk: int) -> Ticket | None:
    """Return the ticket if this user may read it (`visible_tickets`), else None, with its
    account, assignee, pin author, author and requester, `has_messages` and the panels' flags
    (`hooks.ticket_page_flags`)."""
    if roles.is_staff_role(user):
        rows = _STAFF_TICKET.rows(pk=pk)
        return rows[0] if rows else None
    return _with_page_relations(visible_tickets(user).filter(pk=pk)).first()


def _timeline(ticket: int, *, notes: bool) -> QuerySet[TicketEvent]:
    events = TicketEvent.objects.filter(ticket_id=ticket).select_related("actor")
    if not notes:
        events = events.exclude(kind=EventKind.NOTE)
    return events.order_by("at", "id")


# Staff read the internal notes; a CE following her own request does not (compiled once each).
_TIMELINE = {
    notes: Precompiled(lambda ticket, notes=notes: _timeline(ticket, notes=notes), ticket=int)
    for notes in (True, False)
}


def ticket_timeline(ticket: Ticket, user) -> list[TicketEvent]:
    """Return the ticket's timeline (R10), oldest first, as this user may read it.

    Internal notes stay internal: a CE following their own request does not see them.
    """
    return _TIMELINE[roles.is_staff_role(user)].rows(ticket=ticket.pk)
