"""PostgreSQL: the precompiled hot reads are prepared statements, and Django's own reads are not.

Planning was most of PostgreSQL's work on the pages (issue 14): the ticket page's ticket took
0.9 ms to plan and 0.1 ms to run. A prepared statement is planned once per connection, then
PostgreSQL may keep a generic plan; these tests pin that it happens, that it happens once, and
that the generic plans of the reads whose cost depends on a place stay index scans.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared.precompiled import Precompiled
from tests.factories import TicketFactory
from tests.queues.test_postgres import _backlog, _vacuum
from triage.models import Ticket
from triage.selectors import place_and_above, visible_ticket
from triage.selectors.ranked import _ABOVE, open_queue

pytestmark = pytest.mark.postgres


def _prepared() -> list[str]:
    """The statements this connection has prepared through the protocol (psycopg's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


def test_a_precompiled_read_is_prepared_once_per_connection(postgres, sam_support):
    ticket = TicketFactory(tier="team", severity="p2")
    read = Precompiled(lambda pk: Ticket.objects.filter(pk=pk), pk=int)
    before = _prepared()

    assert [t.pk for t in read.rows(pk=ticket.pk)] == [ticket.pk]
    once = _prepared()
    new = [s for s in once if s not in before]
    assert len(new) == 1 and '"triage_ticket"."id" = $1' in new[0], new

    for _ in range(6):  # past the five custom plans, when PostgreSQL may keep a generic one
        with CaptureQueriesContext(connection) as ctx:
            assert [t.pk for t in read.rows(pk=ticket.pk)] == [ticket.pk]
    assert _prepared() == once
    # Logged and counted as Django logs its own reads: the values written in, runnable as is.
    (logged,) = ctx.captured_queries
    assert f'WHERE "triage_ticket"."id" = {ticket.pk} ORDER BY' in logged["sql"], logged["sql"]
    # The ORM's own reads bind on the client and are never prepared.
    assert list(Ticket.objects.filter(pk=ticket.pk)) == [ticket]
    assert _prepared() == once
    # The ticket page's reads are among them.
    assert visible_ticket(sam_support, ticket.pk) == ticket
    assert any('AS "has_messages"' in s and "$1" in s for s in _prepared())


def test_without_prepare_threshold_the_reads_are_not_prepared(postgres, monkeypatch):
    """DB_PREPARED_READS=false (config.settings.base) leaves `prepare_threshold` out of the
    database's OPTIONS: behind a pooler that cannot keep prepared statements, none are made."""
    ticket = TicketFactory(tier="team", severity="p2")
    options = {k: v for k, v in connection.settings_dict["OPTIONS"].items()}
    options.pop("prepare_threshold", None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    read = Precompiled(lambda pk: Ticket.objects.filter(pk=pk), pk=int)
    before = _prepared()

    assert [t.pk for t in read.rows(pk=ticket.pk)] == [ticket.pk]
    assert _prepared() == before


def _generic_plan(sql: str, params: list) -> str:
    """EXPLAIN ANALYZE of the generic plan PostgreSQL may keep for a prepared read."""
    numbers = iter(range(1, len(params) + 1))
    statement = re.sub("%s", lambda _: f"${next(numbers)}", sql).replace("%%", "%")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE generic_read AS {statement}")
        try:
            args = ", ".join(["%s"] * len(params))
            cursor.execute(
                f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE generic_read({args})", params
            )
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("DEALLOCATE generic_read")


def test_the_deep_place_lookup_keeps_its_index_plan_as_a_generic_plan(postgres, transactional_db):
    """The place and the ticket above at place 4,500 of 5,000, planned without its values:
    still one entry of the backward scan, a bucket-bounded index-only count, no table scan."""
    from django.db import transaction

    _backlog(5000)
    _vacuum()
    order = list(open_queue().values_list("id", "rank_key")[:4500])
    pk, rank_key = order[-1]
    with transaction.atomic():  # SET LOCAL lasts until the end of the transaction
        plan = _generic_plan(*_ABOVE.sql(rank_key=rank_key, pk=pk))
    assert "$1" in plan, plan  # a generic plan: the parameters are not folded in
    backward = next(line for line in plan.splitlines() if "Index Scan Backward" in line)
    assert "using ticket_open_rank" in backward and "(actual rows=1 loops=1)" in backward, plan
    counted = int(re.search(r"Index Only Scan using ticket_open_rank.*actual rows=(\d+)", plan)[1])
    assert counted < 500, plan
    assert "Seq Scan on triage_ticket" not in plan and "Sort" not in plan, plan
    # And the prepared read answers what it answered before.
    place, above = place_and_above(Ticket.objects.get(pk=pk))
    assert (place, above.pk) == (4500, order[-2][0])
