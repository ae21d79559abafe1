"""Faults survived: kill the Celery worker, restart Redis and PostgreSQL under traffic, then prove
that no ticket, timeline event or notice was lost or duplicated.

    .venv/bin/python bench/faults.py [--gap 4] [--outage 5]

Self-contained: it starts its OWN PostgreSQL 15 cluster (initdb in a temp dir, run as the
`postgres` OS user, fsync on) and its OWN redis-server (nothing kept on disk), each on a free
port, so the machine's shared servers are never touched. Against them it migrates, adds a
support and a CE user with tokens, starts gunicorn (production settings, persistent database
connections) and a Celery worker (real broker), and drives traffic through the API: threads
create tickets (unique titles), a CE files pre-sales requests, a support engineer claims the
number one and resolves it. The queue is backed up (nobody on the rota), so every new ticket
gets a proactive notice through the outbox: decided in the database, enqueued to Redis,
delivered by the worker over SMTP to a sink the script runs (one message per notice).

Faults, in order, with traffic between them:
  a. `kill -9` of the worker's process group right after a burst of tickets, then a restart;
  b. Redis stopped and restarted (queued messages are gone: the outbox must make up for it);
  c. PostgreSQL stopped (`pg_ctl stop -m fast`) for a few seconds: every answer must be a 503
     with a JSON body and no stack trace; then restarted.
Then, as beat would, it evaluates the load and sweeps the outbox, with the sweep's clock moved
past REQUEUE_AFTER and STALE_CLAIM (the waits after which the outbox re-sends a message the
broker lost, or flags a claim a killed worker left), and waits for the worker to drain.

Checks (SQL over its own database, and what the mail server received):
  - every ticket acknowledged with 201 exists exactly once; no ticket exists that was not
    acknowledged unless its request's outcome was unknown (connection error or a 503
    during the outage: reported);
  - each ticket has exactly one `created` event; each acknowledged claim exactly one
    assignment and one status event, each acknowledged status change exactly one event;
  - each unanswered ticket has exactly one notice; each `sent` notice reached the mail
    server (an SMTP sink the script runs, a little slow on purpose) exactly once; an
    `uncertain` one (a worker died between sending and recording) at most once; none is
    left pending, sending or failed; no ticket was mailed twice;
  - no 5xx other than 503, and only 503s while PostgreSQL was away.
Prints a summary and exits 1 on any violation. Cleans up processes and temp dirs, on Ctrl-C too.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard `queue` module that redis and psycopg import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))


from bench._fault_stack import SmtpSink, Stack, say  # noqa: E402
from bench._fault_traffic import Record, Traffic, call  # noqa: E402


def sending_now(stack: Stack, timeout: float = 5) -> int:
    """Wait until the worker is delivering (a notice claimed, mail not confirmed); count them."""
    deadline = time.time() + timeout
    while True:
        count = stack.sql("select count(*) from queues_notice where status = 'sending'")[0][0]
        if count or time.time() > deadline:
            return count
        time.sleep(0.02)


def wait_for_outbox(stack: Stack, timeout: float = 60) -> None:
    """Wait until no notice is pending or being sent (the worker drained the queue)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        rows = stack.sql(
            "select count(*) from queues_notice where status in ('pending', 'sending')"
        )
        if rows[0][0] == 0:
            return
        time.sleep(0.5)


SHELL_CATCH_UP = """
from datetime import timedelta
from django.utils import timezone
from queues import services
services.load_evaluate()
ahead = timezone.now() + max(services.REQUEUE_AFTER, services.STALE_CLAIM) + timedelta(seconds=1)
print(services.notices_sweep(now=ahead if {ahead} else None))
"""


