"""Reads of the ranked queue (R4). The API and the pages share these; tests pin their query counts.

"Ranks above" has one definition, `ranked_above`: the stored rank key, then the id.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import (
    Count,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThanOrEqual, LessThan

from shared.precompiled import Precompiled
from triage import rank
from triage.models import OPEN, Ticket


def open_queue() -> QuerySet[Ticket]:
    """Return open work in rank order (R4): the partial index `ticket_open_rank` serves it."""
    return (
        Ticket.objects.filter(OPEN)
        .select_related("account", "assignee", "pinned_by")
        .order_by("rank_key", "id")
    )


def unclaimed_queue() -> QuerySet[Ticket]:
    """Return open work nobody has claimed, in rank order (index `ticket_unclaimed_rank`)."""
    return open_queue().filter(assignee__isnull=True)


def number_one_candidates() -> QuerySet[Ticket]:
    """Return unclaimed open work the team can act on, in rank order, without joins (the
    number one's query, and what claim next hands out).

    Work waiting on the customer is never the number one (R4): its keys sort from
    `rank.ACTIONABLE_BEFORE` on, so the bound is a range on the index, not a filter. An
    unclaimed ticket has no assignee, the API shows the account by id, and a pin's author is
    read only for pinned tickets: this is the hottest query of the app.
    """
    return Ticket.objects.filter(
        OPEN, assignee__isnull=True, rank_key__lt=rank.ACTIONABLE_BEFORE
    ).order_by("rank_key", "id")


class _Row(Func):
    """A row value, `(a, b)`, for a row-value comparison."""

    function = ""
    output_field = Field()


def _value(value):
    return value if hasattr(value, "resolve_expression") else Value(value)


def _rank_row() -> _Row:
    """The rank order (R4): the stored rank key, then the id."""
    return _Row(F("rank_key"), F("id"))


def ranked_above(rank_key, pk) -> LessThan:
    """Tickets that rank above (rank_key, pk): values, or OuterRefs in a subquery.

    One row-value comparison, `(rank_key, id) < (%s, %s)`: PostgreSQL bounds a scan of a rank
    index with it exactly (an index condition, nothing left to filter), and estimates its rows
    better than the equivalent `rank_key <= … AND (rank_key < … OR id < …)`.
    """
    return LessThan(_rank_row(), _Row(_value(rank_key), _value(pk)))


def _not_ranked_above(rank_key, pk) -> GreaterThanOrEqual:
    """`ranked_above`'s complement, as a lower bound of an index scan (PostgreSQL does not turn
    `NOT (a < b)` into `a >= b`, so `exclude(ranked_above(...))` would scan from the top)."""
    return GreaterThanOrEqual(_rank_row(), _Row(_value(rank_key), _value(pk)))


def _count(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """One row, one column: how many tickets (COUNT without GROUP BY, usable as a subquery)."""
    return tickets.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")


def _count_all(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`COUNT(*)`: an index-only scan of a rank index counts without reading a column."""
    return (
        tickets.order_by()
        .annotate(n=Func(template="COUNT(*)", output_field=IntegerField()))
        .values("n")
    )


def _number_one_and_claimed_ahead() -> QuerySet[Ticket]:
    # Every open ticket that ranks above the number one is claimed (else it would be the number
    # one), so its place is 1 + the claimed open tickets above it: a scan of the small
    # `ticket_claimed_rank` index, which PostgreSQL prefers even with a correlated bound.
    claimed_ahead = _count(
        Ticket.objects.filter(OPEN, assignee__isnull=False).filter(
            ranked_above(OuterRef("rank_key"), OuterRef("pk"))
        )
    )
    return number_one_candidates().annotate(
        claimed_ahead=Subquery(claimed_ahead, output_field=IntegerField())
    )[:1]


