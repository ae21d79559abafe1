"""`manage.py receive_mail` as an MTA runs it: a real process, real exit codes (sysexits)."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.mail.helpers import corpus
from triage.models import Message, Ticket

ROOT = Path(__file__).resolve().parents[2]


def _env(media: Path, database_url: str | None = None) -> dict[str, str]:
    settings = connection.settings_dict
    url = database_url or (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        MEDIA_ROOT=str(media),
    )
    return env


def _run(stdin, env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "receive_mail"],
        cwd=ROOT,
        stdin=stdin,
        env=env,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_message_piped_in_is_kept_and_exits_0(postgres, media_root, tmp_path):
    eml = tmp_path / "m.eml"
    eml.write_bytes(corpus("html-only"))
    with eml.open("rb") as stdin:
        done = _run(stdin, _env(media_root))
    assert done.returncode == 0, done.stderr
    ticket = Ticket.objects.get()
    expected = f"opened <html-only-1@unknown-lab.example> ticket #{ticket.pk}"
    assert done.stdout.decode().strip() == expected
    with eml.open("rb") as stdin:
        again = _run(stdin, _env(media_root))
    assert again.returncode == 0 and again.stdout.decode().startswith("duplicate")
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_bad_mail_is_kept_never_refused(postgres, media_root, tmp_path):
    eml = tmp_path / "bad.eml"
    eml.write_bytes(b"\x00\x01 not mail at all \xff")
    with eml.open("rb") as stdin:
        done = _run(stdin, _env(media_root))
    assert done.returncode == 0, done.stderr  # never EX_DATAERR (65)
    assert Message.objects.get().kind == "quarantined"


def test_the_database_away_is_a_temporary_failure_75(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again when the block ends: nothing listens there
    eml = tmp_path / "m.eml"
    eml.write_bytes(corpus("html-only"))
    url = f"postgres://postgres@127.0.0.1:{port}/nowhere"
    with eml.open("rb") as stdin:
        done = _run(stdin, _env(tmp_path, url))
    assert done.returncode == 75, done.stderr
    assert b"temporary failure" in done.stderr


def test_unreadable_input_is_an_io_error_74(tmp_path):
    # Standard input is a TCP connection the other end reset: reading it fails (ECONNRESET).
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        peer, _ = server.accept()
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        peer.close()  # on loopback the reset reaches the client within close()
        try:
            done = _run(client.fileno(), _env(tmp_path, "postgres://postgres@127.0.0.1:1/x"))
        finally:
            client.close()
    assert done.returncode == 74, done.stderr
    assert b"cannot read the message" in done.stderr
