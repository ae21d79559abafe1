"""Benchmark: the load evaluation plus proactive-notice fan-out over N waiting tickets (R7).

Needs PostgreSQL and Redis. It uses its own database (dropped, created and migrated here;
its name must contain 'bench'), starts one
Celery worker of its own (console mail backend, output discarded), and stops it by its PID.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_st_notices \\
    REDIS_URL=redis://127.0.0.1:6379/5 CELERY_QUEUE=st-bench-notices \\
    .venv/bin/python bench/notices.py --tickets 100000

Prints the data size with the figures: time to decide and enqueue (one evaluation: load
state, bulk INSERT ... ON CONFLICT DO NOTHING of one outbox row per waiting ticket, and the
delivery tasks enqueued in batches), a second evaluation (nothing new), and the delivery
throughput of one worker (claim, send, mark sent + timeline event per notice).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, and bench/queue.py would shadow the
# standard `queue` module (which psycopg and kombu import): put the project root there.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("EMAIL_URL", "consolemail://")
os.environ.setdefault("CELERY_QUEUE", "st-bench-notices")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument("--no-deliver", action="store_true", help="skip the worker delivery")
    parser.add_argument("--deliver-timeout", type=float, default=1800)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is created and reset here).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: delivery goes through the broker to a real worker.")
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _run(args)


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if "bench" not in name:
        sys.exit(f"Refusing to reset {name!r}: name a database with 'bench' in it.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')  # a fresh schema
        conn.execute(f'create database "{name}"')


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "truncate queues_notice, queues_loadepisode, queues_noticeswitch, "
            "triage_ticketevent, triage_ticket, triage_account restart identity cascade"
        )


def _seed(n_tickets: int, n_accounts: int, now: datetime) -> None:
    from queues.demo import seed_rota
    from triage import rank
    from triage.models import Account, Ticket

    seed_rota()
    zones = ["", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
    tiers = ["enterprise", "team", "free", "open_source", "presales"]
    accounts = Account.objects.bulk_create(
        Account(
            name=f"Bench account {i}",
            tier=tiers[i % len(tiers)],
            deployment="cloud",
            timezone=zones[i % len(zones)],
        )
        for i in range(n_accounts)
    )
    batch = []
    for i in range(n_tickets):
        account = accounts[i % n_accounts]
        created = now - timedelta(minutes=30 + i % 600)
        ticket = Ticket(
            title=f"Bench ticket {i}",
            source="presales" if account.tier == "presales" else "customer",
            account=account,
            tier=account.tier,
            severity="p2",
            priority="p2" if account.tier in ("enterprise", "team", "presales") else "p3",
            suggested_priority="p2",
            status="new",
            created_at=created,
            updated_at=created,
            goal_due_at=created + timedelta(hours=2),
            due_at=created + timedelta(hours=2),
        )
        ticket.rank_key = rank.rank_key(ticket.facts())
        batch.append(ticket)
        if len(batch) == 10_000:
            Ticket.objects.bulk_create(batch)
            batch = []
    if batch:
        Ticket.objects.bulk_create(batch)


def _start_worker() -> subprocess.Popen:
    env = {**os.environ, "EMAIL_URL": "consolemail://"}
    worker = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [
            str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
            "-l", "warning", "--concurrency", "1", "-n", f"bench-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the console mail backend prints every message: discard
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1, destination=[f"bench-{os.getpid()}@{os.uname().nodename}"]):
            return worker
    worker.terminate()
    sys.exit("the benchmark worker did not answer within 60 s")


def _run(args) -> None:
    from django.db import connection

    from config.celery import app
    from queues import services
    from queues.models import Notice, NoticeStatus

    app.conf.task_always_eager = False
    # Monday 10:00 UTC: the demo rota has 3 EMEA engineers working; N tickets is backed up.
    now = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    _reset()
    app.control.purge()
    t = time.perf_counter()
    _seed(args.tickets, args.accounts, now)
    seed_s = time.perf_counter() - t
    with connection.cursor() as cursor:
        cursor.execute("analyze")
    pg = connection.pg_version // 10000
    print(
        f"data: {args.tickets:,} waiting tickets over {args.accounts:,} accounts, 10 engineers "
        f"on the rota (seeded in {seed_s:.1f} s); PostgreSQL {pg}, console mail discarded"
    )

    worker = None if args.no_deliver else _start_worker()
    try:
        t = time.perf_counter()
        ev = services.load_evaluate(now=now)  # decide + commit + enqueue (on commit)
        decide_s = time.perf_counter() - t
        enqueued = Notice.objects.filter(enqueued_at__isnull=False).count()
        load = os.getloadavg()[0]
        print(f"evaluate + decide + enqueue: {decide_s:.2f} s — level {ev.health.level} "
              f"({ev.health.state}), {ev.notices_created:,} notices written, {enqueued:,} enqueued "
              f"in {-(-enqueued // services.NOTICE_BATCH)} tasks of up to "
              f"{services.NOTICE_BATCH} (load avg {load:.1f}, {os.cpu_count()} cores)")  # fmt: skip
        t = time.perf_counter()
        again = services.load_evaluate(now=now + timedelta(minutes=1))
        print(f"second evaluation (same episode): {time.perf_counter() - t:.2f} s, "
              f"{again.notices_created} new notices")  # fmt: skip
        if worker is None:
            return
        t = time.perf_counter()
        deadline = t + args.deliver_timeout
        total = ev.notices_created
        sent = 0
        while time.perf_counter() < deadline:
            sent = Notice.objects.filter(status=NoticeStatus.SENT).count()
            if sent >= total:
                break
            time.sleep(1)
        elapsed = time.perf_counter() - t
        print(
            f"delivery with one worker: {sent:,} of {total:,} sent in {elapsed:.1f} s "
            f"= {sent / elapsed:,.0f} notices/s (claim, word, send, mark sent + timeline event)"
        )
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
            app.control.purge()


if __name__ == "__main__":
    main()