# A ticket's place by the rank buckets (triage.models.RankBucket, kept by PostgreSQL in the
# writing transaction): the open tickets in the buckets before its own, plus those of its own
# bucket ranked above it, an index range from the bucket's start (issue 14). Exact in one
# statement's snapshot; a count over the rank index from the top grew with the place (50,000
# index entries at place 50,000). Parameters: the rank key four times, then the id. The plain
# `rank_key <= %s` repeats what the row comparison says for the planner's sake: it estimates a
# row comparison's range poorly (71,500 rows for 0 at 1,000,000 tickets), and a large estimate
# buys parallel workers and JIT compilation, 20 to 100 ms for a count of a few index entries.
_AHEAD_BY_BUCKETS = (
    "(SELECT COALESCE(SUM(n), 0) FROM triage_rankbucket WHERE bucket < triage_rank_bucket(%s))"
    " + (SELECT COUNT(*) FROM triage_ticket WHERE in_queue"
    " AND rank_key >= triage_rank_bucket(%s) AND rank_key <= %s AND (rank_key, id) < (%s, %s))"
)


def _buckets() -> bool:
    """Whether the database keeps the rank buckets (PostgreSQL: migration triage 0014)."""
    return connection.vendor == "postgresql"


def _ahead(rank_key: str, pk: int) -> tuple[str, list]:
    """The SQL and parameters of one value: how many open tickets rank above (rank_key, pk)."""
    if _buckets():
        return f"SELECT {_AHEAD_BY_BUCKETS}", [rank_key, rank_key, rank_key, rank_key, pk]
    return _AHEAD.sql(rank_key=rank_key, pk=pk)


def _ahead_value(rank_key, pk):
    """`_ahead` as an expression of a precompiled read (values or placeholders)."""
    if _buckets():
        return RawSQL(  # noqa: S611 - constant SQL; the values are parameters
            _AHEAD_BY_BUCKETS,
            (rank_key, rank_key, rank_key, rank_key, pk),
            output_field=IntegerField(),
        )
    return Subquery(
        _count_all(Ticket.objects.filter(OPEN).filter(ranked_above(rank_key, pk))),
        output_field=IntegerField(),
    )


# GET /queue/next/ is the hottest read: one statement, compiled once (shared.precompiled).
_NUMBER_ONE = Precompiled(_number_one_and_claimed_ahead)
_AHEAD = Precompiled(
    lambda rank_key, pk: _count_all(Ticket.objects.filter(OPEN).filter(ranked_above(rank_key, pk))),
    rank_key=str,
    pk=int,
)


# The open ticket ranked just above one (the ticket page's "why below"), with the count of all
# open tickets ranked above that one: the ticket's place and its neighbour in one round trip.
_ABOVE = Precompiled(
    lambda rank_key, pk: (
        Ticket.objects.filter(OPEN)
        .filter(ranked_above(rank_key, pk))
        .annotate(ahead=_ahead_value(rank_key, pk))
        .order_by("-rank_key", "-id")[:1]
    ),
    rank_key=str,
    pk=int,
)


def queue_number_one() -> Ticket | None:
    """Return the number one unclaimed ticket, or None when there is none.

    Its place in the open queue is on it as `position`: claimed work can rank above it.
    """
    rows = _NUMBER_ONE.rows()
    if not rows:
        return None
    ticket = rows[0]
    ticket.position = ticket.claimed_ahead + 1
    return ticket


def position_of(ticket: Ticket) -> int | None:
    """Return the ticket's 1-based place in the open queue, or None once it is closed."""
    if not ticket.is_open:
        return None
    sql, params = _ahead(ticket.rank_key, ticket.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] + 1


