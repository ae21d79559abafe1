"""Fault test (issue 13): kill the fetcher mid-batch, run it again, every message arrives once.

`manage.py fetch_mail` runs as a real process against the test database and the real Dovecot.
It is killed with SIGKILL (no cleanup, no flagging) once some rows have committed and before
it is done; the second run must fetch what was left unseen (including messages whose rows
committed but were never flagged) and store each message exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.mail import imap
from triage.models import Message, Ticket

ROOT = Path(__file__).resolve().parents[2]
N = 30


def _fetch_mail(box, *, batch: int, chunk: int, media: Path) -> subprocess.Popen:
    s = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/"
        f"{s['NAME']}",
        "INBOUND_IMAP_URLS": "",
        "MEDIA_ROOT": str(media),
    }
    url = f"imap://{box.user}:{box.password}@{box.host}:{box.port}/{box.folder}"
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "fetch_mail",
            "--url",
            url,
            "--batch",
            str(batch),
            "--chunk",
            str(chunk),
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


# Flags go once per batch of 10. With chunks of 1, rows commit one by one; with chunks of 5
# they commit five at a time, so the kill points sit in a batch whose first chunk committed and
# whose flag has not been set yet.
@pytest.mark.parametrize(
    ("chunk", "kill_after"), [(1, 1), (1, 7), (1, 16), (5, 1), (5, 11), (5, 21)]
)
def test_a_fetcher_killed_mid_batch_loses_nothing_and_stores_nothing_twice(
    transactional_db, postgres, imap_box, media_root, chunk, kill_after
):
    imap.deliver(imap_box, [imap.rfc5322(n) for n in range(N)])

    proc = _fetch_mail(imap_box, batch=10, chunk=chunk, media=media_root)
    deadline = time.monotonic() + 60
    while (stored := Message.objects.count()) < kill_after and proc.poll() is None:
        assert time.monotonic() < deadline, "the fetcher stored nothing in 60 s"
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, f"it finished before the kill:\n{proc.stdout.read()}"
    stored = Message.objects.count()
    _, unseen = imap.counts(imap_box)
    assert 0 < stored < N
    print(f"killed at {stored} rows stored, {N - unseen} flagged")  # shown with -s
    # Killed between a commit and its batch's flag: rows exist for messages still unseen.
    assert stored > N - unseen, (stored, unseen)

    again = _fetch_mail(imap_box, batch=10, chunk=chunk, media=media_root)
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0, out

    assert Message.objects.count() == N
    assert Message.objects.values("message_id").distinct().count() == N
    # One ticket each (every message is a new case), none twice.
    assert Message.objects.filter(kind="opened", ticket__isnull=False).count() == N
    assert Ticket.objects.count() == N
    assert imap.counts(imap_box) == (N, 0)  # every message kept on the server and flagged
    assert f"fetched {unseen}, created {N - stored}" in out
    assert f"duplicates {stored - (N - unseen)}" in out
