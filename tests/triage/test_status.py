"""The status table (triage.status): one table that PATCH, claims and escalations all obey."""

import pytest

from triage import status
from triage.models import OPEN_STATUSES, Status


def test_the_table_covers_every_status_and_only_real_ones():
    assert tuple(Status.values) == status.STATUSES
    assert tuple(OPEN_STATUSES) == status.OPEN_STATUSES
    assert set(status.TRANSITIONS) == set(status.STATUSES)
    for targets in status.TRANSITIONS.values():
        assert targets <= set(status.STATUSES)


def test_nothing_moves_a_ticket_to_triaged_but_triage():
    assert all(status.TRIAGED not in targets for targets in status.TRANSITIONS.values())
    problem = status.transition_problem("new", "triaged")
    assert "Use triage to mark a ticket triaged." in problem


def test_closed_is_final():
    assert status.allowed_next("closed") == []
    assert "none (closed is final)" in status.transition_problem("closed", "in_progress")


@pytest.mark.parametrize(
    ("current", "claimed"),
    [("new", "in_progress"), ("triaged", "in_progress"), ("in_progress", None),
     ("waiting_on_customer", None), ("escalated", None)],
)  # fmt: skip
def test_claiming_starts_work_that_is_not_under_way(current, claimed):
    assert status.claim_status(current) == claimed
    if claimed:
        assert status.transition_problem(current, claimed) == ""


def test_an_untriaged_ticket_cannot_be_escalated():
    assert not status.can_escalate("new")
    assert status.can_escalate("triaged") and status.can_escalate("in_progress")
    assert not status.can_escalate("resolved")


def test_allowed_next_keeps_the_tables_order():
    assert status.allowed_next("triaged") == [
        "in_progress", "waiting_on_customer", "resolved", "closed",
    ]  # fmt: skip


def test_nothing_moves_a_ticket_to_escalated_but_an_escalation():
    """R8: a ticket is escalated only while an escalation exists; no status change makes it so."""
    assert all(status.ESCALATED not in targets for targets in status.TRANSITIONS.values())
    problem = status.transition_problem("in_progress", "escalated", ticket_id=7)
    assert "can't go from in_progress to escalated" in problem
    assert "POST /api/v1/tickets/7/escalations/" in problem
    # The escalation's own path: from triaged or in-progress work, and nowhere else.
    for current in ("triaged", "in_progress"):
        assert status.transition_problem(current, "escalated", through=status.ESCALATION) == ""
    for current in ("new", "waiting_on_customer", "resolved", "closed"):
        assert status.transition_problem(current, "escalated", through=status.ESCALATION)
    # The path adds only its own move: an escalation never resolves a ticket.
    assert status.transition_problem("escalated", "closed", through=status.ESCALATION)
