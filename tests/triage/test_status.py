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
        "in_progress", "waiting_on_customer", "escalated", "resolved", "closed",
    ]  # fmt: skip
