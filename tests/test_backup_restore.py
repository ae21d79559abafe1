"""The documented backup runs: pg_dump of a database, pg_restore into a fresh one, same rows.

Data is written through the services (tickets with their timeline, a pre-sales request,
delivered notices), committed, dumped by `bench/backup_restore.sh` and restored into a
scratch database; then every main table is compared by row count and by a checksum of its
rows' text. PostgreSQL only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

from presales.models import KeyDate, PresalesRequest
from presales.services import presales_request_create
from queues.models import LoadEpisode, Notice, NoticeStatus
from queues.services import load_evaluate
from tests.conftest import require
from tests.factories import UserFactory, token_for
from triage import services
from triage.models import Account, SlaClock, SlaTarget, Ticket, TicketEvent

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "backup_restore.sh"
BASH = shutil.which("bash") or "/bin/bash"
TABLES = [User, Token, Account, Ticket, TicketEvent, SlaClock, SlaTarget]
TABLES += [PresalesRequest, KeyDate, LoadEpisode, Notice]


def _url(dbname: str) -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{dbname}"


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Return each main table's row count and an md5 of its rows' text, in a fixed order."""
    out = {}
    with psycopg.connect(url) as conn:
        for model in TABLES:
            table = model._meta.db_table
            # Table names come from our models, not from input.
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"  # noqa: S608
                f" FROM {table} t"
            ).fetchone()
            out[table] = (row[0], row[1])
    return out


@pytest.fixture
def committed_data(transactional_db):
    """Write a small but varied day's work through the services, committed for pg_dump."""
    require(connection.vendor == "postgresql", "needs PostgreSQL (pg_dump / pg_restore)")
    require(bool(shutil.which("pg_dump")), "needs pg_dump and pg_restore on PATH")
    sam = UserFactory(username="sam", role="support")
    cara = UserFactory(username="cara", role="ce")
    token_for(sam)
    acme = services.account_create(
        name="Acme", tier="enterprise", deployment="cloud", contact_email="ops@acme.example"
    )
    prospect = services.account_create(name="Prospect Co", tier="presales", deployment="cloud")
    first = services.ticket_create(
        title="Deploy fails", source="customer", account=acme, severity="p0", by=sam
    )
    services.ticket_triage(ticket=first, by=sam, severity="p1", priority="p1")
    services.ticket_set_status(ticket=first, by=sam, status="in_progress")
    services.ticket_create(title="Slow search", source="customer", account=acme, by=sam)
    services.ticket_create(title="Rotate keys", source="internal", account=None, by=sam)
    presales_request_create(
        by=cara,
        account=prospect,
        summary="SSO trial fails",
        attempted_and_expected="Log in with SAML; expected the dashboard.",
        steps_taken="Checked the metadata URL.",
        impact="Blocks the evaluation for everyone",
        sales_context="Technical evaluation, decision next month",
        key_dates_text="Decision 2026-12-15",
    )
    # Nobody on the rota and open work: backed up, so each unanswered ticket (all but the
    # one in progress) gets its notice, delivered at once (tasks run in-process here).
    load_evaluate()
    assert Notice.objects.filter(status=NoticeStatus.SENT).count() == 3
    assert TicketEvent.objects.filter(kind="notice").count() == 3


def test_backup_and_restore_keep_every_row(committed_data, tmp_path):
    source = connection.settings_dict["NAME"]
    scratch = f"{source}_restored_{os.getpid()}"
    dump = tmp_path / "triage.dump"
    before = _fingerprints(_url(source))
    try:
        run = subprocess.run(  # noqa: S603
            [BASH, str(SCRIPT), _url(source), scratch, str(dump)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "DIFFERENT" not in run.stdout
        assert dump.stat().st_size > 0
        after = _fingerprints(_url(scratch))
        # The restore refuses to overwrite a database that exists (the scratch one, now).
        again = subprocess.run(  # noqa: S603
            [BASH, str(SCRIPT), _url(source), scratch, str(tmp_path / "again.dump")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    assert before["triage_ticket"][0] == 4 and before["queues_notice"][0] == 3
    assert after == before
    assert again.returncode == 1 and "already exists" in again.stderr
