"""`python3 dev.py run` as a newcomer starts it: the periodic work runs, and Ctrl-C ends it all.

The run is the real one (dev.py, migrate, seed_demo, runserver, a Celery worker with embedded
beat on the folder broker) on a fresh SQLite file and a free port; only the beat intervals are
shortened (LOCAL_BEAT_EVERY_SECONDS), so the first evaluation comes after 5 s instead of 60.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROC = Path("/proc")
LEAVE_OUT = ("DATABASE_URL", "REDIS_URL", "CELERY_QUEUE", "DJANGO_SETTINGS_MODULE", "EMAIL_URL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(root: int) -> set[int]:
    """Return every process below `root` (children, grandchildren, ...), from /proc."""
    parent = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parent.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Return whether `pid` runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
            return response.status == 200
    except OSError:
        return False


def wait_for(predicate, timeout: float, what: str, run=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if run is not None and run.process.poll() is not None:
            pytest.fail(f"dev.py run exited ({run.process.returncode}) before {what}:\n{run.log()}")
        time.sleep(0.5)
    pytest.fail(f"{what}: not within {timeout} s\n{run.log() if run else ''}")


class DevRun:
    def __init__(self, tmp: Path) -> None:
        self.tmp, self.port = tmp, free_port()
        self.db = tmp / "db.sqlite3"
        self.logfile = tmp / "run.log"
        env = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT}
        env.update(
            DATABASE_URL=f"sqlite:///{self.db}",
            LOCAL_BROKER_DIR=str(tmp / "broker"),
            EMAIL_URL=f"filemail:///{tmp / 'mail'}",
            PORT=str(self.port),
            VENV_DIR=sys.prefix,  # the tests' own virtualenv, already installed
            LOCAL_BEAT_EVERY_SECONDS="5",
        )
        with self.logfile.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "dev.py", "run"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a signal for dev.py reaches only dev.py
            )
        self.seen: set[int] = set()
        self.served_at = 0.0

    def log(self, tail: int = 4000) -> str:
        return self.logfile.read_text(errors="replace")[-tail:]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, sql: str) -> int:
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10) as db:
            return db.execute(sql).fetchone()[0]

    def stop(self) -> None:
        """Whatever a test left behind: interrupt dev.py, then kill what is still there."""
        self.seen |= descendants(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in self.seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def dev_run(tmp_path_factory):
    if not PROC.is_dir():
        pytest.skip("reads the process tree from /proc (Linux)")
    run = DevRun(tmp_path_factory.mktemp("dev-run"))
    try:
        # A fresh clone: install (already done here), migrate, seed, then serve.
        wait_for(lambda: answers(run.url("/healthz")), 240, "the web server answered", run)
        run.served_at = time.monotonic()
        yield run
    finally:
        run.stop()


def test_dev_run_runs_the_beat_schedule_in_a_worker_load_notices_and_breach_warnings(dev_run):
    # Nothing but beat triggers these: the web process only serves pages.
    wait_for(
        lambda: dev_run.count("select count(*) from queues_loadepisode"),
        60,
        "load history",
        dev_run,
    )
    wait_for(
        lambda: dev_run.count("select count(*) from queues_notice where status = 'sent'"),
        60,
        "proactive notices sent",
        dev_run,
    )
    wait_for(
        lambda: dev_run.count("select count(*) from triage_ticketevent where kind = 'sla_warning'"),
        60,
        "breach warnings",
        dev_run,
    )
    assert time.monotonic() - dev_run.served_at < 120  # within two minutes of the start
    assert list((dev_run.tmp / "mail").glob("*.log")), "the notices' mail was not written"
    log = dev_run.log(tail=10**7)
    assert "Connected to filesystem://" in log, "the worker did not use the folder broker"
    assert "beat: Starting" in log


def test_ctrl_c_ends_everything_dev_run_started(dev_run):
    # runserver and its reloader, the worker and its beat process: four processes below dev.py.
    started = wait_for(
        lambda: found if len(found := descendants(dev_run.process.pid)) >= 4 else None,
        60,
        "the worker's beat process started",
        dev_run,
    )
    dev_run.seen |= started
    commands = " ".join(
        (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace") for pid in started
    )
    assert "runserver" in commands and "celery" in commands, commands

    dev_run.process.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
    assert dev_run.process.wait(timeout=40) == 0, dev_run.log()
    wait_for(lambda: not any(alive(pid) for pid in started), 5, "every child stopped")
    assert not answers(dev_run.url("/healthz"))
    assert "Stopped." in dev_run.log()


def _local_settings(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in (*LEAVE_OUT, "LOCAL_BROKER_DIR")}
    code = (
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, "
        "min(e['schedule'] for e in s.CELERY_BEAT_SCHEDULE.values()))"
    )
    answer = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return answer.stdout.split()


def test_laptop_settings_run_tasks_in_process_unless_dev_run_names_a_broker_folder(tmp_path):
    assert _local_settings() == ["memory://", "True", "60.0"]  # manage.py by hand, as before
    broker = str(tmp_path / "broker")
    assert _local_settings(LOCAL_BROKER_DIR=broker) == ["filesystem://", "False", "60.0"]
    assert (tmp_path / "broker" / "messages").is_dir()
    # With Redis the worker uses it; the folder is not needed.
    redis = "redis://127.0.0.1:6379/11"
    assert _local_settings(LOCAL_BROKER_DIR=broker, REDIS_URL=redis)[:2] == [redis, "False"]
    # A test or a demo may shorten the beat intervals, never lengthen them.
    assert _local_settings(LOCAL_BEAT_EVERY_SECONDS="5")[2] == "5.0"
    assert _local_settings(LOCAL_BEAT_EVERY_SECONDS="600")[2] == "60.0"
