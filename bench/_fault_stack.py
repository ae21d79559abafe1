"""bench/faults.py's own servers: a PostgreSQL cluster, Redis, gunicorn, a worker, an SMTP sink."""

from __future__ import annotations

import contextlib
import email
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
