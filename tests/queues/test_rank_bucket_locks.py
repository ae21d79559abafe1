"""Two tickets moving between the same two rank buckets in opposite directions at once wait
for each other; they never deadlock (issue 14's rank buckets, migration 0014).

The trigger locks a move's two bucket rows in key order. Without that order this schedule is a
deadlock every time: a third transaction holds bucket Y; ticket b's move Y→X queues on Y;
ticket a's move X→Y takes X and queues on Y behind b; once Y is free, b takes it and waits for
X, which a holds while it waits for Y.
"""

from __future__ import annotations

import threading
import time

from django.db import connection, connections, transaction

from tests.factories import TicketFactory
from triage.models import RankBucket, Ticket


def _bucket(ticket_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT triage_rank_bucket(rank_key) FROM triage_ticket WHERE id = %s", [ticket_id]
        )
        return cursor.fetchone()[0]


def _waiting_on_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _wait_for(waiting: int) -> None:
    deadline = time.monotonic() + 10
    while _waiting_on_locks() < waiting:
        assert time.monotonic() < deadline, "the move never queued on the bucket's lock"
        time.sleep(0.02)


def test_opposite_moves_between_two_buckets_never_deadlock(transactional_db, postgres):
    one, other = TicketFactory(tier="enterprise", severity="p1"), TicketFactory(tier="free")
    if _bucket(one.pk) > _bucket(other.pk):
        one, other = other, one
    a, b = Ticket.objects.get(pk=one.pk), Ticket.objects.get(pk=other.pk)
    x, y = _bucket(a.pk), _bucket(b.pk)
    assert x < y
    errors: list[BaseException] = []

    def move(ticket_id: int, rank_key: str) -> None:
        try:
            with transaction.atomic():
                Ticket.objects.filter(pk=ticket_id).update(rank_key=rank_key)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    holder = connections.create_connection("default")
    holder.set_autocommit(False)
    with holder.cursor() as cursor:
        cursor.execute("SELECT n FROM triage_rankbucket WHERE bucket = %s FOR UPDATE", [y])
    b_to_x = threading.Thread(target=move, args=(b.pk, a.rank_key))
    a_to_y = threading.Thread(target=move, args=(a.pk, b.rank_key))
    b_to_x.start()
    _wait_for(1)
    a_to_y.start()
    _wait_for(2)
    holder.commit()
    holder.close()
    b_to_x.join(15)
    a_to_y.join(15)

    assert errors == []
    assert _bucket(a.pk) == y and _bucket(b.pk) == x
    counts = dict(RankBucket.objects.values_list("bucket", "n"))
    assert counts.get(x) == 1 and counts.get(y) == 1
