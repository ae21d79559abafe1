"""Benchmark: drain an IMAP backlog through the inbound pipeline with one process (issue 13).

    .venv/bin/python bench/mail.py --messages 10000

Targets (issue 13, point 11): 10,000 messages drain in under 60 s with one worker, peak memory
stays under 300 MB, and a second fetch creates nothing.

What one run does:
1. Starts a Dovecot of its own (.ci/dovecot.sh on 127.0.0.1:BENCH_DOVECOT_PORT, default 10144,
   run folder /tmp/support-triage-dovecot-bench, wiped first) and fills its INBOX by writing
   the messages straight into the Maildir's new/ folder (the fast way; IMAP sees them as
   unseen). The mix is fixed and deterministic: mostly plain-text customer mail from mapped
   domains, a fifth HTML-only, some from unknown senders, some with a small attachment.
2. Drops and recreates its own PostgreSQL database (BENCH_MAIL_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/support_triage_bench_mail; the name must contain
   'bench'), migrates it and maps 50 accounts' domains, so it starts from the same state on
   every run.
3. Runs `manage.py fetch_mail` (the service, as the periodic task runs it) as ONE process with
   production settings and a throw-away MEDIA_ROOT, and measures its wall time (Django's start
   included) and its peak RSS (getrusage of the child).
4. Runs it a second time (nothing is unseen: it must create nothing), then clears every \\Seen
   flag and runs it a third time: every message is fetched again, and every one is a duplicate.
5. Prints the figures and PASS/FAIL against the targets, with the load average.

On exit (error and Ctrl-C included) the database is dropped, the media folder removed and the
Dovecot stopped, unless --keep.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/mail.py`, this folder would come first on sys.path, and this file would
# shadow the `mail` app (and bench/queue.py the standard `queue`): put the project root there.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from email.message import EmailMessage  # noqa: E402
from email.utils import format_datetime  # noqa: E402

ROOT = _HERE.parent
DB_URL = os.environ.get(
    "BENCH_MAIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/support_triage_bench_mail"
)
PORT = int(os.environ.get("BENCH_DOVECOT_PORT", "10144"))
RUN = Path(os.environ.get("BENCH_DOVECOT_RUN", "/tmp/support-triage-dovecot-bench"))
URL = f"imap://test:pass@127.0.0.1:{PORT}/INBOX"
DOMAINS = 50
TARGET_SECONDS = 60.0
TARGET_MB = 300.0
PARAGRAPH = (
    "Since this morning's deploy the nightly export has been stuck at 40 %, and the dashboard "
    "shows the job as running. We restarted the worker twice. Logs attached where we could. "
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200, help="fetch_mail --batch")
    parser.add_argument("--chunk", type=int, default=50, help="fetch_mail --chunk")
    parser.add_argument("--keep", action="store_true", help="keep the database and Dovecot")
    parser.add_argument(
        "--profile", metavar="FILE", help="run the first fetch under pyinstrument (text report)"
    )
    args = parser.parse_args()
    media = Path(tempfile.mkdtemp(prefix="support-triage-bench-mail-media-"))
    env = _environment(media)
    try:
        _dovecot_fresh()
        t0 = time.monotonic()
        size = _fill_maildir(args.messages)
        fill_seconds = time.monotonic() - t0
        _database_fresh()
        _seed_domains(env)
        load_before = os.getloadavg()
        first = _fetch(env, args, profile=args.profile)
        second = _fetch(env, args)
        _unflag_all()
        third = _fetch(env, args)
        load_after = os.getloadavg()
        _report(args, size, fill_seconds, first, second, third, load_before, load_after)
        ok = (
            first["fetched"] == args.messages
            and first["created"] == args.messages
            and second["created"] == 0
            and third["created"] == 0
        )
        return 0 if ok else 1
    finally:
        if not args.keep:
            _dovecot("stop")
            _drop_database()
        shutil.rmtree(media, ignore_errors=True)


def _environment(media: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "INBOUND_IMAP_URLS", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=DB_URL,
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        MEDIA_ROOT=str(media),
        LOG_LEVEL="WARNING",
    )
    return env


# --- Dovecot and the backlog -------------------------------------------------------------------


def _dovecot(command: str) -> str:
    env = {**os.environ, "DOVECOT_PORT": str(PORT), "DOVECOT_RUN": str(RUN)}
    done = subprocess.run(  # noqa: S603
        [str(ROOT / ".ci" / "dovecot.sh"), command],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if command == "start" and done.returncode:
        sys.exit(f"Dovecot did not start: {done.stderr or done.stdout}")
    return done.stdout


def _dovecot_fresh() -> None:
    _dovecot("stop")
    shutil.rmtree(RUN, ignore_errors=True)
    _dovecot("start")


def _maildir() -> Path:
    return RUN / "mail" / "test" / "Maildir"


def _message(i: int) -> bytes:
    """Return message i of the fixed mix (RFC 5322, CRLF line ends)."""
    msg = EmailMessage()
    known = i % 10 != 9  # one in ten from an unknown sender
    domain = f"customer{i % DOMAINS}.example" if known else f"stranger{i}.example"
    msg["From"] = f"Customer {i} <ops{i % 97}@{domain}>"
    msg["To"] = "Support <support@example.com>"
    msg["Subject"] = f"Export stuck since the deploy (case {i})"
    msg["Date"] = format_datetime(datetime(2026, 12, 1, tzinfo=UTC) + timedelta(seconds=i))
    msg["Message-ID"] = f"<bench-{i}@{domain}>"
    body = f"Hello support,\n\n{PARAGRAPH * (1 + i % 4)}\n\nCase {i}.\n\n-- \nOps\n"
    if i % 5 == 4:  # a fifth HTML-only
        paragraphs = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(1 + i % 4))
        msg.set_content(
            f"<html><body><p>Hello support,</p>{paragraphs}<p>Case {i}.</p></body></html>",
            subtype="html",
        )
    else:
        msg.set_content(body)
    if i % 20 == 7:  # one in twenty with a small log attached
        msg.add_attachment(
            (f"{i} export stuck\n" * 200).encode(),
            maintype="text",
            subtype="plain",
            filename=f"export-{i}.log",
        )
    return msg.as_bytes().replace(b"\n", b"\r\n")


def _fill_maildir(n: int) -> int:
    """Write n messages into the INBOX's new/ folder; return their total size in bytes."""
    maildir = _maildir()
    owner = maildir.stat()
    tmp, new = maildir / "tmp", maildir / "new"
    total = 0
    stamp = int(time.time())
    for i in range(n):
        raw = _message(i)
        total += len(raw)
        name = f"{stamp}.M{i}P{os.getpid()}.bench"
        path = tmp / name
        path.write_bytes(raw)
        os.chown(path, owner.st_uid, owner.st_gid)
        path.rename(new / name)  # Maildir delivery: write in tmp/, then rename into new/
    return total


