"""The load test's SQL checks find a ticket handed out twice (bench/load.py sql_checks)."""

from bench.load import sql_checks
from queues.services import queue_claim
from tests.factories import TicketFactory
from triage.models import EventKind
from triage.services import event_record


def test_sql_checks_count_claims_and_find_a_ticket_claimed_twice(
    postgres, sam_support, sofia_support
):
    first, second = TicketFactory(severity="p1"), TicketFactory(severity="p2")
    claimed = [queue_claim(by=sam_support), queue_claim(by=sofia_support)]
    assert {t.pk for t in claimed} == {first.pk, second.pk}

    clean = sql_checks(first_new_id=first.pk, first_event_id=1)
    assert clean["tickets claimed more than once"] == 0
    assert clean["claimed tickets assigned to someone else"] == 0
    assert clean["claims recorded (full run)"] == 2
    assert clean["tickets created (full run)"] == 2
    assert clean["tickets created without their timeline line"] == 0

    # What a broken claim would leave: a second engineer's claim line on the same ticket.
    event_record(
        ticket=claimed[0],
        kind=EventKind.ASSIGNEE,
        by=sofia_support,
        now=claimed[0].updated_at,
        to_value=sofia_support.username,
        reason="claimed the number one from the queue",
    )

    broken = sql_checks(first_new_id=first.pk, first_event_id=1)
    assert broken["tickets claimed more than once"] == 1
    assert broken["claimed tickets assigned to someone else"] == 1
