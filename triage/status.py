"""Ticket statuses and the moves between them: one table for PATCH, claims and escalations.

Pure code: plain strings in, plain values out. `triage.models.Status` holds the same values
with their labels; the services ask this module whether a move is allowed.
"""

from __future__ import annotations

NEW = "new"
TRIAGED = "triaged"
IN_PROGRESS = "in_progress"
WAITING_ON_CUSTOMER = "waiting_on_customer"
ESCALATED = "escalated"
RESOLVED = "resolved"
CLOSED = "closed"

STATUSES = (NEW, TRIAGED, IN_PROGRESS, WAITING_ON_CUSTOMER, ESCALATED, RESOLVED, CLOSED)
OPEN_STATUSES = (NEW, TRIAGED, IN_PROGRESS, WAITING_ON_CUSTOMER, ESCALATED)

# Where a plain status change (PATCH, the Status buttons) may take a ticket next. Two statuses
# have a path of their own, so no move here leads to them: `triaged` is reached only through
# triage (severity and priority set), `escalated` only by filing an escalation (R8).
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED}),
    TRIAGED: frozenset({IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED, CLOSED}),
    IN_PROGRESS: frozenset({WAITING_ON_CUSTOMER, RESOLVED, CLOSED}),
    WAITING_ON_CUSTOMER: frozenset({IN_PROGRESS, RESOLVED, CLOSED}),
    ESCALATED: frozenset({IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED}),
    RESOLVED: frozenset({IN_PROGRESS, CLOSED}),
    CLOSED: frozenset(),
}

# The moves only a dedicated service makes. `escalations.services.escalation_create` moves
# triaged or in-progress work to `escalated` along ESCALATION; leaving `escalated` is a plain
# change (support moves the ticket on) or engineering's decline.
ESCALATION = "escalation"
PATHS: dict[str, dict[str, frozenset[str]]] = {
    ESCALATION: {TRIAGED: frozenset({ESCALATED}), IN_PROGRESS: frozenset({ESCALATED})},
}
ESCALATIONS_API = "POST /api/v1/tickets/{id}/escalations/"


def is_open(status: str) -> bool:
    """Return whether work in this status is in the queue."""
    return status in OPEN_STATUSES


def allowed_next(status: str) -> list[str]:
    """Return the statuses a ticket may move to from `status`, in the table's order."""
    return [s for s in STATUSES if s in TRANSITIONS.get(status, ())]


def transition_problem(
    current: str, wanted: str, *, through: str = "", ticket_id: int | None = None
) -> str:
    """Return "" when a ticket may move from `current` to `wanted`, else why not (a 409).

    `through` names a dedicated path (ESCALATION) whose moves are allowed besides the table's.
    """
    if wanted in TRANSITIONS.get(current, ()) or wanted in PATHS.get(through, {}).get(current, ()):
        return ""
    allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none (closed is final)"
    hint = ""
    if wanted == TRIAGED:
        hint = " Use triage to mark a ticket triaged."
    elif wanted == ESCALATED:
        endpoint = ESCALATIONS_API.replace("{id}", str(ticket_id) if ticket_id else "{id}")
        hint = (
            " A ticket becomes escalated only when an escalation to engineering is filed, with "
            f"its full context: {endpoint} (on the ticket page, “Escalate to engineering”)."
        )
    return f"A ticket can't go from {current} to {wanted}. Allowed next: {allowed}.{hint}"


def claim_status(current: str) -> str | None:
    """Return the status claiming a ticket moves it to, or None when it keeps its status.

    Claimed new or triaged work is being worked on; work already under way keeps its status.
    """
    if current in (NEW, TRIAGED):
        assert IN_PROGRESS in TRANSITIONS[current]
        return IN_PROGRESS
    return None


def can_escalate(current: str) -> bool:
    """Return whether a ticket in `current` may be escalated to engineering (R8).

    An escalated ticket may get another escalation once engineering accepted the first.
    """
    return current == ESCALATED or ESCALATED in PATHS[ESCALATION].get(current, ())
