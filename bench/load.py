"""Load test: mixed support-team traffic against gunicorn on PostgreSQL with N open tickets.

    DATABASE_URL is ignored: the test uses its own database (BENCH_DATABASE_URL, default
    postgres://postgres@127.0.0.1:5432/support_triage_bench), emptied first.

    .venv/bin/python bench/load.py                                  # 100k tickets, 5 minutes
    .venv/bin/python bench/load.py --tickets 20000 --seconds 20     # a short validation run
    .venv/bin/python bench/load.py --connections 16                 # skip the search

What it does:
1. Builds N open tickets with bench/queue.py's COPY path (the same rank code as the app)
   and a few support engineers with API tokens.
2. Starts gunicorn with production settings (persistent DB connections, CONN_MAX_AGE=600)
   and an access log carrying each request's server time. DRF throttles are switched off
   through the environment (API_THROTTLE_USER= and API_THROTTLE_ANON= empty): the test
   measures the app, not a rate limit meant for one client.
3. wrk (a C client with a Lua script: cheap on a 2-core machine, where a Python client such
   as locust would take CPU from the server it measures) sends a weighted mix as several
   engineers (see bench/_loadmix.py MIX): queue reads (number one, a page of 50, unclaimed
   page, a ticket), claims, triage of untriaged tickets, ticket creation, status changes.
4. wrk is closed-loop, so "the highest rate the machine holds" is found by stepping the
   connection count (--step-seconds each) and keeping the step with the best throughput
   whose p99 < --max-p99-ms and zero errors; then the full run (--seconds) at that count.
5. Afterwards, in SQL: duplicate claims, tickets created against 201s seen, claims recorded
   against 200s seen.

Errors: every answer but 200 (201 for creation) is an error, including 204: with N open
tickets and far fewer claims than N, "nothing left to claim" cannot be a normal answer, and
the script checks that unclaimed work remains. Triage never meets 409: it is sent to the
lowest-ranked untriaged tickets, each once per wrk thread stride (claims take the top).

Background tasks go through a real Redis broker to a real Celery worker (--broker, default
$REDIS_URL) as in production, so no task runs inside a request. On these endpoints the only
task path is a created ticket's proactive notice, which needs an open backed-up episode (made
by the periodic load evaluation, which this test does not run): the worker is there so that
anything enqueued is consumed, and the script reports what it ran. With --broker '' tasks run
in-process (CELERY_TASK_ALWAYS_EAGER).

Exit status: 0 only if p99 < --max-p99-ms, zero errors, zero duplicate claims and every
created ticket matches a 201. gunicorn and the worker are stopped on exit, error or Ctrl-C.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/load.py`, this file's folder comes first on sys.path and
# bench/queue.py would shadow the standard library's `queue` (see bench/queue.py).
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from bench import _loadmix as loadmix  # noqa: E402
from bench._common import (  # noqa: E402
    celery_worker,
    gunicorn,
    percentile,
    setup_django,
    wait_quiet,
    wait_ready,
)

CLAIM_REASON = "claimed the number one from the queue"  # queues.services.queue_claim


def _sigterm(signum, frame):
    raise KeyboardInterrupt  # run every `finally`: gunicorn and the worker are stopped


def make_engineers(n: int) -> list[str]:
    """Create n support engineers and return their API tokens."""
    from django.core.management import call_command

    tokens = []
    for i in range(n):
        buffer = io.StringIO()
        call_command("add_user", f"load-se-{i}", role="support", token=True, stdout=buffer)
        tokens.append(buffer.getvalue().strip().splitlines()[-1])
    return tokens


def lowest_untriaged(k: int) -> list[int]:
    """Return up to k untriaged tickets from the bottom of the queue (far from the claims)."""
    from triage.models import Ticket

    ids = (
        Ticket.objects.filter(status="new", triaged_at__isnull=True)
        .order_by("-rank_key", "-id")
        .values_list("id", flat=True)[:k]
    )
    return list(ids)


class Load:
    """One wrk client setup: the script's fixed data and where the triage ids have got to."""

    def __init__(self, base: str, workdir: Path, *, tokens, accounts, ticket_ids, triage_ids):
        self.base, self.workdir = base, workdir
        self.tokens, self.accounts = tokens, accounts
        self.ticket_ids, self.triage_ids = ticket_ids, triage_ids
        self.triage_offset = 0
        self.threads = 2

    def run(self, connections: int, seconds: int) -> loadmix.WrkResult:
        script = self.workdir / "mix.lua"
        script.write_text(
            loadmix.lua_script(
                tokens=self.tokens,
                account_ids=self.accounts,
                ticket_ids=self.ticket_ids,
                triage_ids=self.triage_ids,
                triage_offset=self.triage_offset,
                threads=self.threads,
            )
        )
        threads = min(self.threads, connections)
        out = subprocess.run(  # noqa: S603
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
             "-s", str(script), self.base],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        result = loadmix.parse_wrk(out)
        # The next run starts past every id this one handed out (answered or not).
        self.triage_offset = result.triage_next
        return result


