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


def _bucket_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT triage_rank_bucket(rank_key), count(*) FROM triage_ticket WHERE in_queue"
            " GROUP BY 1"
        )
        counted = dict(cursor.fetchall())
    from triage.models import RankBucket

    return counted, dict(RankBucket.objects.values_list("bucket", "n"))


def test_rank_buckets_stay_exact_through_every_kind_of_write(postgres, sam_support):
    """Issue 14: the counts behind a ticket's place are kept in the writing transaction (a
    trigger), so a place is never stale: filing, claiming, pinning, waiting on the customer,
    resolving, reopening, a bulk UPDATE and deleting all keep them equal to a fresh count."""
    from datetime import timedelta

    from django.utils import timezone

    from triage.models import Ticket

    rng = random.Random(11)
    tickets = [
        TicketFactory(
            tier=rng.choice(["enterprise", "team", "free", "internal"]),
            severity=rng.choice(["p0", "p1", "p2", ""]),
        )
        for _ in range(25)
    ]
    counted, kept = _bucket_counts()
    assert counted == kept and sum(kept.values()) == 25
    queue_claim(by=sam_support)
    services.ticket_pin(ticket=tickets[3], by=sam_support, reason="CEO")
    services.ticket_set_status(ticket=tickets[4], by=sam_support, status="waiting_on_customer")
    services.ticket_set_status(ticket=tickets[5], by=sam_support, status="resolved", reason="ok")
    services.ticket_set_status(ticket=tickets[6], by=sam_support, status="resolved", reason="ok")
    services.ticket_set_status(ticket=tickets[6], by=sam_support, status="in_progress")
    counted, kept = _bucket_counts()
    assert counted == kept and sum(kept.values()) == 24
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[10:15]]).update(
        due_at=timezone.now() + timedelta(days=3), rank_key="0" * 52
    )
    Ticket.objects.filter(pk=tickets[20].pk).update(status="closed")
    counted, kept = _bucket_counts()
    assert counted == kept and 0 not in kept.values()
    order = [t.pk for t in open_queue()]
    assert positions_of(list(open_queue())) == {pk: i + 1 for i, pk in enumerate(order)}
