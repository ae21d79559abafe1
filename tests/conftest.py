"""Personas, API clients, and the rule that decides whether a missing service skips or fails.

On a bare laptop, tests that need PostgreSQL, Redis, a Celery worker or chromium skip with a
stated reason. CI sets REQUIRE_SERVICES=1, which turns each of those skips into a failure.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import UserFactory, token_for

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls there are
# still synchronous. Set before any browser fixture starts (a module's first test may be one).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
# "1", "true" or "yes" turn it on; unset, empty, "0" or "false" leave it off.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip (laptop) or fail (CI, REQUIRE_SERVICES=1) when a real service is missing."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} — REQUIRE_SERVICES is set, so this is a failure, not a skip")
    pytest.skip(reason)


def pytest_sessionfinish(session, exitstatus):
    # A safety net behind `require`: in CI no test may skip at all.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_SERVICES and skipped and exitstatus == 0:
        reporter.write_line(f"REQUIRE_SERVICES is set and {skipped} test(s) skipped: failing.")
        session.exitstatus = 1


# Policy rows that data migrations ship (SLA targets, capacity levels). A transactional test's
# flush empties them for the tests that follow, so those tests get them seeded again.
SEEDED_BY_MIGRATIONS = [
    ("triage.migrations.0002_sla_defaults", "triage.SlaTarget"),
    ("queues.migrations.0002_level_defaults", "queues.LevelThreshold"),
]


@pytest.fixture(autouse=True)
def policy_defaults(request):
    """Restore the shipped policy tables for transactional tests (live_server included)."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    for module, model in SEEDED_BY_MIGRATIONS:
        if not apps.get_model(model).objects.exists():
            import_module(module).seed(apps, None)


@pytest.fixture
def postgres(db):
    """Require the tests' database to be PostgreSQL."""
    require(
        connection.vendor == "postgresql",
        "needs PostgreSQL: run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/support_triage",
    )


@pytest.fixture
def redis_url(settings):
    """Require a reachable Redis and return its URL."""
    url = os.environ.get("REDIS_URL", "")
    ok = False
    if url:
        import redis

        try:
            ok = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            ok = False
    require(ok, f"needs Redis: set REDIS_URL (now {url or 'unset'}) to a running server")
    return url


@pytest.fixture
def celery_worker(transactional_db, redis_url):
    """Send tasks to the real broker, where a real worker (started by .ci/run) runs them.

    The worker must use this test database: start it with DATABASE_URL naming
    `test_support_triage` (see .ci/run and the README).
    """
    from config.celery import app

    replies = []
    for _ in range(3):
        replies = app.control.ping(timeout=2)
        if replies:
            break
        time.sleep(1)
    require(bool(replies), "needs a running Celery worker (see README: 'Tests with a worker')")
    from celery import signals

    published: list[str] = []

    def remember(headers=None, **_kwargs):
        if headers and headers.get("id"):
            published.append(headers["id"])

    signals.after_task_publish.connect(remember, weak=False)
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = True
        signals.after_task_publish.disconnect(remember)
        # The worker may still be running (and holding row locks for) a task the test sent
        # without waiting for it; flushing the database under it deadlocks the teardown.
        wait_for_tasks(app, published)


def wait_for_tasks(app, task_ids: list[str], timeout: float = 60.0) -> None:
    """Wait until the real worker has finished every task in `task_ids` (or fail).

    With late acknowledgement (CELERY_TASK_ACKS_LATE) a message stays in the broker, queued or
    in the Redis transport's `unacked` hash, until its task has returned and committed.
    """
    if not task_ids:
        return
    import json

    import redis

    wanted = set(task_ids)
    client = redis.Redis.from_url(app.conf.broker_url)
    queue = app.conf.task_default_queue

    def in_flight() -> set[str]:
        ids = set()
        for raw in client.lrange(queue, 0, -1):
            ids.add(json.loads(raw).get("headers", {}).get("id"))
        for raw in client.hvals("unacked"):
            message = json.loads(raw)[0]
            ids.add(message.get("headers", {}).get("id"))
        return ids & wanted

    deadline = time.monotonic() + timeout
    while in_flight():
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker did not finish {sorted(in_flight())} in {timeout}s")
        time.sleep(0.1)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.2):
    """Poll until predicate() is truthy (work done by another process), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


# Personas (STYLE.md): one per role, and an anonymous client.
@pytest.fixture
def sam_support(db):
    return UserFactory(username="sam", role="support")


@pytest.fixture
def sofia_support(db):
    return UserFactory(username="sofia", role="support")


@pytest.fixture
def cara_ce(db):
    return UserFactory(username="cara", role="ce")


@pytest.fixture
def carl_ce(db):
    return UserFactory(username="carl", role="ce")


@pytest.fixture
def lee_leadership(db):
    return UserFactory(username="lee", role="leadership")


@pytest.fixture
def eve_engineering(db):
    return UserFactory(username="eve", role="engineering")


def api_client(user=None) -> APIClient:
    """Return an API client authenticated by the user's token (anonymous without a user)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def as_sam(sam_support):
    return api_client(sam_support)


@pytest.fixture
def as_cara(cara_ce):
    return api_client(cara_ce)


@pytest.fixture
def as_lee(lee_leadership):
    return api_client(lee_leadership)


@pytest.fixture
def as_eve(eve_engineering):
    return api_client(eve_engineering)


# Browser tests: Playwright drives Debian's chromium (its own browser download cannot work here).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def chromium_available():
    require(
        bool(shutil.which(CHROMIUM)), f"needs chromium at {CHROMIUM} (apt-get install chromium)"
    )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def artifacts() -> Path:
    """Return the folder where browser tests save screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# Outbound mail (issue 13): a real SMTP server on 127.0.0.1 receives what we send.
@pytest.fixture
def smtp_server(settings):
    """Start aiosmtpd on a free port and point Django's SMTP backend at it; yield the sink,
    whose `received` lists (envelope recipients, raw bytes) as the server got them."""
    from tests.hostile import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.SUPPORT_EMAIL = "support@support.example"
        yield sink


@pytest.fixture
def smtp_server_for_worker(celery_worker, smtp_server):
    """Have the real Celery worker send its mail to `smtp_server` too (tests/mail_backend.py)."""
    from tests.mail_backend import redirect_set

    redirect_set(smtp_server.port)
    try:
        yield smtp_server
    finally:
        redirect_set(None)
