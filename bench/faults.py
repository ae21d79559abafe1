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
import contextlib
import email
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard `queue` module that redis and psycopg import.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
VENV = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class SmtpSink:
    """A local SMTP server that takes SMTP_DELAY per message and records what it accepted.

    The delay keeps deliveries in flight, so killing the worker lands mid-task. A message
    counts as sent when the server answers 250 to its DATA, as with a real mail server.
    """

    def __init__(self, delay: float) -> None:
        import socketserver

        sink = self
        self.delay = delay
        self.subjects: list[str] = []
        self.lock = threading.Lock()

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 sink ready\r\n")
                while line := self.rfile.readline():
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        self.wfile.write(b"354 end with .\r\n")
                        lines = []
                        while (data := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(data)
                        time.sleep(sink.delay)
                        message = email.message_from_bytes(b"".join(lines))
                        with sink.lock:
                            sink.subjects.append(str(message.get("Subject", "")))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:  # EHLO, MAIL, RCPT, RSET, NOOP
                        self.wfile.write(b"250 ok\r\n")

        socketserver.ThreadingTCPServer.daemon_threads = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def by_ticket(self) -> Counter:
        counts: Counter = Counter()
        with self.lock:
            for subject in self.subjects:
                match = re.search(r"\[#(\d+)\]", subject.replace("\n", " "))
                if match:
                    counts[int(match.group(1))] += 1
        return counts


class Stack:
    """Our own PostgreSQL, Redis, gunicorn and Celery worker; everything stopped on exit."""

    def __init__(self, smtp_port: int) -> None:
        self.keep = False
        self.tmp = Path(tempfile.mkdtemp(prefix="st-faults-"))
        self.tmp.chmod(0o755)  # the postgres user must reach its data directory inside
        self.pgdata = self.tmp / "pgdata"
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.procs: dict[str, subprocess.Popen] = {}
        self.pg_running = False
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/triage",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "CELERY_QUEUE": "faults",
            "SECRET_KEY": secrets.token_urlsafe(50),  # production refuses weak keys
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "CONN_MAX_AGE": "60",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LOG_LEVEL": "WARNING",
        }

    # PostgreSQL ---------------------------------------------------------------------------
    def _as_postgres(self, *args: str) -> None:
        subprocess.run(  # noqa: S603
            ["runuser", "-u", "postgres", "--", *args],  # noqa: S607
            check=True,
            stdout=subprocess.DEVNULL,
            cwd="/",
        )

    def pg_init(self) -> None:
        self.pgdata.mkdir(mode=0o700)
        shutil.chown(self.pgdata, "postgres", "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-A", "trust", "-U", "postgres"
        )

    def pg_start(self) -> None:
        opts = (
            f"-p {self.pg_port} -k {self.pgdata} -c listen_addresses=127.0.0.1 -c fsync=on "
            "-c max_connections=50"
        )
        log = self.pgdata / "server.log"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "start",
            "-D",
            str(self.pgdata),
            "-o",
            opts,
            "-l",
            str(log),
            "-w",
        )
        self.pg_running = True

    def pg_stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", mode, "-w")
        self.pg_running = False

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        url = self.env["DATABASE_URL"]
        with psycopg.connect(url) as conn:
            return conn.execute(query, params).fetchall()

    # Redis, gunicorn, Celery --------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("a")
        self.procs[name] = subprocess.Popen(  # noqa: S603
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def redis_start(self) -> None:
        self._spawn(
            "redis",
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
        )  # fmt: skip
        import redis

        client = redis.Redis(port=self.redis_port, socket_connect_timeout=0.5)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def web_start(self) -> None:
        self._spawn(
            "web",
            [str(VENV / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "30"],
        )  # fmt: skip
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_start(self) -> None:
        self._spawn(
            "worker",
            [str(VENV / "celery"), "-A", "config", "worker", "--concurrency", "2",
             "--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        )  # fmt: skip

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the process group: a worker's pool children too
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def manage(self, *args: str) -> str:
        out = subprocess.run(  # noqa: S603
            [str(VENV / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout

    def close(self) -> None:
        for name in ("web", "worker", "redis"):
            self.kill(name)
        if self.pg_running:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.pg_stop("immediate")
        if self.keep:
            print(f"logs kept in {self.tmp} (gunicorn: web.log, worker: worker.log)")
            shutil.rmtree(self.pgdata, ignore_errors=True)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


@dataclass
class Answer:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    started: float
    ended: float
    body: str
    content_type: str


@dataclass
class Record:
    """Everything the clients sent and what they were told, for the checks."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[Answer] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # title -> id, acknowledged 201
    unknown_titles: set[str] = field(default_factory=set)  # outcome unknown to the client
    claims: list[int] = field(default_factory=list)  # acknowledged claims (ticket ids)
    unknown_claims: int = 0
    resolved: list[int] = field(default_factory=list)  # acknowledged status changes
    unknown_resolves: set[int] = field(default_factory=set)
    outages: list[tuple[float, float]] = field(default_factory=list)


def call(base: str, method: str, path: str, token: str, payload: dict | None = None, key: str = ""):
    """Return (status, content type, body); status 0 when no HTTP answer came back.

    `key` is sent as the Idempotency-Key header (ticket creation)."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(  # noqa: S310
        base + path, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()
    except OSError:
        return 0, "", ""


class Traffic:
    """Client threads: ticket creators, a CE filing pre-sales requests, a claimer."""

    def __init__(self, stack: Stack, tokens: dict[str, str], accounts: dict[str, int]):
        self.stack, self.tokens, self.accounts = stack, tokens, accounts
        self.record = Record()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.seq = iter(range(1, 10**9))
        self.seq_lock = threading.Lock()

    def _answer(self, kind: str, started: float, status: int, ctype: str, body: str) -> None:
        with self.record.lock:
            self.record.answers.append(Answer(kind, status, started, time.time(), body, ctype))

    def _title(self, prefix: str) -> str:
        with self.seq_lock:
            return f"{prefix}-{next(self.seq):06d}"

    def _create(self, title: str) -> int:
        """POST one ticket with its title as Idempotency-Key; return the status."""
        body = {"title": title, "description": "fault drill", "source": "customer",
                "account": self.accounts["acme"], "severity": "p2"}  # fmt: skip
        started = time.time()
        status, ctype, text = call(
            self.stack.base, "POST", "/api/v1/tickets/", self.tokens["sam"], body, key=title
        )
        self._answer("create", started, status, ctype, text)
        with self.record.lock:
            if status == 201:
                self.record.created[title] = json.loads(text)["id"]
                self.record.unknown_titles.discard(title)
            elif status == 0 or status >= 500:
                self.record.unknown_titles.add(title)
        return status

    def _creator(self) -> None:
        while not self.stop.is_set():
            self._create(self._title("faults"))
            time.sleep(0.05)

    def retry_unknown_creates(self) -> int:
        """After the faults, a real client retries the creates it never got an answer to,
        with the same Idempotency-Key: each must come back as the one ticket, never a second."""
        with self.record.lock:
            pending = sorted(t for t in self.record.unknown_titles if t.startswith("faults-"))
        for title in pending:
            self._create(title)
        return len(pending)

    def _presales(self) -> None:
        while not self.stop.is_set():
            summary = self._title("presales")
            body = {"account": self.accounts["prospect"], "summary": summary,
                    "attempted_and_expected": "SSO login; expected the dashboard",
                    "steps_taken": "checked the metadata", "impact": "blocks the trial",
                    "design_doc_links": [], "sales_context": "evaluation"}  # fmt: skip
            started = time.time()
            status, ctype, text = call(
                self.stack.base, "POST", "/api/v1/presales/requests/", self.tokens["cara"], body
            )
            self._answer("presales", started, status, ctype, text)
            with self.record.lock:
                if status == 201:
                    self.record.created[summary] = json.loads(text)["id"]
                elif status == 0 or status >= 500:
                    self.record.unknown_titles.add(summary)
            time.sleep(0.3)

    def _claimer(self) -> None:
        while not self.stop.is_set():
            started = time.time()
            status, ctype, text = call(
                self.stack.base, "POST", "/api/v1/queue/claim/", self.tokens["sam"], {}
            )
            self._answer("claim", started, status, ctype, text)
            if status == 200:
                ticket_id = json.loads(text)["id"]
                with self.record.lock:
                    self.record.claims.append(ticket_id)
                started = time.time()
                status, ctype, text = call(
                    self.stack.base, "PATCH", f"/api/v1/tickets/{ticket_id}/",
                    self.tokens["sam"], {"status": "resolved"},
                )  # fmt: skip
                self._answer("resolve", started, status, ctype, text)
                with self.record.lock:
                    if status == 200:
                        self.record.resolved.append(ticket_id)
                    elif status == 0 or status >= 500:
                        self.record.unknown_resolves.add(ticket_id)
            elif status == 0 or status >= 500:
                with self.record.lock:
                    self.record.unknown_claims += 1
            time.sleep(0.4)

    def start(self, creators: int) -> None:
        targets = [self._creator] * creators + [self._presales, self._claimer]
        for target in targets:
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


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