def search(load: Load, steps: list[int], seconds: int, max_p99: float) -> int:
    """Step the connection count; return the one with the best rate that stays healthy."""
    print(f"\nsearch: {seconds} s per step, keep p99 < {max_p99:.0f} ms and 0 errors")
    print(f"  {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}")
    best, best_rate = None, 0.0
    for connections in steps:
        r = load.run(connections, seconds)
        healthy = r.p99 < max_p99 and r.errors == 0
        print(f"  {connections:>5} {r.rate:>8.1f} {r.p50:>8.1f} {r.p99:>8.1f} {r.errors:>6}"
              f"{'' if healthy else '  (over the limit)'}", flush=True)  # fmt: skip
        if not healthy:
            break
        if best is not None and r.rate < best_rate * 1.03:
            break  # saturated: more connections only add queueing
        if r.rate > best_rate:
            best, best_rate = connections, r.rate
    if best is None:
        raise SystemExit(f"no step held p99 < {max_p99:.0f} ms with zero errors")
    return best


def sql_checks(*, first_new_id: int, first_event_id: int) -> dict[str, int]:
    """Count, in SQL, what the run left behind (claims over the whole session)."""
    from django.db import connection

    queries = {
        # A claim writes one 'assignee' line (queues.services.queue_claim); a ticket with two
        # claim lines was handed out twice, whoever claimed it.
        "tickets claimed more than once": """
            SELECT count(*) FROM (SELECT ticket_id FROM triage_ticketevent
              WHERE kind = 'assignee' AND reason = %(claim)s
              GROUP BY ticket_id HAVING count(*) > 1) twice""",
        # The ticket's assignee must be the engineer whose claim is on the timeline.
        "claimed tickets assigned to someone else": """
            SELECT count(*) FROM triage_ticketevent e JOIN triage_ticket t ON t.id = e.ticket_id
              WHERE e.kind = 'assignee' AND e.reason = %(claim)s
              AND t.assignee_id IS DISTINCT FROM e.actor_id""",
        "claims recorded (full run)": """
            SELECT count(*) FROM triage_ticketevent
              WHERE kind = 'assignee' AND reason = %(claim)s AND id >= %(event)s""",
        # Each PATCH moves a different ticket to waiting_on_customer: one timeline line each.
        "status changes to waiting recorded (full run)": """
            SELECT count(*) FROM triage_ticketevent
              WHERE kind = 'status' AND to_value = 'waiting_on_customer' AND id >= %(event)s""",
        "tickets created (full run)": "SELECT count(*) FROM triage_ticket WHERE id >= %(ticket)s",
        "tickets created without their timeline line": """
            SELECT count(*) FROM triage_ticket t WHERE t.id >= %(ticket)s AND NOT EXISTS
              (SELECT 1 FROM triage_ticketevent e WHERE e.ticket_id = t.id AND e.kind = 'created')
        """,
        "open unclaimed tickets left": """
            SELECT count(*) FROM triage_ticket WHERE assignee_id IS NULL
              AND status NOT IN ('resolved', 'closed')""",
    }
    params = {"claim": CLAIM_REASON, "event": first_event_id, "ticket": first_new_id}
    out = {}
    with connection.cursor() as cursor:
        for label, sql in queries.items():
            cursor.execute(sql, params)
            out[label] = cursor.fetchone()[0]
    return out


