"""A lost database answers 503 with Retry-After, never a stack trace; health probes tell apart
"the process is up" from "its services answer".

The first test runs the real app under gunicorn with DATABASE_URL pointing at a port where
nothing listens: every query fails the way it does while PostgreSQL restarts.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import Client

from config.availability import API_DETAIL

ROOT = Path(__file__).resolve().parent.parent


def _closed_port() -> int:
    """Return a local port where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None):
    """Return (status, headers, body text) without raising on 4xx/5xx."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def app_without_database(tmp_path):
    """Run gunicorn (production settings) against a database port that refuses connections."""
    port = _closed_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/gone",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # production refuses short or published keys
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CONN_MAX_AGE": "60",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_database_away_answers_503_not_a_stack_trace(app_without_database):
    base, log = app_without_database
    token = {"Authorization": "Token 0123456789abcdef0123456789abcdef01234567"}

    # An API read: DRF's token authentication is the first query, inside the view.
    status, headers, body = _get(f"{base}/api/v1/queue/", token)
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "5"
    assert json.loads(body) == {"detail": API_DETAIL}

    # An API write answers the same, and nothing hints at the internals.
    payload = json.dumps({"title": "x", "description": "y", "source": "internal"}).encode()
    status, headers, body = _get(
        f"{base}/api/v1/tickets/", {**token, "Content-Type": "application/json"}, payload
    )
    assert (status, json.loads(body)) == (503, {"detail": API_DETAIL})

    # A page for a signed-in browser: the session lookup is the first query.
    status, headers, body = _get(
        f"{base}/", {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz123456"}
    )
    assert status == 503
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Retry-After"] == "5"
    assert "Back in a moment" in body
    assert "<script" not in body and "style=" not in body and "<style" not in body
    assert "Traceback" not in body and "OperationalError" not in body

    # Liveness needs no database; readiness says what is missing.
    assert _get(f"{base}/healthz")[:1] == (200,)
    status, headers, body = _get(f"{base}/readyz")
    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "redis": "unavailable"},
    }

    assert "Traceback" not in body
    logged = log.read_text()
    # Production logs JSON lines. Each 503 is logged once at ERROR with its cause and the
    # request id; none passes as a 500.
    records = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    unavailable = [
        r
        for r in records
        if r["level"] == "ERROR"
        and r["logger"] == "config.availability"
        and r["message"].startswith("Database unavailable")
    ]
    assert len(unavailable) == 3, logged
    assert all("OperationalError" in r["exception"] and r["request_id"] != "-" for r in unavailable)
    assert "Internal Server Error" not in logged


class DatabaseFirstMiddleware:
    """Query the database before the view, as a session or lockout middleware would.

    The query goes to a real connection whose server does not answer (a closed port on
    PostgreSQL, an unreachable file on SQLite), so the error is the driver's own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connections

        conn = connections.create_connection("default")
        conn.settings_dict = {**conn.settings_dict}
        if conn.vendor == "postgresql":
            conn.settings_dict["PORT"] = _closed_port()
        else:
            conn.settings_dict["NAME"] = "/nonexistent/dir/db.sqlite3"
        try:
            conn.ensure_connection()
        finally:
            conn.close()
        return self.get_response(request)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"), [("/api/v1/queue/", "application/json"), ("/", "text/html")]
)
def test_database_lost_in_a_middleware_answers_503(settings, path, content_type):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_availability.DatabaseFirstMiddleware"]
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response["Content-Type"].startswith(content_type)
    assert response["Retry-After"] == "5"
    assert b"Traceback" not in response.content


@pytest.mark.django_db
def test_other_errors_stay_500(settings):
    """Only a lost database is a 503; a bug is still a 500 (and still logged as one)."""

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_availability.BuggyMiddleware"]
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500


class BuggyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise ValueError("a bug, not an outage")


@pytest.mark.django_db
def test_ready_when_the_database_answers(settings):
    settings.REDIS_URL = ""
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "not configured"},
    }


@pytest.mark.django_db
def test_not_ready_when_redis_is_away(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = Client().get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable"}


def test_healthz_skips_host_check_and_https_redirect(settings):
    """A load balancer probes by IP over plain HTTP: no 400 for the host, no 301 to https."""
    settings.SECURE_SSL_REDIRECT = True
    response = Client(HTTP_HOST="10.0.0.7:8000").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@contextmanager
def _broker_away():
    """Point the Celery app at a real closed port: publishing really fails."""
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app._pool, app.amqp._producer_pool = None, None  # noqa: SLF001 - dial the new broker
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool, app.amqp._producer_pool = None, None  # noqa: SLF001


@pytest.mark.django_db
def test_resolving_while_the_broker_is_away_is_not_a_500(
    as_sam, caplog, django_capture_on_commit_callbacks
):
    """The resolve hook enqueues a channel reminder; a broker outage must not fail the request.

    bench/faults.py found it: the change was committed, then the hook raised and the client
    got a 500.
    """
    from tests.factories import TicketFactory

    ticket = TicketFactory(tier="enterprise")
    with _broker_away(), django_capture_on_commit_callbacks(execute=True):
        response = as_sam.patch(
            f"/api/v1/tickets/{ticket.pk}/", {"status": "resolved"}, format="json"
        )
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    assert "channel reminder for" in caplog.text


@pytest.mark.django_db
def test_an_escalation_decision_while_the_broker_is_away_is_saved_and_answered(
    as_eve, sam_support, caplog, django_capture_on_commit_callbacks
):
    """Its e-mail to support is enqueued after commit: an outage is logged, not a 500."""
    from escalations.models import EscalationDecision
    from tests.factories import TicketFactory, escalate
    from triage.services import ticket_triage

    ticket = ticket_triage(
        ticket=TicketFactory(tier="enterprise"), by=sam_support, severity="p1", priority="p1"
    )
    escalation = escalate(ticket, by=sam_support)
    with _broker_away(), django_capture_on_commit_callbacks(execute=True):
        response = as_eve.patch(
            f"/api/v1/escalations/{escalation.pk}/",
            {"decision": "accept", "target_date": "2099-01-02"},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert EscalationDecision.objects.filter(escalation=escalation).count() == 1
    assert "escalation_decision_notify" in caplog.text and "not enqueued" in caplog.text