def _unflag_all() -> None:
    from imap_tools import MailBoxUnencrypted

    with MailBoxUnencrypted("127.0.0.1", PORT).login("test", "pass", "INBOX") as box:
        box.client.uid("STORE", "1:*", "-FLAGS.SILENT", r"(\Seen)")


# --- The database -----------------------------------------------------------------------------


def _database_fresh() -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    if "bench" not in name:
        sys.exit(f"Refusing to reset {name!r}: name a database with 'bench' in it.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')


def _drop_database() -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def _seed_domains(env: dict[str, str]) -> None:
    """Migrate, then give 50 accounts their email domains (the known senders map to them)."""
    script = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from triage.models import Account, AccountAddress\n"
        f"for i in range({DOMAINS}):\n"
        "    a = Account.objects.create(name=f'Customer {i}', tier=['enterprise', 'team',"
        " 'free'][i % 3], deployment='cloud')\n"
        "    AccountAddress.objects.create(account=a, kind='domain',"
        " value=f'customer{i}.example')\n"
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup()\n{script}"],
        cwd=ROOT,
        env=env,
        check=True,
    )


# --- The fetch --------------------------------------------------------------------------------

SUMMARY = re.compile(r"Total: fetched (\d+), created (\d+), duplicates (\d+)")


def _fetch(env: dict[str, str], args, *, profile: str | None = None) -> dict:
    """Run `manage.py fetch_mail` as one process; return its counts, seconds and peak RSS."""
    command = [sys.executable]
    if profile:
        command += ["-m", "pyinstrument", "-i", "0.001", "-r", "text", "-o", profile]
    command += ["manage.py", "fetch_mail", "--url", URL, "--batch", str(args.batch)]
    command += ["--chunk", str(args.chunk)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.monotonic()
    done = subprocess.run(  # noqa: S603
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    seconds = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    match = SUMMARY.search(done.stdout)
    if done.returncode or not match:
        sys.exit(f"fetch_mail failed ({done.returncode}):\n{done.stdout}\n{done.stderr[-3000:]}")
    fetched, created, duplicates = map(int, match.groups())
    return {
        "fetched": fetched,
        "created": created,
        "duplicates": duplicates,
        "seconds": seconds,
        # The fetcher's own CPU time (user + system): on a shared machine, the part of the
        # wall time that is this process's work rather than waiting for a core or the database.
        "cpu": cpu,
        # RUSAGE_CHILDREN's maximum over every child so far: valid for the first fetch, and
        # an upper bound for later ones (the seeding child is far smaller).
        "peak_mb": max(peak_kb, before) / 1024,
    }


def _report(args, size, fill_seconds, first, second, third, load_before, load_after) -> None:
    n = args.messages
    rate = first["fetched"] / first["seconds"] if first["seconds"] else 0.0
    print(
        f"messages              {n:,} ({size / 1e6:.1f} MB, Maildir filled in {fill_seconds:.1f} s)"
    )
    print(f"batch, chunk          {args.batch} per fetch and flag, {args.chunk} per commit")
    print(
        f"first fetch           {first['seconds']:.1f} s to drain: fetched {first['fetched']:,}, "
        f"created {first['created']:,}, duplicates {first['duplicates']:,}"
    )
    print(f"messages/s            {rate:.0f}")
    print(
        f"fetcher CPU           {first['cpu']:.1f} s ({first['cpu'] / max(n, 1) * 1000:.1f} ms "
        "a message, Django's start included)"
    )
    print(f"peak RSS (fetcher)    {first['peak_mb']:.0f} MB")
    print(
        f"second fetch          {second['seconds']:.1f} s: fetched {second['fetched']}, "
        f"created {second['created']}"
    )
    print(
        f"re-fetch, flags off   {third['seconds']:.1f} s: fetched {third['fetched']:,}, "
        f"created {third['created']}, duplicates {third['duplicates']:,}"
    )
    print(
        "load average          "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after ({os.cpu_count()} CPUs)"
    )
    verdicts = [
        (f"{n:,} drain in under {TARGET_SECONDS:.0f} s", first["seconds"] < TARGET_SECONDS),
        (f"peak memory under {TARGET_MB:.0f} MB", first["peak_mb"] < TARGET_MB),
        ("a second fetch creates nothing", second["created"] == 0 and third["created"] == 0),
    ]
    for label, ok in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {label}")


if __name__ == "__main__":
    sys.exit(main())
