"""Benchmark: the leadership dashboard at 100k tickets must render in under 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/support_triage \
        .venv/bin/python bench/dashboard.py [--tickets 100000] [--days 365] [--runs 7]

Creates a throwaway database (`bench_<name>`, dropped afterwards), bulk-creates tickets,
their timeline events and SLA clocks, then renders /dashboard/ as a leadership user and
prints the data size, the query count, the render times and the figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

LIMIT_MS = 300
TIERS = ["presales", "enterprise", "enterprise", "team", "team", "free", "open_source", "internal"]
OPEN = ["new", "triaged", "in_progress", "waiting_on_customer", "escalated"]


def build(count: int, rng: random.Random, days: int) -> dict:
    """Bulk-create `count` tickets over `days` days with events and clocks; return row counts."""
    from shared.hours import ALWAYS_OPEN
    from tests.factories import UserFactory
    from triage import rank, sla
    from triage.clock_plan import TEAM_GOAL, plan_clocks
    from triage.models import Account, SlaClock, Ticket, TicketEvent
    from triage.priority import suggested_priority
    from triage.selectors import sla_book

    now = timezone.now()
    book = sla_book(now)
    sam = UserFactory(username="sam", role="support")
    accounts = {
        tier: Account.objects.bulk_create(
            Account(name=f"{tier} {i}", tier=tier, deployment="cloud") for i in range(10)
        )
        for tier in set(TIERS) - {"internal"}
    }
    tickets = []
    for _ in range(count):
        tier = rng.choice(TIERS)
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * days))
        age = now - created
        severity = "" if tier == "internal" else rng.choice(["p0", "p1", "p2", "p2", "p2"])
        source = {"internal": "internal", "presales": "presales"}.get(tier, "customer")
        priority = suggested_priority(source=source, tier=tier, severity=severity or None)
        done = age > timedelta(days=2) and rng.random() < 0.9
        status = rng.choice(["resolved", "closed"]) if done else rng.choice(OPEN)
        answered = done or rng.random() < 0.5
        first = created + timedelta(minutes=rng.randint(5, 600)) if answered else None
        ticket = Ticket(
            title="Bench ticket",
            source=source,
            account=None if tier == "internal" else rng.choice(accounts[tier]),
            tier=tier,
            reported_severity=severity,
            severity=severity,
            priority=priority,
            suggested_priority=priority,
            status=status,
            assignee=sam if status != "new" else None,
            created_at=created,
            updated_at=now,
            first_response_at=first if first and first < now else None,
        )
        rule = book.rule(tier=tier, priority=priority)
        if source != "internal":
            ticket.goal_due_at = created + TEAM_GOAL
            ticket.due_at = sla.due_at(rule.hours, created, rule.target) if rule else None
            ticket.due_at = ticket.due_at or ticket.goal_due_at
        ticket.rank_key = rank.rank_key(ticket.facts())
        ticket._closed_at = created + (age * rng.random()) if done else None
        tickets.append(ticket)
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    events, clocks = [], []
    for t in tickets:
        events.append(TicketEvent(ticket=t, at=t.created_at, kind="created", to_value=t.tier))
        if t.first_response_at:
            events.append(TicketEvent(ticket=t, at=t.first_response_at, kind="reply", body="."))
        if t._closed_at:
            events.append(
                TicketEvent(
                    ticket=t,
                    at=max(t._closed_at, t.first_response_at or t.created_at),
                    kind="status",
                    from_value="in_progress",
                    to_value=t.status,
                )
            )
        if t.source == "internal":
            continue
        rule = book.rule(tier=t.tier, priority=t.priority)
        hours, target = (rule.hours, rule.target) if rule else (ALWAYS_OPEN, TEAM_GOAL)
        for plan in plan_clocks(
            created_at=t.created_at,
            is_open=t.status in OPEN,
            first_response_at=t.first_response_at,
            last_reply_at=t.first_response_at,
            hours=hours,
            target=target,
            contractual=rule is not None,
            pauses=(),
            closed_at=t._closed_at,
        ):
            clocks.append(
                SlaClock(
                    ticket=t,
                    kind=plan.kind,
                    started_at=plan.started_at,
                    target_minutes=int(plan.target.total_seconds() // 60),
                    contractual=plan.contractual,
                    due_at=plan.due_at,
                    warn_at=plan.warn_at,
                    stopped_at=plan.stopped_at,
                    answered_at=plan.answered_at,
                )
            )
    TicketEvent.objects.bulk_create(events, batch_size=5000)
    SlaClock.objects.bulk_create(clocks, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: statistics and the visibility map
            # (index-only scans on the covering clock index need it).
            cursor.execute("VACUUM ANALYZE")
    return {"tickets": len(tickets), "events": len(events), "clocks": len(clocks)}


def measure(runs: int) -> tuple[list[float], int, bytes]:
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(username="lee", role="leadership"))
    client.get("/dashboard/")  # warm up: template loading, first connection
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get("/dashboard/")
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times, len(ctx.captured_queries), response.content


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--days", type=int, default=365, help="history the tickets are spread over (default 365)"
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    args = parser.parse_args()

    setup_test_environment()
    db = connection.settings_dict
    name = f"bench_{Path(str(db['NAME'])).stem}"
    if connection.vendor == "sqlite":
        name = str(Path(tempfile.gettempdir()) / f"{name}.sqlite3")  # not in the work tree
    db["TEST"]["NAME"] = name
    old_name = db["NAME"]
    if args.reuse:
        connection.close()
        db["NAME"] = db["TEST"]["NAME"]
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        if args.reuse:
            from triage.models import SlaClock, Ticket, TicketEvent

            size = {
                "tickets": Ticket.objects.count(),
                "events": TicketEvent.objects.count(),
                "clocks": SlaClock.objects.count(),
            }
        else:
            size = build(args.tickets, random.Random(args.seed), args.days)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        print(
            f"data: {size['tickets']:,} tickets, {size['events']:,} events, "
            f"{size['clocks']:,} SLA clocks over {args.days} days "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        times, queries, _ = measure(args.runs)
        median, worst = statistics.median(times), max(times)
        print(
            f"/dashboard/: {queries} queries; median {median:.0f} ms, worst {worst:.0f} ms "
            f"over {args.runs} runs (limit {LIMIT_MS} ms)"
        )
        from dashboards import figures as dashboard

        now = timezone.now()
        with CaptureQueriesContext(connection) as ctx:
            for name in dashboard.FIGURES:
                t0 = time.perf_counter()
                data = dashboard.dashboard_figure(name, now)
                print(f"  {name:<15}{(time.perf_counter() - t0) * 1000:7.1f} ms", end="")
                print(f"  {_summary(name, data)}")
        print(f"figures: {len(ctx.captured_queries)} queries")
        return 0 if median < LIMIT_MS else 1
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)


def _summary(name: str, data) -> str:
    if data is None:
        return "not available yet (merge seam)"
    if name == "matrix":
        return f"{data['total']:,} open; " + ", ".join(
            f"{r['priority']}={r['total']}" for r in data["rows"]
        )
    if name == "attainment":
        return "; ".join(
            f"{r['target']} {r['days']}d {r['attainment']:.1%} "
            f"({r['met']}/{r['met'] + r['missed']})"
            for r in data["rows"]
            if r["attainment"] is not None
        )
    if name == "response_times":
        return "; ".join(
            f"{r['days']}d n={r['answered']} "
            f"median {r['median_minutes']} m p90 {r['p90_minutes']} m"
            for r in data["rows"]
        )
    if name == "backlog":
        return "open at end of day, last 5: " + ", ".join(
            str(p["open"]) for p in data["points"][-5:]
        )
    return f"{len(data.get('rows', []))} rows"


if __name__ == "__main__":
    sys.exit(main())