def check(stack: Stack, record: Record, sink: SmtpSink) -> tuple[list[str], dict]:
    """Compare what clients were told with what the database and the mail folder hold."""
    problems: list[str] = []
    facts: dict = {}
    rows = stack.sql("select id, title from triage_ticket")  # a request's title: its summary
    by_title: dict[str, list[int]] = {}
    for ticket_id, title in rows:
        by_title.setdefault(title, []).append(ticket_id)
    lost = [t for t in record.created if t not in by_title]
    duplicated = {t: ids for t, ids in by_title.items() if len(ids) > 1}
    wrong_id = [t for t, i in record.created.items() if t in by_title and by_title[t] != [i]]
    unacknowledged = [t for t in by_title if t.startswith(("faults-", "presales-"))]
    unacknowledged = [t for t in unacknowledged if t not in record.created]
    unexplained = [t for t in unacknowledged if t not in record.unknown_titles]
    facts.update(
        lost=len(lost), duplicated=len(duplicated), stored_unacknowledged=len(unacknowledged)
    )
    if lost:
        problems.append(f"{len(lost)} acknowledged ticket(s) missing: {lost[:5]}")
    if duplicated:
        problems.append(f"{len(duplicated)} ticket(s) stored twice: {list(duplicated.items())[:5]}")
    if wrong_id:
        problems.append(f"{len(wrong_id)} ticket(s) with another id than acknowledged")
    if unexplained:
        problems.append(
            f"{len(unexplained)} ticket(s) stored that no client sent: {unexplained[:5]}"
        )

    events = stack.sql(
        "select ticket_id, kind, coalesce(to_value, ''), count(*) from triage_ticketevent "
        "group by ticket_id, kind, to_value"
    )
    counts = {(t, k, v): n for t, k, v, n in events}
    created_events = Counter()
    for (t, k, _v), n in counts.items():
        if k == "created":
            created_events[t] += n
    ids = [t for t, _ in rows]
    bad_created = [t for t in ids if created_events[t] != 1]
    if bad_created:
        problems.append(f"{len(bad_created)} ticket(s) without exactly one 'created' event")
    for ticket_id in record.claims:
        assigned = sum(n for (t, k, _), n in counts.items() if t == ticket_id and k == "assignee")
        if assigned != 1 or counts.get((ticket_id, "status", "in_progress"), 0) != 1:
            problems.append(f"claim of #{ticket_id}: {assigned} assignment event(s)")
    for ticket_id in record.resolved:
        if counts.get((ticket_id, "status", "resolved"), 0) != 1:
            problems.append(f"status change of #{ticket_id} not recorded exactly once")
    doubled = [
        (t, k, v) for (t, k, v), n in counts.items() if n > 1 and k in ("assignee", "status")
    ]
    if doubled:
        problems.append(f"events recorded twice: {doubled[:5]}")
    claimed_unacknowledged = sorted(
        {t for (t, k, _), _n in counts.items() if k == "assignee"} - set(record.claims)
    )
    facts["claims_stored_unacknowledged"] = len(claimed_unacknowledged)

    notices = stack.sql("select ticket_id, status from queues_notice")
    notice_status = Counter(status for _, status in notices)
    per_ticket = Counter(t for t, _ in notices)
    mails = sink.by_ticket()
    facts.update(notices=dict(notice_status), mails=sum(mails.values()))
    unanswered = stack.sql(
        "select id from triage_ticket where status not in ('resolved', 'closed') "
        "and source in ('customer', 'presales') and first_response_at is null"
    )
    missing_notice = [t for (t,) in unanswered if per_ticket[t] == 0]
    if missing_notice:
        problems.append(f"{len(missing_notice)} waiting ticket(s) without a notice")
    if any(n > 1 for n in per_ticket.values()):
        problems.append("a ticket has two notice rows in one episode")
    for ticket_id, status in notices:
        sent = mails.get(ticket_id, 0)
        if status == "sent" and sent != 1:
            problems.append(f"notice for #{ticket_id} is 'sent' but was mailed {sent} time(s)")
        elif status == "uncertain" and sent > 1:
            problems.append(f"uncertain notice for #{ticket_id} mailed {sent} times")
        elif status not in ("sent", "uncertain"):
            problems.append(f"notice for #{ticket_id} left {status}")
    strays = [t for t in mails if t not in per_ticket]
    if strays:
        problems.append(f"mail for ticket(s) without a notice: {strays[:5]}")
    facts["notices_lost"] = sum(1 for t, s in notices if s == "sent" and mails.get(t, 0) == 0)
    facts["notices_duplicated"] = sum(1 for n in mails.values() if n > 1)

    # Answers: only 503 may be a 5xx, and during the outage only 503 JSON without a trace.
    in_outage = [
        a for a in record.answers if any(s <= a.started and a.ended <= e for s, e in record.outages)
    ]
    for a in record.answers:
        if a.status >= 500 and a.status != 503:
            problems.append(f"{a.kind} answered {a.status}: {a.body[:200]}")
        if "Traceback" in a.body:
            problems.append(f"{a.kind} answered with a stack trace")
    for a in in_outage:
        try:
            ok = a.status == 503 and "detail" in json.loads(a.body)
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"during the outage {a.kind} answered {a.status} {a.body[:120]!r}")
    facts["outage_answers"] = len(in_outage)
    facts["outage_503"] = sum(1 for a in in_outage if a.status == 503)
    return problems, facts