def positions_of(tickets: Sequence[Ticket]) -> dict[int, int]:
    """Return open tickets' places in the open queue, in one query whatever their number.

    One statement, two parts: an index-only count of the open tickets ranked above the first
    of them, then one pass over the span from the first to the last, putting each ticket in a
    bucket: the first of the given tickets it ranks above. A CASE stops at its first true
    branch, so the span costs about one comparison per ticket in it, not one per ticket per row.
    Both parts are compiled once per process (the span once per number of tickets): built
    through the ORM, they cost about 3 ms of Python per filtered page (issue 14).
    """
    ordered = sorted((t for t in tickets if t.is_open), key=lambda t: (t.rank_key, t.pk))
    if not ordered:
        return {}
    first = ordered[0]
    sql, params = _ahead(first.rank_key, first.pk)
    sql, params = f"SELECT 0, ({sql})", list(params)
    if len(ordered) > 1:
        values = {"first_key": first.rank_key, "first_pk": first.pk}
        for i, ticket in enumerate(ordered[1:], start=1):
            values[f"key{i}"], values[f"pk{i}"] = ticket.rank_key, ticket.pk
        span_sql, span_params = _span(len(ordered)).sql(**values)
        sql, params = f"{sql} UNION ALL {span_sql}", [*params, *span_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(cursor.fetchall())
    positions, ahead_count = {}, 0
    for i, ticket in enumerate(ordered):
        ahead_count += counts.get(i, 0)
        positions[ticket.pk] = ahead_count + 1
    return positions


@cache
def _span(n: int) -> Precompiled:
    """`positions_of`'s second part for n tickets: the open tickets from the first (key0) to
    before the last (key{n-1}), counted per bucket i, the first of tickets 1..n-1 they rank
    above."""
    names: dict[str, type] = {"first_key": str, "first_pk": int}
    for i in range(1, n):
        names[f"key{i}"], names[f"pk{i}"] = str, int

    def build(**values) -> QuerySet[Ticket]:
        # The CASE repeats `ranked_above` compiled once: built through the ORM, 50 branches
        # cost about 20 ms of Python (issue 14).
        above = _ranked_above_sql()
        bucket = RawSQL(  # noqa: S611 - compiled SQL and integers; the values are parameters
            "CASE " + " ".join(f"WHEN {above} THEN {i}" for i in range(1, n)) + " END",
            [values[f"{part}{i}"] for i in range(1, n) for part in ("key", "pk")],
            output_field=IntegerField(),
        )
        last_key, last_pk = values[f"key{n - 1}"], values[f"pk{n - 1}"]
        return (
            Ticket.objects.filter(OPEN)
            .filter(_not_ranked_above(values["first_key"], values["first_pk"]))
            .filter(ranked_above(last_key, last_pk))
            # The same bounds on the column alone, for the planner's estimate (see above).
            .filter(rank_key__gte=values["first_key"], rank_key__lte=last_key)
            .order_by()
            .annotate(bucket=bucket)
            .values_list("bucket")
            .annotate(n=Count("id"))
        )

    return Precompiled(build, **names)


@cache
def _ranked_above_sql() -> str:
    """`ranked_above` as SQL with two placeholders, the rank key and the id."""
    query = Ticket.objects.all().query
    condition = ranked_above(Value("rank_key"), Value(0)).resolve_expression(query)
    sql, params = query.get_compiler(connection.alias).compile(condition)
    assert params == ["rank_key", 0], params  # noqa: S101 - the two placeholders, in order
    return sql


def place_and_above(ticket: Ticket) -> tuple[int | None, Ticket | None]:
    """Return the ticket's place in the open queue and the open ticket ranked just above it
    (None, None once it is closed), in one statement: a backward scan of the partial rank index
    from the ticket's own place (one entry read, at any depth) and an index-only count."""
    if not ticket.is_open:
        return None, None
    rows = _ABOVE.rows(rank_key=ticket.rank_key, pk=ticket.pk)
    if not rows:
        return 1, None
    above = rows[0]
    return above.ahead + 1, above


def ticket_above(ticket: Ticket) -> Ticket | None:
    """Return the open ticket ranked just above this one, or None."""
    return place_and_above(ticket)[1]