def next_ids() -> tuple[int, int]:
    """Return the next ticket id and the next event id (where the full run's rows start)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM triage_ticket")
        ticket = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM triage_ticketevent")
        event = cursor.fetchone()[0]
    return ticket, event


def kind_table(stats: dict[str, loadmix.KindStats]) -> list[str]:
    lines = [f"  {'kind':<16} {'requests':>8} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7}"
             f" {'max ms':>7}  statuses"]  # fmt: skip
    for kind in [*loadmix.MIX, "other"]:
        if kind not in stats:
            continue
        s = stats[kind]
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(s.statuses.items()))
        lines.append(
            f"  {kind:<16} {len(s.ms):>8} {percentile(s.ms, 50):>7.1f} {percentile(s.ms, 90):>7.1f}"
            f" {percentile(s.ms, 99):>7.1f} {max(s.ms):>7.1f}  {codes}"
        )
    return lines


def main() -> int:  # noqa: PLR0915 - one linear report
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=300, help="length of the full run")
    parser.add_argument("--connections", type=int, help="skip the search: use this many")
    parser.add_argument("--steps", default="2,4,8,12,16,24,32,48,64")
    parser.add_argument("--step-seconds", type=int, default=20)
    parser.add_argument("--max-p99-ms", type=float, default=500.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--engineers", type=int, default=8, help="support users sending load")
    parser.add_argument(
        "--broker",
        default=os.environ.get("REDIS_URL", ""),
        help="Redis URL for Celery (default $REDIS_URL); '' runs tasks in-process",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    signal.signal(signal.SIGTERM, _sigterm)

    setup_django()  # production settings on the benchmark database (tasks in-process here)
    from django.db import connection

    from bench.queue import build
    from triage.models import Account

    print(f"building {args.tickets:,} open tickets ...", flush=True)
    insert_rate = build(args.tickets)
    tokens = make_engineers(args.engineers)
    accounts = list(
        Account.objects.filter(name__startswith="Bench ")
        .exclude(tier="presales")
        .values_list("id", flat=True)
    )
    triage_ids = lowest_untriaged(min(args.tickets // 2, 50_000))
    connection.close()

    # The server's environment: throttles off, tasks through the broker (or in-process).
    os.environ["API_THROTTLE_USER"] = ""
    os.environ["API_THROTTLE_ANON"] = ""
    os.environ["REDIS_URL"] = args.broker
    os.environ.setdefault("CELERY_QUEUE", "support-triage-load")
    # whitenoise warns once per gunicorn worker that collectstatic has not run: not our topic.
    os.environ.setdefault("PYTHONWARNINGS", "ignore:No directory at:UserWarning")
    if not args.broker:
        os.environ.pop("REDIS_URL")

    workdir = Path(tempfile.mkdtemp(prefix="st-load-"))
    access_log = workdir / "access.log"
    extra = ("--access-logfile", str(access_log), "--access-logformat", loadmix.ACCESS_LOG_FORMAT)
    try:
        with (
            celery_worker(args.broker, workdir) as worker_log,
            gunicorn(workers=args.workers, threads=args.threads, extra=extra) as base,
        ):
            load = Load(
                base, workdir, tokens=tokens, accounts=accounts,
                ticket_ids=(1, args.tickets), triage_ids=triage_ids,
            )  # fmt: skip
            wait_ready(base, tokens[0])
            load.run(4, 5)  # warm every worker's DB connection
            if args.connections:
                connections = args.connections
            else:
                steps = [int(s) for s in args.steps.split(",")]
                connections = search(load, steps, args.step_seconds, args.max_p99_ms)
            print(f"\nfull run: {connections} connections for {args.seconds} s ...", flush=True)
            wait_quiet(access_log)
            first_new_id, first_event_id = next_ids()
            connection.close()
            log_offset = access_log.stat().st_size
            result = load.run(connections, args.seconds)
            wait_quiet(access_log)  # stopping gunicorn would wait for them too; this is quicker
        # gunicorn has stopped: every request has been answered and logged.
        with access_log.open() as f:
            whole = f.readlines()
        with access_log.open() as f:
            f.seek(log_offset)
            stats = loadmix.parse_access_log(f)
        session = loadmix.parse_access_log(whole)
        tasks_run = (
            sum("succeeded in" in line for line in worker_log.open()) if worker_log else None
        )
        checks = sql_checks(first_new_id=first_new_id, first_event_id=first_event_id)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    server_errors = loadmix.errors_by_kind(stats)
    created_201 = stats.get("create", loadmix.KindStats()).statuses.get(201, 0)
    claimed_200 = stats.get("claim", loadmix.KindStats()).statuses.get(200, 0)
    waiting_200 = stats.get("status", loadmix.KindStats()).statuses.get(200, 0)
    triaged = [line.split("|")[1] for line in whole if "/triage/|" in line]
    duplicates = (
        checks["tickets claimed more than once"]
        + checks["claimed tickets assigned to someone else"]
    )

    print(f"\nbench/load.py — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    print(f"  data: {args.tickets:,} open tickets (COPY build {insert_rate:,.0f} tickets/s), "
          f"{len(accounts)} customer accounts, {args.engineers} support engineers")  # fmt: skip
    tasks = f"via {args.broker} + 1 Celery worker" if args.broker else "in-process"
    print(f"  server: gunicorn {args.workers} workers x {args.threads} threads, production "
          f"settings, PostgreSQL, throttles off, tasks {tasks}")  # fmt: skip
    print("  mix: " + ", ".join(f"{k} {w}%" for k, w in loadmix.MIX.items()))
    print(f"  client: wrk, {connections} connections, {args.seconds} s")
    print(f"\n  requests            {result.requests:,}")
    print(f"  requests/s          {result.rate:,.1f}")
    print(f"  latency p50/p90/p99 {result.p50:.1f} / {result.p90:.1f} / {result.p99:.1f} ms"
          f" (max {result.max:.1f} ms; wrk, client side)")  # fmt: skip
    print("  statuses (wrk)      "
          + ", ".join(f"{c}: {n}" for c, n in sorted(result.statuses.items())))  # fmt: skip
    print(f"  socket errors       {result.socket_errors} (timeouts {result.timeouts})")
    print(f"  errors              {result.errors} seen by wrk; by kind in gunicorn's log: "
          f"{server_errors or 'none'}")  # fmt: skip
    print("\n  per kind (gunicorn's request time: server side, without the listen queue)")
    print("\n".join(kind_table(stats)))
    print("\n  checked in SQL afterwards")
    for label, value in checks.items():
        print(f"  {label:<44} {value:,}")
    print(f"  {'201s logged by gunicorn (full run)':<44} {created_201:,}")
    print(f"  {'201s seen by wrk (full run)':<44} {result.statuses.get(201, 0):,}")
    print(f"  {'claim 200s logged by gunicorn (full run)':<44} {claimed_200:,}")
    print(f"  {'status PATCH 200s logged (full run)':<44} {waiting_200:,}")
    print(f"  {'triage requests / distinct tickets (all runs)':<44} "
          f"{len(triaged):,} / {len(set(triaged)):,}")  # fmt: skip
    print(f"  {'requests logged over the whole session':<44} "
          f"{sum(len(s.ms) for s in session.values()):,}")  # fmt: skip
    if tasks_run is not None:
        print(f"  {'Celery tasks run by the worker':<44} {tasks_run:,}")
    print(f"\n  duplicate claims: {duplicates}")

    failures = []
    if result.p99 >= args.max_p99_ms:
        failures.append(f"p99 {result.p99:.1f} ms >= {args.max_p99_ms:.0f} ms")
    if result.errors or server_errors:
        failures.append("errors")
    if duplicates:
        failures.append(f"{duplicates} duplicate claims")
    if checks["tickets created (full run)"] != created_201:
        failures.append("tickets created differ from 201s logged")
    if checks["claims recorded (full run)"] != claimed_200:
        failures.append("claims recorded differ from claim 200s logged")
    if checks["status changes to waiting recorded (full run)"] != waiting_200:
        failures.append("status changes recorded differ from PATCH 200s logged")
    if checks["tickets created without their timeline line"]:
        failures.append("tickets without their 'created' line")
    if not checks["open unclaimed tickets left"]:
        failures.append("the claims emptied the queue: use more --tickets")
    print("  result: " + ("PASS" if not failures else "FAIL — " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn and the worker were stopped", file=sys.stderr)
        sys.exit(130)
