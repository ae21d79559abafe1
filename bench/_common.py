"""Shared plumbing for benchmarks: a PostgreSQL database of their own, gunicorn, wrk."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/support_triage_bench"
)


LOG = Path(os.environ.get("BENCH_LOG", "/tmp/support-triage-bench-gunicorn.log"))


def setup_django() -> None:
    """Point Django at the benchmark database with production-like settings."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    # Production settings refuse published or short keys: a fresh one per run.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("CONN_MAX_AGE", "600")
    os.environ.pop("REDIS_URL", None)  # tasks in-process: the benchmark measures the web tier
    # API throttles off: one token at hundreds of requests a second is over any sane rate.
    # Set API_THROTTLE_USER=1000000/min to measure the throttle's own cost instead.
    os.environ.setdefault("API_THROTTLE_USER", "")
    os.environ.setdefault("API_THROTTLE_ANON", "")
    dbname = BENCH_DB.rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"create database {dbname}"],
        capture_output=True,
        check=False,
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 4, threads: int = 1, extra: tuple[str, ...] = ()):
    """Run the app under gunicorn (persistent DB connections) and yield its base URL.

    `extra` is passed on to gunicorn (bench/load.py adds an access log with timings).
    """
    port = free_port()
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(threads)]
    cmd += list(extra)
    # The app logs a JSON access line per request, as in production: kept (its cost is part
    # of the figures) but written to a file, not the terminal.
    log = open(LOG, "ab")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy(), stderr=log)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()


def wrk(url: str, token: str, *, seconds: int = 10, connections: int = 8, method: str = "GET"):
    """Run wrk against url and return (requests per second, p50 ms, p99 ms, errors)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for load figures: apt-get install -y wrk")
    script = ROOT / "bench" / f".wrk-{method.lower()}.lua"
    script.write_text(
        f'wrk.method = "{method}"\n'
        f'wrk.headers["Authorization"] = "Token {token}"\n'
        "function done(summary, latency, requests)\n"
        '  io.write(string.format("P50 %f\\nP99 %f\\n", latency:percentile(50)/1000,'
        " latency:percentile(99)/1000))\n"
        "end\n"
    )
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = float(re.search(r"P50 ([\d.]+)", out).group(1))
    p99 = float(re.search(r"P99 ([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return rps, p50, p99, errors


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


@contextmanager
def celery_worker(broker: str, workdir: Path):
    """Run one Celery worker on the broker (none when broker is empty); stop it on exit."""
    if not broker:
        yield None
        return
    import redis  # only when a broker is asked for

    queue_name = os.environ["CELERY_QUEUE"]
    redis.Redis.from_url(broker).delete(queue_name)  # leftovers of an earlier run
    log = workdir / "worker.log"
    proc = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "config", "worker", "--concurrency", "1",
         "--without-mingle", "--without-gossip", "--loglevel", "INFO", "--logfile", str(log)],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(3)
        if proc.poll() is not None:
            raise SystemExit(f"the Celery worker exited at start: see {log}")
        yield log
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_ready(base: str, token: str, timeout: float = 60) -> None:
    """Wait until gunicorn answers an API call (its workers boot after the port opens)."""
    request = urllib.request.Request(  # noqa: S310 - a local URL we built
        base + "/api/v1/queue/next/", headers={"Authorization": f"Token {token}"}
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                if response.status in (200, 204):
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def wait_quiet(access_log: Path, quiet: float = 1.5, timeout: float = 15) -> None:
    """Wait until gunicorn has answered (and logged) what the last wrk run left in flight.

    wrk stops without waiting for its last requests; the server still commits and logs them.
    The full run's counts start from a snapshot that must not split one of those requests.
    """
    deadline = time.monotonic() + timeout
    size, since = access_log.stat().st_size, time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now_size = access_log.stat().st_size
        if now_size != size:
            size, since = now_size, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
