"""Benchmark the ranked queue at N tickets on PostgreSQL.

    DATABASE_URL is ignored: the benchmark uses its own database (BENCH_DATABASE_URL,
    default postgres://postgres@127.0.0.1:5432/support_triage_bench), emptied first.

    .venv/bin/python bench/queue.py --tickets 10000
    .venv/bin/python bench/queue.py --tickets 1000000

Prints: insert rate (bulk path, same rank code), the number-one query time, p50/p99 and
requests/s of GET /api/v1/queue/next/ and GET /api/v1/queue/?limit=50 through gunicorn
(token auth, persistent DB connections, wrk as the client), the claim rate with 4
concurrent clients, and SQL queries per request.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/queue.py`, this file's folder comes first on sys.path and the file
# itself would shadow the standard library's `queue` (which threading helpers import).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import io  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from bench._common import gunicorn, percentile, setup_django, wrk  # noqa: E402

COPY_COLUMNS = [
    "title", "description", "source", "account_id", "tier", "reported_severity", "severity",
    "priority", "suggested_priority", "status", "pin_reason", "created_at", "updated_at",
    "due_at", "goal_due_at", "rank_key",
]  # fmt: skip


def build(n: int) -> float:
    """Empty the tables, then file n tickets: rank code per ticket, rows streamed with COPY."""
    from django.db import connection

    from triage import services
    from triage.models import Account, Ticket
    from triage.priority import suggested_priority
    from triage.selectors import sla_book

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE triage_ticketevent, triage_ticket RESTART IDENTITY CASCADE")
    tiers = ["presales", "enterprise", "team", "free", "open_source"]
    accounts = [
        Account.objects.get_or_create(
            name=f"Bench {tier} {i}", defaults={"tier": tier, "deployment": "cloud"}
        )[0]
        for tier in tiers
        for i in range(20)
    ]
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    book = sla_book(now)
    started = time.perf_counter()
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY triage_ticket ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for i in range(n):
                account = accounts[i % len(accounts)] if i % 20 else None
                source = (
                    "internal"
                    if account is None
                    else ("presales" if account.tier == "presales" else "customer")
                )
                tier = account.tier if account else "internal"
                severity = ("p0", "p1", "p2", "p2", "p2", "")[i % 6] if account else ""
                created = now - timedelta(seconds=i * 7 % 864_000)
                ticket = Ticket(
                    title=f"Bench ticket {i}",
                    source=source,
                    account=account,
                    tier=tier,
                    severity=severity,
                    reported_severity=severity,
                    status="new",
                    created_at=created,
                    updated_at=created,
                    priority=suggested_priority(
                        source=source, tier=tier, severity=severity or None
                    ),
                )
                services.ticket_refresh_rank(ticket, book=book)  # the same rank code
                copy.write_row([getattr(ticket, c) for c in COPY_COLUMNS])
        # Every ticket gets its "created" line on the timeline (R10), as ticket_create does.
        cursor.execute(
            "INSERT INTO triage_ticketevent (ticket_id, at, kind, from_value, to_value, reason,"
            " body) SELECT id, created_at, 'created', '', source || ' · ' || tier || ' · ' ||"
            " priority, '', '' FROM triage_ticket"
        )
    raw.commit()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE triage_ticket")
        # The rank buckets took one update per filed ticket: vacuumed as autovacuum would.
        cursor.execute("VACUUM ANALYZE triage_rankbucket")
    return n / elapsed


def number_one_ms(samples: int = 300) -> tuple[float, float]:
    from triage.selectors import queue_number_one

    times = []
    for _ in range(samples):
        t = time.perf_counter()
        queue_number_one()
        times.append((time.perf_counter() - t) * 1000)
    return percentile(times, 50), percentile(times, 99)


def queries_per_request(token: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    counts = {}
    for name, call in [
        ("GET /queue/next/", lambda: client.get("/api/v1/queue/next/")),
        ("GET /queue/?limit=50", lambda: client.get("/api/v1/queue/?limit=50")),
        ("GET /queue/?limit=50&assigned=false", lambda: client.get(
            "/api/v1/queue/?limit=50&assigned=false")),
        ("POST /queue/claim/", lambda: client.post("/api/v1/queue/claim/")),
    ]:  # fmt: skip
        call()
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        assert response.status_code in (200, 204), response.status_code
        counts[name] = len(ctx.captured_queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    out = {}
    out["insert rate (tickets/s)"] = f"{build(args.tickets):,.0f}"
    p50, p99 = number_one_ms()
    out["number-one query p50/p99 (ms, in-process)"] = f"{p50:.3f} / {p99:.3f}"

    buffer = io.StringIO()
    call_command("add_user", "bench-se", role="support", token=True, stdout=buffer)
    token = buffer.getvalue().strip().splitlines()[-1]
    for name, count in queries_per_request(token).items():
        out[f"SQL queries {name}"] = str(count)
    connection.close()

    with gunicorn(workers=args.workers, threads=args.threads) as base:
        for label, path in [
            ("GET /api/v1/queue/next/", "/api/v1/queue/next/"),
            ("GET /api/v1/queue/?limit=50", "/api/v1/queue/?limit=50"),
        ]:
            wrk(base + path, token, seconds=2)  # warm every worker's connection
            rps, p50, p99, errors = wrk(base + path, token, seconds=args.seconds)
            out[f"{label} req/s"] = f"{rps:,.0f}"
            out[f"{label} p50/p99 (ms)"] = f"{p50:.2f} / {p99:.2f}"
            out[f"{label} errors"] = str(errors)
        rps, p50, p99, errors = wrk(
            base + "/api/v1/queue/claim/", token, seconds=args.seconds, connections=4,
            method="POST",
        )  # fmt: skip
        out["POST /api/v1/queue/claim/ with 4 clients: claims/s"] = f"{rps:,.0f}"
        out["claim p50/p99 (ms)"] = f"{p50:.2f} / {p99:.2f}"
        out["claim errors"] = str(errors)

    from django.db.models import Count

    from triage.models import TicketEvent

    dupes = (
        TicketEvent.objects.filter(kind="assignee", from_value="")
        .values("ticket_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    out["tickets claimed twice"] = str(dupes)

    print(f"\nbench/queue.py — {args.tickets:,} tickets on PostgreSQL, "
          f"gunicorn {args.workers} workers x {args.threads} threads, 2 cores, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")  # fmt: skip
    width = max(len(k) for k in out)
    for key, value in out.items():
        print(f"  {key:<{width}}  {value}")


if __name__ == "__main__":
    main()
