"""Changes to a ticket: triage (R3), status, assignment and pins (R5), each on the timeline."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from shared import roles
from shared.errors import Conflict, invalid
from triage import hooks
from triage import status as ticket_status
from triage.models import EventKind, Status, Ticket
from triage.priority import TIER_LABELS, suggested_priority
from triage.services.ranking import locked, ticket_save
from triage.services.timeline import event_record


@transaction.atomic
def ticket_triage(
    *,
    ticket: Ticket,
    by: User,
    severity: str,
    priority: str,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Set severity and priority; a priority other than the suggestion needs a reason (R3)."""
    now = now or timezone.now()
    ticket = locked(ticket)
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; reopen it before triage.")
    suggested = suggested_priority(source=ticket.source, tier=ticket.tier, severity=severity)
    reason = reason.strip()
    if priority != suggested and not reason:
        raise invalid(
            reason=f"Say why: the policy suggests {suggested} for severity {severity} "
            f"from a {TIER_LABELS[ticket.tier]} ticket, and you chose {priority}."
        )
    if ticket.severity != severity:
        event_record(
            ticket=ticket,
            kind=EventKind.SEVERITY,
            by=by,
            now=now,
            from_value=ticket.severity,
            to_value=severity,
            reason=reason or "set at triage",
        )
    if ticket.priority != priority:
        event_record(
            ticket=ticket,
            kind=EventKind.PRIORITY,
            by=by,
            now=now,
            from_value=ticket.priority,
            to_value=priority,
            reason=reason or f"matches the policy's suggestion for severity {severity}",
        )
    ticket.severity, ticket.priority, ticket.triaged_at = severity, priority, now
    if ticket.status == Status.NEW:
        event_record(
            ticket=ticket,
            kind=EventKind.STATUS,
            by=by,
            now=now,
            from_value=Status.NEW,
            to_value=Status.TRIAGED,
            reason="triaged",
        )
        ticket.status = Status.TRIAGED
    ticket_save(ticket, now)
    return ticket


@transaction.atomic
def ticket_set_status(
    *,
    ticket: Ticket,
    by: User | None,
    status: str,
    reason: str = "",
    now: datetime | None = None,
    through: str = "",
) -> Ticket:
    """Move the ticket along the state machine, or raise Conflict (409).

    `through` is a dedicated path of `triage.status.PATHS` (the escalation service's); PATCH
    and the Status buttons never pass one. Moves out of `escalated` run the
    `ticket_left_escalated_hooks` in this transaction (escalations withdraw a pending one).
    """
    now = now or timezone.now()
    ticket = locked(ticket)
    if ticket.status == status:
        return ticket
    problem = ticket_status.transition_problem(
        ticket.status, status, through=through, ticket_id=ticket.pk
    )
    if problem:
        raise Conflict(problem)
    if ticket.status == Status.ESCALATED:
        for hook in hooks.ticket_left_escalated_hooks:
            hook(ticket=ticket, by=by, status=status, reason=reason, now=now)
    event_record(
        ticket=ticket,
        kind=EventKind.STATUS,
        by=by,
        now=now,
        from_value=ticket.status,
        to_value=status,
        reason=reason,
    )
    ticket.status = status
    ticket_save(ticket, now)
    for hook in hooks.ticket_status_hooks:
        transaction.on_commit(lambda hook=hook, pk=ticket.pk: hook(pk, status))
    return ticket


def _check_assignee(assignee: User | None) -> None:
    if assignee is not None and not roles.has_role(assignee, roles.SUPPORT, roles.LEADERSHIP):
        raise invalid(assignee=f"{assignee.username} is not a support engineer.")


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    by: User | None,
    assignee: User | None,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Give the ticket to a support engineer, or take it back (None)."""
    now = now or timezone.now()
    _check_assignee(assignee)
    ticket = locked(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return ticket
    if not ticket.is_open and assignee is not None:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; reopen it before assigning.")
    event_record(
        ticket=ticket,
        kind=EventKind.ASSIGNEE,
        by=by,
        now=now,
        from_value=ticket.assignee.username if ticket.assignee else "",
        to_value=assignee.username if assignee else "",
        reason=reason,
    )
    ticket.assignee = assignee
    ticket_save(ticket, now)
    return ticket


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise invalid(reason=f"Say why you {what}: everyone sees it on the queue (R5).")
    return reason


@transaction.atomic
def ticket_pin(*, ticket: Ticket, by: User, reason: str, now: datetime | None = None) -> Ticket:
    """Pin the ticket above the order with a written reason (R5)."""
    now = now or timezone.now()
    reason = _require_reason(reason, "pin it above the order")
    ticket = locked(ticket)
    if not ticket.is_open:
        raise Conflict(f"Ticket #{ticket.pk} is {ticket.status}; only open work can be pinned.")
    if ticket.pinned_at:
        raise Conflict(f"Ticket #{ticket.pk} is already pinned: {ticket.pin_reason}")
    event_record(
        ticket=ticket, kind=EventKind.PIN, by=by, now=now, to_value="pinned", reason=reason
    )
    ticket.pinned_at, ticket.pinned_by, ticket.pin_reason = now, by, reason
    ticket_save(ticket, now)
    return ticket


@transaction.atomic
def ticket_unpin(*, ticket: Ticket, by: User, reason: str, now: datetime | None = None) -> Ticket:
    """Return a pinned ticket to its place in the order."""
    now = now or timezone.now()
    reason = _require_reason(reason, "unpin it")
    ticket = locked(ticket)
    if not ticket.pinned_at:
        raise Conflict(f"Ticket #{ticket.pk} is not pinned.")
    event_record(
        ticket=ticket,
        kind=EventKind.UNPIN,
        by=by,
        now=now,
        from_value="pinned",
        reason=reason,
    )
    ticket.pinned_at, ticket.pinned_by, ticket.pin_reason = None, None, ""
    ticket_save(ticket, now)
    return ticket


_UNSET = object()


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    by: User,
    status: str | None = None,
    assignee: User | None | object = _UNSET,
    reason: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Apply a PATCH: assignment and status change together, or neither."""
    if assignee is not _UNSET:
        ticket = ticket_assign(ticket=ticket, by=by, assignee=assignee, reason=reason, now=now)
    if status is not None:
        ticket = ticket_set_status(ticket=ticket, by=by, status=status, reason=reason, now=now)
    return ticket
