#!/usr/bin/env python3
"""Set up and run Support Triage on a machine that has only Python 3.11.

python3 dev.py run [--fresh]   install, migrate SQLite, load a demo day, then serve on
                               127.0.0.1:$PORT (8000) with a Celery worker and beat beside it;
                               --fresh starts the demo day over (a new SQLite file)
python3 dev.py test            install, run the whole test suite (extra arguments go to pytest)
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("VENV_DIR", ROOT / ".venv"))
PY = VENV / "bin" / "python"
# What `run` keeps between runs besides the SQLite file: the broker's messages and the mail.
STATE = ROOT / ".dev"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_GRACE_SECONDS = 20


def sh(*args: str, **env: str) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, cwd=ROOT, check=True, env={**os.environ, **env})  # noqa: S603


def install(extras: str) -> None:
    """Create the virtualenv and install the project into it (quick when up to date)."""
    if not PY.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = ROOT / "pyproject.toml"
    # The test tools come on top of the project, so a "dev" install covers a plain one.
    names = [f".installed-{extras or 'base'}", *([] if extras else [".installed-dev"])]
    for name in names:
        stamp = VENV / name
        if stamp.exists() and stamp.stat().st_mtime >= spec.stat().st_mtime:
            return
    sh(str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(str(PY), "-m", "pip", "install", "--quiet", "-e", f".[{extras}]" if extras else ".")
    (VENV / names[0]).touch()


def _port() -> int:
    raw = os.environ.get("PORT", "8000")
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        sys.exit(f"PORT must be a port number (1-65535), not {raw!r}.")
    return int(raw)


def _fresh(broker: Path) -> None:
    """Start the demo day over: a new SQLite file and an empty broker (never a server database)."""
    if os.environ.get("DATABASE_URL"):
        sys.exit("--fresh only replaces the SQLite file; DATABASE_URL names another database.")
    for suffix in ("", "-wal", "-shm"):
        (ROOT / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.rmtree(broker, ignore_errors=True)
    print("Starting over: removed db.sqlite3 and the broker's messages.", flush=True)


def run(args: list[str]) -> int:
    port = _port()
    broker = Path(os.environ.get("LOCAL_BROKER_DIR") or STATE / "broker")
    mail = STATE / "mail"
    if "--fresh" in args:
        _fresh(broker)
    install("")
    # Migrate and seed run their tasks in-process (no broker folder yet).
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "LOCAL_BROKER_DIR": ""}
    # Demo mail (proactive notices, warnings) is written to files: a backed-up queue sends a
    # hundred of them, which would bury the server's lines in the terminal.
    env["EMAIL_URL"] = os.environ.get("EMAIL_URL", f"filemail:///{mail}")
    sh(str(PY), "manage.py", "migrate", "--noinput", **env)
    sh(str(PY), "manage.py", "seed_demo", "--url", f"http://127.0.0.1:{port}", **env)
    # From here on the web process enqueues through the broker folder and the worker runs every
    # task; beat, inside the worker, sends CELERY_BEAT_SCHEDULE's periodic tasks (settings/local).
    env["LOCAL_BROKER_DIR"] = str(broker)
    celery = [str(PY), "-m", "celery", "-A", "config", "worker", "--beat", "--pool", "solo"]
    celery += ["--loglevel", "INFO", "--without-mingle", "--without-gossip"]
    web = [str(PY), "manage.py", "runserver", f"127.0.0.1:{port}"]
    return serve({"worker": celery, "web": web}, env, mail=mail)


def serve(commands: dict[str, list[str]], env: dict[str, str], *, mail: Path) -> int:
    """Run the commands side by side until Ctrl-C (or one of them stops); then stop them all.

    Each runs in its own session, so a terminal's Ctrl-C reaches only this script, which passes
    it on to every process group it started (runserver's reloader, the worker's beat) and waits
    for each group to be empty, killing what is still there after STOP_GRACE_SECONDS.
    """

    stopping: list[int] = []  # the signal that asked us to stop, set by the handler

    def interrupt(signum, _frame):
        stopping.append(signum)

    children: dict[str, subprocess.Popen] = {}
    for sig in STOP_SIGNALS:
        signal.signal(sig, interrupt)
    status = 0
    try:
        for name, command in commands.items():
            if stopping:
                break
            print("+", " ".join(command), flush=True)
            children[name] = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env={**os.environ, **env},
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        else:
            print(
                f"\nRunning: web (pid {children['web'].pid}) and a Celery worker with beat "
                f"(pid {children['worker'].pid}). Mail goes to {mail}/. Ctrl-C stops both.\n",
                flush=True,
            )
        while not stopping and status == 0:
            time.sleep(0.2)
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"\n{name} stopped (exit {child.returncode}); stopping the rest.")
                    status = child.returncode or 1
                    break
        if stopping:
            print("\nStopping the web server and the worker ...", flush=True)
        return status
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        stop(list(children.values()))
        print("Stopped.", flush=True)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(children: list[subprocess.Popen]) -> None:
    """Interrupt each child's process group, as Ctrl-C in a terminal would; kill what lingers."""
    for child in children:
        if _group_alive(child.pid):
            os.killpg(child.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline:
        for child in children:
            child.poll()  # reap our own child, so an exited one does not keep its group alive
        if not any(_group_alive(child.pid) for child in children):
            return
        time.sleep(0.1)
    for child in children:
        if _group_alive(child.pid):
            print(f"pid {child.pid} did not stop in {STOP_GRACE_SECONDS} s: killing its group.")
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def test(args: list[str]) -> int:
    install("dev")
    command = [str(PY), "-m", "pytest", *args]
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if command == "run":
            sys.exit(run(sys.argv[2:]))
        elif command == "test":
            sys.exit(test(sys.argv[2:]))
        else:
            sys.exit(__doc__)
    except KeyboardInterrupt:
        sys.exit(130)
