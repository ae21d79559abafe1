"""A ticket's place is its 1-based index in the whole open queue, whatever page shows it."""

import random

import pytest

from queues.services import queue_claim
from tests.factories import TicketFactory, UserFactory
from triage import services
from triage.selectors import open_queue, positions_of

pytestmark = pytest.mark.django_db


def test_positions_of_any_subset_match_the_full_queue_order():
    rng = random.Random(7)
    tickets = [
        TicketFactory(
            tier=rng.choice(["enterprise", "team", "free"]), severity=rng.choice(["p1", "p2", "p3"])
        )
        for _ in range(30)
    ]
    sam = UserFactory(username="sam3", role="support")
    for _ in range(4):
        queue_claim(by=sam)
    resolved = services.ticket_set_status(
        ticket=tickets[5], status="resolved", by=sam, reason="done"
    )
    order = [t.pk for t in open_queue()]
    everything = [*open_queue(), resolved]

    for size in (1, 2, 7, 25):
        subset = rng.sample(everything, size)
        expected = {t.pk: order.index(t.pk) + 1 for t in subset if t.pk in order}
        assert positions_of(subset) == expected
    assert positions_of([]) == {}