def run(args: argparse.Namespace) -> int:  # noqa: PLR0915 - one drill, read top to bottom
    sink = SmtpSink(delay=args.smtp_delay)
    stack = Stack(smtp_port=sink.port)
    stack.keep = args.keep
    started = time.time()
    faults: list[str] = []
    try:
        say(f"own PostgreSQL on :{stack.pg_port}, Redis on :{stack.redis_port}, in {stack.tmp}")
        stack.pg_init()
        stack.pg_start()
        subprocess.run(  # noqa: S603
            ["psql", "-h", "127.0.0.1", "-p", str(stack.pg_port), "-U", "postgres", "-qc",  # noqa: S607
             "create database triage"], check=True)  # fmt: skip
        stack.redis_start()
        stack.manage("migrate", "--noinput")
        tokens = {
            "sam": stack.manage("add_user", "sam", "--role", "support", "--token").split()[-1],
            "cara": stack.manage("add_user", "cara", "--role", "ce", "--token").split()[-1],
        }
        stack.web_start()
        stack.worker_start()
        accounts = {}
        for key, tier in (("acme", "enterprise"), ("prospect", "presales")):
            status, _, text = call(
                stack.base, "POST", "/api/v1/accounts/", tokens["sam"],
                {"name": key, "tier": tier, "deployment": "cloud"},
            )  # fmt: skip
            assert status == 201, text
            accounts[key] = json.loads(text)["id"]
        # Open work and nobody on the rota: backed up, so each new ticket gets a notice.
        call(stack.base, "POST", "/api/v1/tickets/", tokens["sam"],
             {"title": "seed", "source": "customer", "account": accounts["acme"]})  # fmt: skip
        stack.manage(
            "shell",
            "--no-imports",
            "-c",
            "from queues.services import load_evaluate; load_evaluate()",
        )
        state = stack.sql("select state, level from queues_loadepisode where is_open")
        say(f"load: {state}; setup took {time.time() - started:.1f} s; traffic starts")

        traffic = Traffic(stack, tokens, accounts)
        traffic.start(creators=args.creators)
        time.sleep(args.gap)

        in_flight = sending_now(stack)
        stack.kill("worker", signal.SIGKILL)
        faults.append(f"kill -9 celery worker mid-delivery ({in_flight} notice(s) being sent)")
        say(faults[-1])
        time.sleep(2)
        stack.worker_start()
        time.sleep(args.gap)

        stack.kill("redis")
        faults.append("redis stopped (its queue is lost) and restarted after 3 s")
        say(faults[-1])
        time.sleep(3)
        stack.redis_start()
        time.sleep(args.gap)

        stack.pg_stop("fast")
        down = time.time()
        say("postgres stopped (pg_ctl stop -m fast)")
        time.sleep(args.outage)
        up = time.time()
        stack.pg_start()
        traffic.record.outages.append((down, up))
        faults.append(f"postgres stopped for {up - down:.1f} s and restarted")
        say(faults[-1])
        time.sleep(args.gap)
        traffic.join()
        with traffic.record.lock:
            pending = {t for t in traffic.record.unknown_titles if t.startswith("faults-")}
        titles = {title for _id, title in stack.sql("select id, title from triage_ticket")}
        stored_before_retry = len(pending & titles)
        retried = traffic.retry_unknown_creates()
        say(
            f"traffic stopped; retried {retried} unanswered create(s) with their Idempotency-Key "
            f"({stored_before_retry} had been stored); catching up as beat would, then checking"
        )

        wait_for_outbox(stack, timeout=20)
        stack.manage("shell", "--no-imports", "-c", SHELL_CATCH_UP.format(ahead=False))
        wait_for_outbox(stack, timeout=20)
        swept = stack.manage(
            "shell", "--no-imports", "-c", SHELL_CATCH_UP.format(ahead=True)
        ).strip()
        wait_for_outbox(stack, timeout=30)
        swept2 = stack.manage(
            "shell", "--no-imports", "-c", SHELL_CATCH_UP.format(ahead=True)
        ).strip()
        wait_for_outbox(stack, timeout=30)

        record = traffic.record
        problems, facts = check(stack, record, sink)
        statuses = Counter(a.status for a in record.answers)
        unknown = (
            f"{len(record.unknown_titles)} create(s), {record.unknown_claims} claim(s), "
            f"{len(record.unknown_resolves)} status change(s); stored anyway: "
            f"{facts['stored_unacknowledged']} ticket(s), "
            f"{facts['claims_stored_unacknowledged']} claim(s)"
        )
        lines = [
            "",
            "faults injected:",
            *(f"  - {fault}" for fault in faults),
            f"requests: {len(record.answers)}; answers by status: {dict(sorted(statuses.items()))}",
            f"acknowledged: {len(record.created)} tickets (201), {len(record.claims)} claims, "
            f"{len(record.resolved)} status changes",
            f"during the outage: {facts['outage_answers']} answer(s), "
            f"{facts['outage_503']} of them 503 with a JSON detail",
            f"outcome unknown to the client (no answer, or a 503): {unknown}",
            f"creates retried afterwards with the same Idempotency-Key: {retried}, of which "
            f"{stored_before_retry} had been stored before the retry (each answered as the one "
            "ticket it filed)",
            f"notices: {facts['notices']}; mails received: {facts['mails']}; "
            f"catch-up sweeps re-enqueued {swept} then {swept2}",
            f"lost: tickets {facts['lost']}, notices {facts['notices_lost']}; "
            f"duplicated: tickets {facts['duplicated']}, notices {facts['notices_duplicated']}",
            f"wall time {time.time() - started:.0f} s",
        ]
        print("\n".join(lines))
        if problems:
            print(f"\nFAILED: {len(problems)} violation(s)")
            for problem in problems[:40]:
                print(f"  - {problem}")
            stack.keep = True
            return 1
        print("\nOK: nothing lost, nothing duplicated, a clear 503 while the database was away")
        return 0
    finally:
        stack.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gap", type=float, default=4, help="seconds of traffic between faults")
    parser.add_argument("--outage", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.add_argument("--keep", action="store_true", help="keep the logs (temp dir) at the end")
    parser.add_argument("--smtp-delay", type=float, default=0.05, help="seconds per mail")
    parser.add_argument("--creators", type=int, default=3, help="ticket-creating client threads")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the cluster runs as the postgres user via runuser")
    # Clean up on Ctrl-C and SIGTERM too (a shell may start a background job ignoring SIGINT).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: processes stopped, temp dir removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
