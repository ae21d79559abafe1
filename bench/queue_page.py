"""Time the queue page at 100k open tickets on PostgreSQL and print p50/p95 (target: p50 < 150 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/support_triage \\
        .venv/bin/python bench/queue_page.py [--tickets 100000] [--runs 40] [--keep]

It builds its own database (named by BENCH_DATABASE_NAME, default `bench_queue_page`) next to the
one DATABASE_URL names, fills it through the bulk path (Ticket rows whose rank comes from
`services.ticket_refresh_rank`, saved with `bulk_create`), renders the page through Django's
test client (middleware, session, templates: everything but the network) and drops the database
afterwards unless --keep is given (a kept database with the right size is reused).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/queue_page.py`, this file's folder comes first on sys.path, and its
# neighbour bench/queue.py would shadow the standard library's `queue`.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["TEST_DATABASE_NAME"] = os.environ.get("BENCH_DATABASE_NAME", "bench_queue_page")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

TIERS = ["presales", "enterprise", "team", "free", "open_source", "internal"]
SEVERITIES = ["p0", "p1", "p2", "p2", "p2", "p3"]
BATCH = 5_000


def build(n: int, engineers: list) -> None:
    from triage import priority
    from triage.models import Account, Source, Status, Ticket
    from triage.selectors import sla_book
    from triage.services import ticket_refresh_rank

    rng = random.Random(20261127)
    now = timezone.now()
    book = sla_book(now)
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench account {i}", tier=TIERS[i % 5], deployment="cloud")
        for i in range(1_000)
    )
    by_tier: dict[str, list] = {}
    for account in accounts:
        by_tier.setdefault(account.tier, []).append(account)
    open_statuses = [Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER]
    batch: list[Ticket] = []
    for i in range(n):
        tier = rng.choices(TIERS, weights=[3, 25, 25, 25, 12, 10])[0]
        account = None if tier == "internal" else rng.choice(by_tier[tier])
        source = {"internal": Source.INTERNAL, "presales": Source.PRESALES}.get(
            tier, Source.CUSTOMER
        )
        severity = rng.choice(SEVERITIES) if tier != "internal" else ""
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 14))
        ticket = Ticket(
            title=f"Bench ticket {i}: something is not working as expected",
            description="",
            source=source,
            account=account,
            tier=tier,
            reported_severity=severity,
            severity=severity,
            status=rng.choice(open_statuses),
            assignee=rng.choice(engineers) if rng.random() < 0.3 else None,
            created_at=created,
            updated_at=created,
        )
        ticket.priority = priority.suggested_priority(
            source=source, tier=tier, severity=severity or None
        )
        if i % 20_000 == 0:
            ticket.pinned_at, ticket.pinned_by, ticket.pin_reason = now, engineers[0], "bench"
        ticket_refresh_rank(ticket, book=book)
        batch.append(ticket)
        if len(batch) == BATCH:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client: Client, url: str, runs: int) -> list[float]:
    for _ in range(3):  # warm up: connection, template loading, PostgreSQL's caches
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the database")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/queue_page.py needs PostgreSQL: set DATABASE_URL=postgres://…")

    setup_test_environment()
    settings.DEBUG = False
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=args.keep)
    try:
        from tests.factories import UserFactory
        from triage.models import OPEN, Ticket

        sam = UserFactory(username="sam", role="support")
        engineers = [sam] + [UserFactory(username=f"se{i}", role="support") for i in range(9)]
        open_count = Ticket.objects.filter(OPEN).count()
        if open_count != args.tickets:
            Ticket.objects.all().delete()
            start = time.perf_counter()
            build(args.tickets, engineers)
            print(f"built {args.tickets:,} open tickets in {time.perf_counter() - start:.1f} s")
            open_count = Ticket.objects.filter(OPEN).count()

        client = Client()
        client.force_login(sam)
        print(
            f"queue page on PostgreSQL {connection.pg_version // 10000}: "
            f"{open_count:,} open tickets, {args.runs} renders per view, 50 rows a page"
        )
        views = {
            "queue (home)": "/",
            "htmx refresh": "/",
            "filtered: mine": "/?show=mine",
            "filtered: p1 team": "/?priority=p1&tier=team",
            "page 20": "/?page=20",
        }
        for name, url in views.items():
            if name == "htmx refresh":
                client.defaults["HTTP_HX_REQUEST"] = "true"
            times = timed(client, url, args.runs)
            client.defaults.pop("HTTP_HX_REQUEST", None)
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[-1]
            print(f"  {name:<20} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({url})")
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
